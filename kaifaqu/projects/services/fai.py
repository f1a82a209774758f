"""Writes of the fixed-asset investment database (固定资产投资入库): registering a project, and its
monthly reports of investment completed.

Rules (docs/areas/projects.md, "Fixed-asset investment database"):

- A project can be registered when its 计划总投资 is at least `FAI_THRESHOLD` (500 万元) and it has
  started and not left the line (started, building, commissioned, at capacity); once. A stalled
  or terminated project cannot be newly registered; one registered before stays registered.
- The registration date is not in the future nor before the project started.
- A report is for a month from the project's start month to the current month; once a month.
- The reports of a project form a chain: each cumulative (自开工累计) is the previous report's
  cumulative plus its own month (本月). The first report may carry an opening balance (what was
  invested before reporting began): its cumulative may exceed its month. A reporter who gives
  only 本月 gets the cumulative derived; one who gives both must give the chained value.
- Correcting a month (or adding a month that was missing) re-derives the cumulatives of the later
  months, which move by the same difference. Adding a month before the first report keeps the
  later figures: its cumulative is the first report's opening balance unless given.
- A cumulative above the 计划总投资 needs an explanation (the reporter acknowledges the warning),
  stored with each report concerned; never silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import can_write
from kaifaqu.core.services import model_update
from kaifaqu.projects.models import (
    FAI_STAGES,
    FAI_THRESHOLD,
    FaiRegistration,
    FaiReport,
    Project,
    Stage,
    StageChange,
)

REGISTRATION_FIELDS = ("registered_on", "stats_code", "note")


def project_started_on(project: Project) -> date | None:
    """The day the project first entered a started stage (开工, or a later one when skipped)."""
    return (
        StageChange.objects.filter(project=project, to_stage__in=FAI_STAGES)
        .order_by("on", "id")
        .values_list("on", flat=True)
        .first()
    )


def fai_ineligible_reason(project: Project) -> str | None:
    """Why the project cannot be registered now, in the user's language; None if it can."""
    if FaiRegistration.objects.filter(project=project).exists():
        return _("The project is already registered in the fixed-asset investment database.")
    if project.planned_investment is None:
        return _("The project has no planned total investment (计划总投资).")
    if project.planned_investment < FAI_THRESHOLD:
        return _(
            "The planned total investment (计划总投资) is %(amount)s 万元, below the %(threshold)s "
            "万元 the database counts."
        ) % {"amount": _plain(project.planned_investment), "threshold": _plain(FAI_THRESHOLD)}
    if project.stage in (Stage.STALLED, Stage.TERMINATED):
        return _("A %(stage)s project cannot be newly registered.") % {
            "stage": project.get_stage_display()
        }
    if project.stage not in FAI_STAGES:
        return _("Only a started project can be registered; this one is %(stage)s.") % {
            "stage": project.get_stage_display()
        }
    return None


def _plain(amount: Decimal) -> str:
    """500.0000 → 500, 499.9999 stays."""
    return format(amount.normalize(), "f")


def _ensure_writer(by: User | None, model: type[Any], project: Project) -> None:
    if by is None:
        return
    if not can_write(by, model):
        raise PermissionDenied(
            _("Only the zone's project staff and statistician keep the investment database.")
        )
    if not Project.objects.for_user(by).filter(pk=project.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))


