"""Writes for monthly returns: draft → submit → accept or send back (审核), and zone settings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.permissions import can_write, ensure_can_write, user_may
from kaifaqu.core.services import model_create, model_update
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Zone
from kaifaqu.returns.models import (
    MONTHLY_FIELDS,
    ExplanationSource,
    ReportingMonth,
    Return,
    ReturnSource,
    ReturnStatus,
    ReviewDecision,
    ReviewDecisionKind,
    Severity,
    StatisticsSettings,
)
from kaifaqu.returns.review import (
    finding_message,
    hard_violations,
    returns_in_hand,
    review_returns,
)
from kaifaqu.returns.services.changes import returns_changed
from kaifaqu.returns.services.ledger import ledger_update
from kaifaqu.returns.services.month_guard import (
    ensure_month_takes_returns,
    reporting_month_ensure,
)

EDITABLE = (ReturnStatus.DRAFT, ReturnStatus.RETURNED)
SETTINGS_FIELDS = (
    "month_on_month_swing_pct",
    "year_on_year_swing_pct",
    "sales_over_output_max",
    "own_history_factor",
    "industry_factor",
    "candidate_share_pct",
    "deadline_working_day",
)


def _figures(values: Mapping[str, Decimal | int | None]) -> dict[str, Decimal | int | None]:
    unknown = sorted(set(values) - set(MONTHLY_FIELDS))
    if unknown:
        raise ValidationError(
            _("Unknown figures: %(names)s.") % {"names": ", ".join(unknown)}, code="unknown"
        )
    figures: dict[str, Decimal | int | None] = {}
    errors: dict[str, str] = {}
    for name, value in values.items():
        if value is None or value == "":
            figures[name] = None
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            errors[name] = _("Enter a number.")
            continue
        if name == "employees":
            if number != number.to_integral_value():
                errors[name] = _("Enter a whole number of people.")
                continue
            figures[name] = int(number)
        else:
            figures[name] = number
    if errors:
        raise ValidationError(errors)
    return figures


def _ensure_enterprise_in_scope(by: User, enterprise: Enterprise) -> None:
    if not can_write(by, Return):
        raise PermissionDenied(_("You may not change this record."))
    if not Enterprise.objects.for_user(by).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))


def is_respondent(by: User, enterprise_id: int) -> bool:
    """Whether the user is the enterprise itself (its reporter), not an office acting for it."""
    return getattr(by, "scope_enterprise_id", None) == enterprise_id


RESPONDENTS_OWN = gettext_lazy(
    "The enterprise reported this return itself: the statistics office does not change its "
    "figures or its explanation. Send it back for the enterprise to correct, or record what "
    "the office found out with the decision."
)


def _ensure_office_may_write(by: User, record: Return | None) -> None:
    """联网直报's red lines: the statistics office never changes what an enterprise reported.

    The office writes only returns it collected on paper and entered itself (source: import),
    as the import does; a return the enterprise filled in online or through the API (whatever
    its status: draft, submitted, sent back) is the enterprise's to change.
    """
    if not user_may(by, "returns.import"):
        raise PermissionDenied(_("You may not change this record."))
    # The office's own: a paper return it entered, or its estimate (估算), which the firm's
    # return collected on paper replaces.
    if record is not None and record.source not in (ReturnSource.IMPORT, ReturnSource.ESTIMATE):
        raise PermissionDenied(RESPONDENTS_OWN)


@transaction.atomic
def return_save(
    *,
    by: User,
    enterprise: Enterprise,
    period: date,
    values: Mapping[str, Decimal | int | None],
    explanation: str = "",
    source: str = ReturnSource.WEB,
) -> Return:
    """Create or update the month's return while it is a draft or has been sent back.

    Only the figures named in `values` change. A submitted or accepted return is not changed,
    but an estimate (估算) is replaced by the firm's return: a draft with the given figures only.
    The enterprise's own reporter writes its return; the statistics office writes only returns
    it collected on paper (stored with source "import", whatever `source` says), never one the
    enterprise reported itself (联网直报's red lines).
    """
    _ensure_enterprise_in_scope(by, enterprise)
    month = period.replace(day=1)
    ensure_month_takes_returns([(enterprise.zone_id, month)])
    figures = _figures(values)
    existing = (
        Return.objects.select_for_update().filter(enterprise=enterprise, period=month).first()
    )
    if not is_respondent(by, enterprise.pk):
        _ensure_office_may_write(by, existing)
        source = ReturnSource.IMPORT
    data: dict[str, Any] = {**figures, "explanation": explanation, "source": source}
    if existing is None:
        record = model_create(
            model=Return,
            data={"enterprise": enterprise, "period": month, "status": ReturnStatus.DRAFT, **data},
            by=by,
        )
    elif existing.is_estimate:
        # The firm's own return replaces the office's estimate (估算): its figures only, a draft
        # again, out of the indicators until it is submitted and accepted.
        replaced = {
            **dict.fromkeys(MONTHLY_FIELDS),
            **data,
            "status": ReturnStatus.DRAFT,
            "is_estimate": False,
            "submitted_at": None,
            "submitted_by": None,
        }
        # Written here, not through model_update: the firm does not see the estimate (its
        # queryset leaves estimates out), only the return it turns into; the enterprise's scope
        # was checked above.
        for name, value in replaced.items():
            setattr(existing, name, value)
        existing.full_clean()
        with acting_as(by):
            existing.save()
        record = existing
        returns_changed([(enterprise.zone_id, month)])
    else:
        if existing.status not in EDITABLE:
            raise ValidationError(
                _("This return has been %(status)s and can no longer be changed.")
                % {"status": existing.get_status_display().lower()},
                code="locked",
            )
        record = model_update(instance=existing, fields=data.keys(), data=data, by=by)[0]
    ledger_update([(enterprise.pk, month)])
    reporting_month_ensure(zone_id=enterprise.zone_id, period=month)
    return record


def _locked(return_record: Return) -> Return:
    """The return, locked, in a month that still takes returns."""
    record = (
        Return.objects.select_for_update().select_related("enterprise").get(pk=return_record.pk)
    )
    ensure_month_takes_returns([(record.enterprise.zone_id, record.period)])
    return record


def statistics_settings_for(zone: Zone) -> StatisticsSettings:
    """The zone's review thresholds and deadline: the stored ones, or unsaved defaults."""
    stored = StatisticsSettings.objects.filter(zone=zone).first()
    return stored if stored is not None else StatisticsSettings(zone=zone)


def _violations_error(record: Return, violations: pl.DataFrame) -> ValidationError:
    errors: dict[str, list[str]] = {}
    for row in violations.iter_rows(named=True):
        field = row["field"] if row["field"] in MONTHLY_FIELDS else "__all__"
        message = finding_message(row["rule"], json.loads(row["params"]))
        errors.setdefault(field, []).append(message)
    return ValidationError(errors)


def return_hard_violations(return_record: Return, *, today: date | None = None) -> pl.DataFrame:
    """The hard rules' violations of one stored return (see `review.hard_violations`)."""
    frame = pl.DataFrame(
        {
            "row": [return_record.pk],
            "period": [return_record.period],
            "established_on": [return_record.enterprise.established_on],
            **{
                name: [None if value is None else float(value)]
                for name in MONTHLY_FIELDS
                for value in [getattr(return_record, name)]
            },
        },
        schema={
            "row": pl.Int64,
            "period": pl.Date,
            "established_on": pl.Date,
            **dict.fromkeys(MONTHLY_FIELDS, pl.Float64),
        },
    )
    settings = StatisticsSettings.objects.filter(zone_id=return_record.enterprise.zone_id).first()
    return hard_violations(frame, settings=settings, today=today or timezone.localdate())


@transaction.atomic
def return_submit(*, by: User, return_record: Return) -> Return:
    """Submit a draft (or a sent-back return) for review.

    Hard rules refuse it with a message per field; soft findings are stored for the reviewer.
    """
    ensure_can_write(by, return_record)
    record = _locked(return_record)
    if record.status not in EDITABLE:
        raise ValidationError(
            _("Only a draft or a return sent back can be submitted."), code="status"
        )
    violations = return_hard_violations(record)
    if not violations.is_empty():
        raise _violations_error(record, violations)
    record.status = ReturnStatus.SUBMITTED
    record.submitted_at = timezone.now()
    record.submitted_by = by
    _clean_changed(record, ["status", "submitted_at"])
    with acting_as(by):
        record.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    review_returns(return_ids=[record.pk], written=returns_in_hand([record]))
    return record


@transaction.atomic
def return_explain(
    *, by: User, return_record: Return, explanation: str, document: File[Any] | None = None
) -> Return:
    """Add the written explanation, or a supporting document, that warnings need.

    Possible until the return is accepted, also while it awaits review. The explanation is the
    enterprise's: the statistics office writes one only on a return it collected on paper
    (source "import"); on others it records what it found out with its decision.
    """
    ensure_can_write(by, return_record)
    record = _locked(return_record)
    if not is_respondent(by, record.enterprise_id):
        _ensure_office_may_write(by, record)
    if record.status == ReturnStatus.ACCEPTED:
        raise ValidationError(
            _("This return has been accepted and can no longer be changed."), code="locked"
        )
    record.explanation = explanation
    fields = ["explanation", "updated_at"]
    if document is not None:
        record.supporting_document = document
        fields.append("supporting_document")
    record.full_clean()
    with acting_as(by):
        record.save(update_fields=fields)
    return record


def _ensure_reviewer(by: User, return_record: Return) -> None:
    if not can_write(by, ReviewDecision):
        raise PermissionDenied(_("Only the statistics office reviews returns."))
    if not Return.objects.for_user(by).filter(pk=return_record.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))


