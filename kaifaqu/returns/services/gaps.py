"""应统尽统: open, follow up and close the gaps of a zone's statistics."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import can_create, can_write, ensure_can_write
from kaifaqu.core.services import model_update
from kaifaqu.enterprises.models import RosterEntry, StatCategory
from kaifaqu.geo.models import Zone
from kaifaqu.returns.calendar import is_overdue
from kaifaqu.returns.models import Gap, GapKind, GapStatus, Return
from kaifaqu.returns.selectors.candidates import (
    COUNTED_STATUSES,
    above_threshold_outside_roster,
    zone_settings,
)


@dataclass(frozen=True)
class GapRefresh:
    opened: int
    closed: int


def _log(by: User | None, gaps: list[Gap], action: int, changes: dict[str, Any]) -> None:
    # Bulk writes send no signals: record them in the change history one entry per gap.
    with acting_as(by):
        for gap in gaps:
            LogEntry.objects.log_create(gap, action=action, changes=changes)


def _close_all(by: User | None, gaps: Any, note: str) -> int:
    closing = list(gaps)
    if not closing:
        return 0
    now = timezone.now()
    Gap.objects.filter(pk__in=[gap.pk for gap in closing]).update(
        status=GapStatus.CLOSED, note=note, closed_at=now, closed_by=by, updated_at=now
    )
    _log(by, closing, LogEntry.Action.UPDATE, {"status": [GapStatus.OPEN, GapStatus.CLOSED]})
    return len(closing)


@transaction.atomic
def gaps_refresh(*, by: User | None, zone: Zone, month: Month, today: date) -> GapRefresh:
    """Bring the zone's gap list up to date for a month; running it again changes nothing.

    - closes NOT_REPORTED gaps of the month whose return has arrived (submitted or accepted);
    - once the month's deadline has passed, opens a NOT_REPORTED gap for each enterprise on the
      month's 规上工业 roster without a submitted or accepted return;
    - opens an OUTSIDE_ROSTER gap for each enterprise at or above its category's threshold
      (trailing 12 months ending with the month, from returns or proxies) that is not on the
      year's roster, and closes those whose enterprise has since entered it.
    A gap closed by a person is not opened again.
    """
    if by is not None:
        if not can_create(by, Gap):
            raise PermissionDenied(_("You may not create this kind of record."))
        if not Zone.objects.for_user(by).filter(pk=zone.pk).exists():
            raise PermissionDenied(_("This record is outside your scope."))
    period = month.first_day
    last_day = date(month.year, month.month, monthrange(month.year, month.month)[1])
    # An estimate (估算) is the office's figure, not the firm's return: the firm stays 未报.
    reported = Return.objects.filter(
        period=period, status__in=COUNTED_STATUSES, enterprise__zone=zone, is_estimate=False
    ).values("enterprise_id")
    zone_gaps = Gap.objects.filter(enterprise__zone=zone)

    closed = _close_all(
        by,
        zone_gaps.filter(
            kind=GapKind.NOT_REPORTED,
            period=period,
            status=GapStatus.OPEN,
            enterprise_id__in=reported,
        ),
        _("Return received."),
    )
    on_roster = RosterEntry.objects.filter(
        enterprise__zone=zone, year=month.year, exited_on__isnull=True
    )
    closed += _close_all(
        by,
        zone_gaps.filter(
            kind=GapKind.OUTSIDE_ROSTER,
            status=GapStatus.OPEN,
            enterprise_id__in=on_roster.values("enterprise_id"),
        ),
        _("Entered the roster."),
    )

    new: list[Gap] = []
    if is_overdue(month, today, zone_settings(zone).deadline_working_day):
        expected = (
            RosterEntry.objects.filter(
                enterprise__zone=zone, year=month.year, category=StatCategory.INDUSTRY
            )
            .filter(Q(entered_on__isnull=True) | Q(entered_on__lte=last_day))
            .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=period))
            .exclude(enterprise_id__in=reported)
            .exclude(
                enterprise_id__in=zone_gaps.filter(
                    kind=GapKind.NOT_REPORTED, period=period, category=StatCategory.INDUSTRY
                ).values("enterprise_id")
            )
            .values_list("enterprise_id", flat=True)
        )
        new += [
            Gap(
                enterprise_id=enterprise_id,
                kind=GapKind.NOT_REPORTED,
                period=period,
                category=StatCategory.INDUSTRY,
            )
            for enterprise_id in expected.distinct()
        ]

    known = set(
        zone_gaps.filter(kind=GapKind.OUTSIDE_ROSTER, period__isnull=True).values_list(
            "enterprise_id", "category"
        )
    )
    new += [
        Gap(enterprise=found.enterprise, kind=GapKind.OUTSIDE_ROSTER, category=found.category)
        for found in above_threshold_outside_roster(zone=zone, as_of=month)
        if (found.enterprise.pk, found.category) not in known
    ]
    created = Gap.objects.bulk_create(new, batch_size=1000)
    _log(by, [gap for gap in created if gap.pk], LogEntry.Action.CREATE, {"status": [None, "open"]})
    return GapRefresh(opened=len(created), closed=closed)


def gap_assign(*, by: User | None, gap: Gap, to: Any) -> Gap:
    """Give the follow-up of a gap to a person who may work on it and can see it."""
    if by is not None:
        ensure_can_write(by, gap)
    if to is not None and not (
        can_write(to, Gap) and Gap.objects.for_user(to).filter(pk=gap.pk).exists()
    ):
        raise ValidationError(
            {"assigned_to": _("This person cannot follow up gaps of this enterprise.")}
        )
    return model_update(instance=gap, fields=("assigned_to",), data={"assigned_to": to}, by=by)[0]


def gap_close(*, by: User, gap: Gap, note: str) -> Gap:
    """Close a gap with a note saying how it was resolved."""
    if not note.strip():
        raise ValidationError({"note": _("Say how the gap was resolved.")})
    if gap.status == GapStatus.CLOSED:
        raise ValidationError(_("This gap is already closed."))
    return model_update(
        instance=gap,
        fields=("status", "note", "closed_at", "closed_by"),
        data={
            "status": GapStatus.CLOSED,
            "note": note.strip(),
            "closed_at": timezone.now(),
            "closed_by": by,
        },
        by=by,
    )[0]
