"""Writes of the reporting month: open, chase, record 未报, close, reopen for a revision.

A closed month takes no return: every write of a return of that zone and month (saved, submitted,
accepted, sent back, imported) asks `ensure_month_takes_returns` first. A correction after the
close reopens the month as a revision (`reporting_month_reopen`); the statistics office then sends
the accepted return back to the firm, which corrects it (staff never change a reported figure),
and the month is closed and published again.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import ensure_may
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.geo.models import Zone
from kaifaqu.returns.models import (
    DEFAULT_TREATMENT,
    NonResponse,
    NonResponseTreatment,
    Reminder,
    ReportingMonth,
    ReportingMonthStatus,
    Return,
    ReturnStatus,
)
from kaifaqu.returns.selectors.months import close_blockers, expected_entries
from kaifaqu.returns.services.estimates import estimates_create
from kaifaqu.returns.services.month_guard import (
    default_deadline,
)


def _month_text(period: date) -> str:
    return f"{period:%Y-%m}"


def _ensure_runs_month(by: User, zone_id: int) -> None:
    ensure_may(by, "returns.run_month")
    if not Zone.objects.for_user(by).filter(pk=zone_id).exists():
        raise PermissionDenied(_("This record is outside your scope."))


@transaction.atomic
def reporting_month_open(
    *, by: User, zone: Zone, period: date, deadline: date | None = None
) -> ReportingMonth:
    """Open a zone's month for reporting (its deadline: given, or the reporting calendar's)."""
    _ensure_runs_month(by, zone.pk)
    month = period.replace(day=1)
    if ReportingMonth.objects.filter(zone=zone, period=month).exists():
        raise ValidationError(
            _("The reporting month %(month)s is already open or closed.")
            % {"month": _month_text(month)},
            code="exists",
        )
    record = ReportingMonth(
        zone=zone,
        period=month,
        deadline=deadline or default_deadline(zone.pk, month),
        opened_by=by,
    )
    record.full_clean()
    with acting_as(by):
        record.save()
    return record


@transaction.atomic
def reporting_month_set_deadline(
    *, by: User, reporting_month: ReportingMonth, deadline: date
) -> ReportingMonth:
    _ensure_runs_month(by, reporting_month.zone_id)
    if deadline < reporting_month.period:
        raise ValidationError(
            {"deadline": _("The deadline cannot come before the month reported.")},
            code="deadline",
        )
    reporting_month.deadline = deadline
    reporting_month.full_clean()
    with acting_as(by):
        reporting_month.save(update_fields=["deadline", "updated_at"])
    return reporting_month


def reporting_months_open_due(*, today: date) -> int:
    """Open, for every zone with a 规上工业 roster, the month its firms report now (the month
    before `today`'s) if it is not open yet; give how many were opened. `kfq month open-due`."""
    period = Month.of(today).shift(-1).first_day
    zone_ids = set(
        RosterEntry.objects.filter(year=period.year, category=StatCategory.INDUSTRY).values_list(
            "enterprise__zone_id", flat=True
        )
    )
    existing = set(
        ReportingMonth.objects.filter(period=period, zone_id__in=zone_ids).values_list(
            "zone_id", flat=True
        )
    )
    created = ReportingMonth.objects.bulk_create(
        [
            ReportingMonth(
                zone_id=zone_id, period=period, deadline=default_deadline(zone_id, period)
            )
            for zone_id in sorted(zone_ids - existing)
        ]
    )
    return len(created)


def _ensure_open(reporting_month: ReportingMonth) -> None:
    if not reporting_month.is_open:
        raise ValidationError(
            _("The reporting month %(month)s is closed.")
            % {"month": _month_text(reporting_month.period)},
            code="month_closed",
        )


def _ensure_expected(reporting_month: ReportingMonth, enterprise: Enterprise) -> None:
    month = Month.of(reporting_month.period)
    if (
        not expected_entries([reporting_month.zone_id], month)
        .filter(enterprise=enterprise)
        .exists()
    ):
        raise ValidationError(
            _("%(name)s is not on the roster of firms that report %(month)s.")
            % {"name": enterprise.name, "month": _month_text(reporting_month.period)},
            code="not_expected",
        )


@transaction.atomic
def non_response_record(
    *,
    by: User,
    reporting_month: ReportingMonth,
    enterprise: Enterprise,
    reason: str,
    treatment: str | None = None,
    note: str = "",
) -> NonResponse:
    """Record a roster firm as not reported (未报) for the month, with the reason and treatment
    (by default the reason's: see DEFAULT_TREATMENT). A firm whose return was accepted has
    reported; one whose return awaits review is decided in the review first."""
    _ensure_runs_month(by, reporting_month.zone_id)
    _ensure_open(reporting_month)
    _ensure_expected(reporting_month, enterprise)
    existing = Return.objects.filter(enterprise=enterprise, period=reporting_month.period).first()
    if existing is not None and existing.status in (ReturnStatus.ACCEPTED, ReturnStatus.SUBMITTED):
        raise ValidationError(
            _("%(name)s has a return %(status)s: decide it in the review instead.")
            % {"name": enterprise.name, "status": existing.get_status_display().lower()},
            code="has_return",
        )
    chosen = treatment or DEFAULT_TREATMENT.get(reason, NonResponseTreatment.ESTIMATE)
    record = NonResponse.objects.filter(
        reporting_month=reporting_month, enterprise=enterprise
    ).first() or NonResponse(reporting_month=reporting_month, enterprise=enterprise)
    record.reason = reason
    record.treatment = chosen
    record.note = note.strip()
    record.recorded_by = by
    record.full_clean()
    with acting_as(by):
        record.save()
    return record


@transaction.atomic
def non_response_remove(*, by: User, non_response: NonResponse) -> None:
    """Take back a 未报 record while the month is open (the firm reports after all)."""
    _ensure_runs_month(by, non_response.reporting_month.zone_id)
    _ensure_open(non_response.reporting_month)
    with acting_as(by):
        non_response.delete()


@transaction.atomic
def reminder_record(
    *,
    by: User,
    reporting_month: ReportingMonth,
    enterprise: Enterprise,
    channel: str,
    note: str = "",
) -> Reminder:
    """Put a reminder (催报) to a firm on record."""
    _ensure_runs_month(by, reporting_month.zone_id)
    _ensure_open(reporting_month)
    _ensure_expected(reporting_month, enterprise)
    record = Reminder(
        reporting_month=reporting_month,
        enterprise=enterprise,
        channel=channel,
        note=note.strip(),
        sent_by=by,
    )
    record.full_clean()
    with acting_as(by):
        record.save()
    return record


@transaction.atomic
def reporting_month_close(*, by: User, reporting_month: ReportingMonth) -> ReportingMonth:
    """Close the month: every firm that must report is accepted or recorded as not reported.

    Firms recorded 未报 with the treatment "estimate" are estimated now (returns/services/
    estimates.py), flagged 估算; those counted as nothing add nothing. The close is refused, with
    every reason, while any firm is still open.
    """
    _ensure_runs_month(by, reporting_month.zone_id)
    record = ReportingMonth.objects.select_for_update().get(pk=reporting_month.pk)
    _ensure_open(record)
    blockers = close_blockers(record)
    if blockers:
        raise ValidationError(
            [_("The month cannot be closed yet."), *blockers], code="cannot_close"
        )
    to_estimate = list(
        record.non_responses.filter(treatment=NonResponseTreatment.ESTIMATE).values_list(
            "enterprise_id", flat=True
        )
    )
    if to_estimate:
        estimates_create(by=by, zone=record.zone, period=record.period, enterprise_ids=to_estimate)
    record.status = ReportingMonthStatus.CLOSED
    record.closed_at = timezone.now()
    record.closed_by = by
    record.full_clean()
    with acting_as(by):
        record.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    return record


@transaction.atomic
def reporting_month_reopen(
    *, by: User, reporting_month: ReportingMonth, reason: str
) -> ReportingMonth:
    """Reopen a closed month as a revision (修订), with the reason; it is closed and published
    again once the corrected returns are accepted."""
    _ensure_runs_month(by, reporting_month.zone_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the month is revised.")}, code="reason")
    record = ReportingMonth.objects.select_for_update().get(pk=reporting_month.pk)
    if record.is_open:
        raise ValidationError(
            _("The reporting month %(month)s is open already.")
            % {"month": _month_text(record.period)},
            code="open",
        )
    record.status = ReportingMonthStatus.OPEN
    record.revision += 1
    record.revision_reason = reason.strip()
    record.closed_at = None
    record.closed_by = None
    record.full_clean()
    with acting_as(by):
        record.save(
            update_fields=[
                "status",
                "revision",
                "revision_reason",
                "closed_at",
                "closed_by",
                "updated_at",
            ]
        )
    return record