def _decide(
    *,
    by: User,
    record: Return,
    kind: str,
    status: str,
    comment: str,
    explanation_source: str = "",
    explanation_note: str = "",
) -> ReviewDecision:
    record.status = status
    _clean_changed(record, ["status"])
    decision = ReviewDecision(
        return_record=record,
        kind=kind,
        comment=comment,
        by=by,
        explanation_source=explanation_source,
        explanation_note=explanation_note,
    )
    # The return and the reviewer are in hand (the return locked): their existence is not asked
    # of the database again; the decision's own rules (its constraints) are checked.
    decision.full_clean(exclude=["return_record", "by"])
    with acting_as(by):
        record.save(update_fields=["status", "updated_at"])
        decision.save()
    return decision


def _clean_changed(record: Return, names: list[str]) -> None:
    """Validate the fields a status change sets, nothing else: the rest of the locked return is
    as stored, and `full_clean` asked the database again whether its firm and its submitter
    exist and whether it is the firm's only return of the month (five queries an acceptance)."""
    record.clean_fields(exclude=[f.name for f in Return._meta.fields if f.name not in names])


def _explanation(record: Return, severities: set[str], source: str, note: str) -> tuple[str, str]:
    """The explanation an acceptance records: (source, the office's note).

    A return with warnings is accepted when the enterprise explained them (its written note or
    document: recorded as the source, its text stays on the return) or when the office says
    where it learned why the figures are right (a call, a visit, other offices' figures, …) and
    writes that down in its own words.
    """
    note = note.strip()
    if source and source not in ExplanationSource.values:
        raise ValidationError(
            {"explanation_source": _("Choose where the explanation came from.")}, code="invalid"
        )
    enterprise_explained = bool(record.explanation.strip() or record.supporting_document)
    if source == ExplanationSource.ENTERPRISE and not enterprise_explained:
        raise ValidationError(
            {
                "explanation_source": _(
                    "The enterprise has given no written explanation or document: record "
                    "where the office's explanation came from instead."
                )
            },
            code="no_enterprise_note",
        )
    if source and source != ExplanationSource.ENTERPRISE and not note:
        raise ValidationError(
            {"explanation_note": _("Write down what the office found out.")},
            code="note_required",
        )
    if note and not source:
        raise ValidationError(
            {"explanation_source": _("Say where the explanation came from.")},
            code="source_required",
        )
    if Severity.SOFT in severities and not source:
        if not enterprise_explained:
            raise ValidationError(
                {
                    "explanation": _(
                        "This return raised warnings: it needs the enterprise's written "
                        "explanation or document, or the explanation the office found out "
                        "(by phone, on site, from other offices' data) with its source."
                    )
                },
                code="unexplained",
            )
        source = ExplanationSource.ENTERPRISE
    return source, note