@transaction.atomic
def fai_register(
    *,
    by: User | None,
    project: Project,
    registered_on: date,
    stats_code: str = "",
    note: str = "",
    is_illustrative: bool = False,
) -> FaiRegistration:
    """Register a started project of 500 万元 or more in the database (入库)."""
    _ensure_writer(by, FaiRegistration, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    reason = fai_ineligible_reason(project)
    if reason is not None:
        raise ValidationError({"project": reason})
    _check_registered_on(project, registered_on)
    registration = FaiRegistration(
        project=project,
        registered_on=registered_on,
        stats_code=stats_code.strip(),
        note=note.strip(),
        registered_by=by,
        is_illustrative=is_illustrative,
    )
    registration.full_clean()
    with acting_as(by):
        registration.save()
    return registration


def fai_registration_update(
    *, by: User | None, registration: FaiRegistration, data: dict[str, Any]
) -> FaiRegistration:
    """Correct the registration date, the statistical code or the note (audited)."""
    project = registration.project
    _ensure_writer(by, FaiRegistration, project)
    if "registered_on" in data:
        _check_registered_on(project, data["registered_on"])
    stripped = {
        name: value.strip() if isinstance(value, str) else value for name, value in data.items()
    }
    return model_update(instance=registration, fields=REGISTRATION_FIELDS, data=stripped, by=by)[0]


def _check_registered_on(project: Project, on: date) -> None:
    """Not in the future, not before the project started."""
    if on > timezone.localdate():
        raise ValidationError(
            {"registered_on": _("The registration date cannot be in the future.")}
        )
    started = project_started_on(project)
    if started is not None and on < started:
        raise ValidationError(
            {
                "registered_on": _(
                    "The registration date cannot be before %(date)s, when the project started."
                )
                % {"date": started.isoformat()}
            }
        )


@dataclass(frozen=True)
class ReportOutcome:
    """The report written and the later reports whose cumulative moved with it."""

    report: FaiReport
    rederived: list[FaiReport]


@transaction.atomic
def fai_report_record(
    *,
    by: User | None,
    registration: FaiRegistration,
    month: date | Month,
    month_amount: Decimal,
    cumulative: Decimal | None = None,
    above_plan_note: str = "",
    is_illustrative: bool = False,
) -> ReportOutcome:
    """Record (or correct) a registered project's investment completed in a month.

    `cumulative` may be left out: it is derived from the previous report. Later reports are
    re-derived. A cumulative above the 计划总投资 is refused unless `above_plan_note` explains it.
    """
    registration = FaiRegistration.objects.select_for_update().get(pk=registration.pk)
    project = registration.project
    _ensure_writer(by, FaiReport, project)
    day = month.first_day if isinstance(month, Month) else Month.of(month).first_day
    errors: dict[str, Any] = {}
    if month_amount is None or month_amount < 0:
        errors["month_amount"] = _("Give the investment completed this month (0 or more).")
    if cumulative is not None and cumulative < 0:
        errors["cumulative"] = _("The investment since the start cannot be negative.")
    if errors:
        raise ValidationError(errors)
    _check_month(project, day)

    reports = list(registration.reports.select_for_update().order_by("month"))
    existing = next((report for report in reports if report.month == day), None)
    earlier = [report for report in reports if report.month < day]
    later = [report for report in reports if report.month > day]
    expected = _expected_cumulative(
        month_amount, earlier[-1] if earlier else None, existing, later[0] if later else None
    )
    if cumulative is not None and earlier and cumulative != expected:
        raise ValidationError(
            {
                "cumulative": _(
                    "The investment since the start must be %(expected)s 万元: %(previous)s 万元 "
                    "reported up to %(month)s plus this month's %(amount)s 万元."
                )
                % {
                    "expected": _plain(expected),
                    "previous": _plain(earlier[-1].cumulative),
                    "month": f"{earlier[-1].month:%Y-%m}",
                    "amount": _plain(month_amount),
                }
            }
        )
    value = cumulative if cumulative is not None else expected
    if value < month_amount:
        field = "cumulative" if cumulative is not None else "month_amount"
        raise ValidationError(
            {
                field: _(
                    "The investment since the start (%(cumulative)s 万元) cannot be less than "
                    "this month's (%(amount)s 万元)."
                )
                % {"cumulative": _plain(value), "amount": _plain(month_amount)}
            }
        )
    given_note = above_plan_note.strip()
    # A correction keeps the explanation already given for the month unless a new one comes.
    note = given_note or (existing.above_plan_note if existing is not None else "")
    plan = project.planned_investment
    # The later months move by the same difference (their own months stay as reported).
    running = value
    moved: list[FaiReport] = []
    for report in later:
        running = running + report.month_amount
        if report.cumulative != running:
            report.cumulative = running
            moved.append(report)
    _check_plan(plan, value, note, given_note, moved)

    with acting_as(by):
        report = existing or FaiReport(registration=registration, month=day)
        report.month_amount = month_amount
        report.cumulative = value
        report.above_plan_note = note if _above(plan, value) else ""
        report.reported_by = by
        report.is_illustrative = is_illustrative
        report.full_clean()
        report.save()
        for later_report in moved:
            if not _above(plan, later_report.cumulative):
                later_report.above_plan_note = ""
            elif not later_report.above_plan_note:
                later_report.above_plan_note = given_note
            # The chain keeps the month, the registration and cumulative ≥ month: no constraint
            # to query again for each later month.
            later_report.full_clean(validate_constraints=False)
            later_report.save(update_fields=["cumulative", "above_plan_note", "updated_at"])
    return ReportOutcome(report=report, rederived=moved)


def _expected_cumulative(
    amount: Decimal,
    previous: FaiReport | None,
    existing: FaiReport | None,
    following: FaiReport | None,
) -> Decimal:
    """The chained cumulative of a month: the previous report's plus this month's. Without a
    previous report: a correction keeps the opening balance it had; a month added before the
    first report takes the first report's opening balance; else the month alone."""
    if previous is not None:
        return previous.cumulative + amount
    if existing is not None:
        return existing.cumulative - existing.month_amount + amount
    if following is not None:
        return following.cumulative - following.month_amount
    return amount


def _check_month(project: Project, day: date) -> None:
    started = project_started_on(project)
    this_month = Month.of(timezone.localdate()).first_day
    if day > this_month:
        raise ValidationError({"month": _("A month in the future cannot be reported.")})
    if started is None or day < Month.of(started).first_day:
        raise ValidationError(
            {
                "month": _("The month is before the project started (%(start)s).")
                % {"start": f"{started:%Y-%m}" if started else "—"}
            }
        )


def _above(plan: Decimal | None, value: Decimal) -> bool:
    return plan is not None and value > plan


def _check_plan(
    plan: Decimal | None, value: Decimal, note: str, given_note: str, moved: list[FaiReport]
) -> None:
    """Above the 计划总投资 only with an explanation: the month's own (given now or before), and
    for a later month the correction pushes above it, one given with the correction."""
    if plan is None:
        return
    if value > plan and not note:
        raise ValidationError(
            {
                "above_plan_note": _(
                    "The investment since the start (%(cumulative)s 万元) is above the planned "
                    "total investment (%(plan)s 万元): explain why to save it."
                )
                % {"cumulative": _plain(value), "plan": _plain(plan)}
            }
        )
    for report in moved:
        if report.cumulative > plan and not report.above_plan_note and not given_note:
            raise ValidationError(
                {
                    "above_plan_note": _(
                        "The correction takes %(month)s to %(cumulative)s 万元 since the start, "
                        "above the planned total investment (%(plan)s 万元): explain why to save "
                        "it."
                    )
                    % {
                        "month": f"{report.month:%Y-%m}",
                        "cumulative": _plain(report.cumulative),
                        "plan": _plain(plan),
                    }
                }
            )


class MonthEntryError(ValidationError):
    """Some rows of a month's entry failed; nothing was saved. `rows`: row index → error."""

    def __init__(self, rows: dict[int, ValidationError]) -> None:
        self.rows = rows
        super().__init__(_("Some rows could not be saved; nothing was saved."))


@transaction.atomic
def fai_month_record(
    *, by: User | None, month: date | Month, rows: list[dict[str, Any]]
) -> list[ReportOutcome]:
    """The month's figures of several registered projects at once, all or nothing. Each row:
    registration, month_amount, and optionally cumulative and above_plan_note. Errors are raised
    as one MonthEntryError naming each failed row."""
    outcomes: list[ReportOutcome] = []
    errors: dict[int, ValidationError] = {}
    for index, row in enumerate(rows):
        try:
            with transaction.atomic():
                outcomes.append(
                    fai_report_record(
                        by=by,
                        registration=row["registration"],
                        month=month,
                        month_amount=row["month_amount"],
                        cumulative=row.get("cumulative"),
                        above_plan_note=row.get("above_plan_note", ""),
                    )
                )
        except ValidationError as error:
            errors[index] = error
    if errors:
        raise MonthEntryError(errors)
    return outcomes
