"""Writing estimates (估算) for firms whose month is closed without a return.

`estimates_create` writes each firm's estimate (the rule: returns/estimates.py) as an accepted
return flagged `is_estimate`, source 估算: counted in the indicators like a return and marked
含估算 wherever it reaches. No review decision is recorded (nobody reviewed a firm's figures);
the audit log records the office's write. A firm's own return replaces its estimate: the
reporter's form (`return_save`) and an import turn the row into the real return (figures of the
firm only, source of the real one, draft or submitted as usual), and the indicators follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import ensure_may
from kaifaqu.core.services import model_update
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Zone
from kaifaqu.returns.estimates import EMPLOYEES, TREND_FIELDS
from kaifaqu.returns.models import MONTHLY_FIELDS, Return, ReturnSource, ReturnStatus
from kaifaqu.returns.selectors.estimates import estimates_for
from kaifaqu.returns.services.changes import returns_changed
from kaifaqu.returns.services.ledger import ledger_update
from kaifaqu.returns.services.month_guard import ensure_month_takes_returns

# A firm's own return in these states is never overwritten by an estimate.
REAL_STATES = (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED)
_WRITTEN = (*MONTHLY_FIELDS, "status", "source", "is_estimate", "explanation", "submitted_at")


def _names(enterprises: Iterable[Enterprise]) -> str:
    return "、".join(sorted(enterprise.name for enterprise in enterprises))


def _stored(whole: int | None, field: str) -> Decimal | int | None:
    """A whole unit (yuan, kWh) as stored: 万 with 4 decimals; persons as they are."""
    if whole is None:
        return None
    if field == EMPLOYEES:
        return int(whole)
    return Decimal(whole).scaleb(-4).quantize(Decimal("0.0001"))


@transaction.atomic
def estimates_create(
    *, by: User, zone: Zone, period: date, enterprise_ids: Iterable[int]
) -> list[Return]:
    """Estimate the month's returns of these enterprises of the zone (all or none).

    Refused for a firm with a submitted or accepted return of its own, and for a firm the rule
    cannot estimate (neither a same month last year nor a month this year): the close leaves it
    out (不计入) or waits. An earlier estimate of the month is estimated again; a draft or a
    return sent back, which the firm never submitted, is replaced (the audit log keeps it).
    """
    ensure_may(by, "returns.estimate", _("Only the statistics office estimates returns."))
    if not Zone.objects.for_user(by).filter(pk=zone.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))
    month = period.replace(day=1)
    ensure_month_takes_returns([(zone.pk, month)])
    ids = sorted(set(enterprise_ids))
    enterprises = {
        enterprise.pk: enterprise
        for enterprise in Enterprise.objects.for_user(by).filter(zone=zone, pk__in=ids)
    }
    if len(enterprises) != len(ids):
        raise PermissionDenied(_("This record is outside your scope."))
    stored = {
        record.enterprise_id: record
        for record in Return.objects.select_for_update().filter(enterprise_id__in=ids, period=month)
    }
    real = [
        enterprises[pk]
        for pk, record in stored.items()
        if not record.is_estimate and record.status in REAL_STATES
    ]
    if real:
        raise ValidationError(
            _("These enterprises have reported the month and are not estimated: %(names)s.")
            % {"names": _names(real)},
            code="reported",
        )
    result = estimates_for(zone=zone, period=month, enterprise_ids=ids)
    if result.not_estimable:
        raise ValidationError(
            _(
                "These enterprises have no return of the same month last year nor of this year "
                "to estimate from: leave them out or wait for their returns: %(names)s."
            )
            % {"names": _names(enterprises[pk] for pk in result.not_estimable)},
            code="not_estimable",
        )
    written: list[Return] = []
    new: list[Return] = []
    for row in result.estimates.iter_rows(named=True):
        enterprise = enterprises[row["enterprise_id"]]
        data: dict[str, Any] = {
            **dict.fromkeys(MONTHLY_FIELDS),
            **{name: _stored(row[name], name) for name in (*TREND_FIELDS, EMPLOYEES)},
            "status": ReturnStatus.ACCEPTED,
            "source": ReturnSource.ESTIMATE,
            "is_estimate": True,
            "explanation": "",
            "submitted_at": None,
        }
        existing = stored.get(enterprise.pk)
        if existing is None:
            record = Return(enterprise=enterprise, period=month, **data)
            # The firm has no row of the month (read under lock above) and is the zone's (read in
            # scope above): no query per row for uniqueness or the firm; the figures are checked
            # as a save would check them.
            record.full_clean(
                exclude=["enterprise"], validate_unique=False, validate_constraints=False
            )
            new.append(record)
        else:
            # Findings of a draft or a sent-back return were about figures no longer there.
            existing.findings.all().delete()
            written.append(model_update(instance=existing, fields=_WRITTEN, data=data, by=by)[0])
    written += _created_in_bulk(new, by=by)
    ledger_update((record.enterprise_id, month) for record in written)
    returns_changed([(zone.pk, month)])
    return written


def _created_in_bulk(records: list[Return], *, by: User) -> list[Return]:
    """Insert the new estimates at once, each with the audit entry its save would have written
    (a zone's close estimates its twenty firms in two queries, not a hundred)."""
    if not records:
        return []
    created = Return.objects.bulk_create(records)
    content_type = ContentType.objects.get_for_model(Return)
    now = timezone.now()
    request: dict[str, Any] = auditlog_value.get(None) or {}
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(record.pk),
                object_id=record.pk,
                object_repr=str(record),
                action=LogEntry.Action.CREATE,
                changes=model_instance_diff(None, record) or {},
                changes_text="",
                actor=by,
                cid=get_cid(),
                timestamp=now,
                remote_addr=request.get("remote_addr"),
            )
            for record in created
        ]
    )
    return created