@transaction.atomic
def return_accept(
    *,
    by: User,
    return_record: Return,
    comment: str = "",
    explanation_source: str = "",
    explanation_note: str = "",
) -> ReviewDecision:
    """Accept a submitted return. Hard findings block it; warnings need an explanation: the
    enterprise's own (text or document), or one the office records with its source and note."""
    _ensure_reviewer(by, return_record)
    record = _locked(return_record)
    if record.status != ReturnStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted return can be accepted."), code="status")
    severities = set(record.findings.values_list("severity", flat=True))
    if Severity.HARD in severities:
        raise ValidationError(
            _("This return breaks a rule that blocks acceptance."), code="hard_finding"
        )
    source, note = _explanation(record, severities, explanation_source, explanation_note)
    decision = _decide(
        by=by,
        record=record,
        kind=ReviewDecisionKind.ACCEPTED,
        status=ReturnStatus.ACCEPTED,
        comment=comment.strip(),
        explanation_source=source,
        explanation_note=note,
    )
    # Counted in statistics from now on: the indicator table follows (this zone, this year and
    # the next one's bases), whether the month is current or a late correction, in the
    # background: the month is marked and the roll-up task enqueued (indicators/tasks.py).
    returns_changed([(record.enterprise.zone_id, record.period)])
    return decision


@transaction.atomic
def return_send_back(*, by: User, return_record: Return, comment: str) -> ReviewDecision:
    """Send a submitted return back to the enterprise with the reason, which it then sees."""
    _ensure_reviewer(by, return_record)
    if not comment.strip():
        raise ValidationError(
            {"comment": _("Say why the return is sent back.")}, code="comment_required"
        )
    record = _locked(return_record)
    in_revision = ReportingMonth.objects.filter(
        zone_id=record.enterprise.zone_id, period=record.period, revision__gt=0
    ).exists()
    if record.status == ReturnStatus.ACCEPTED and in_revision:
        # A revision (修订): the accepted return goes back to the firm to be corrected; it stops
        # counting until it is accepted again.
        decision = _decide(
            by=by,
            record=record,
            kind=ReviewDecisionKind.SENT_BACK,
            status=ReturnStatus.RETURNED,
            comment=comment.strip(),
        )
        returns_changed([(record.enterprise.zone_id, record.period)])
        return decision
    if record.status != ReturnStatus.SUBMITTED:
        raise ValidationError(
            _(
                "Only a submitted return can be sent back (an accepted one only while its month "
                "is reopened as a revision)."
            ),
            code="status",
        )
    return _decide(
        by=by,
        record=record,
        kind=ReviewDecisionKind.SENT_BACK,
        status=ReturnStatus.RETURNED,
        comment=comment.strip(),
    )


@transaction.atomic
def statistics_settings_update(
    *, by: User, zone: Zone, data: Mapping[str, Any]
) -> StatisticsSettings:
    """Change a zone's thresholds; the findings of its returns awaiting review follow them."""
    if not can_write(by, StatisticsSettings):
        raise PermissionDenied(_("You may not change this record."))
    if not Zone.objects.for_user(by).filter(pk=zone.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))
    settings = statistics_settings_for(zone)
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(settings, name, data[name])
    settings.full_clean()
    with acting_as(by):
        settings.save()
    waiting = Return.objects.filter(enterprise__zone=zone, status=ReturnStatus.SUBMITTED)
    review_returns(return_ids=list(waiting.values_list("pk", flat=True)))
    return settings
