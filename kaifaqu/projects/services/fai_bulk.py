"""Many months of a registration's investment reports at once, appended after its last report.

A loader (the demo, an import of a whole series) writes months that follow one another: the
checks of `fai_report_record` apply to each (0 or more, from the project's start month to the
current month, once a month, cumulative chained, above the 计划总投资 only with an explanation),
but a month appended after the last report moves no later report, so the series is validated in
memory and written with one insert, and one audit entry per report, instead of a locked
read-modify-write per month (~30 ms each).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.projects.models import FaiRegistration, FaiReport
from kaifaqu.projects.services.fai import _check_month, _check_plan, _ensure_writer, _plain


@transaction.atomic
def fai_reports_append(
    *,
    by: User | None,
    registration: FaiRegistration,
    months: Sequence[tuple[Month, Decimal]],
    opening: Decimal = Decimal(0),
    above_plan_note: str = "",
    is_illustrative: bool = False,
) -> list[FaiReport]:
    """Append these (month, 本月) reports, in order, after the registration's last report; give
    the reports written. `opening` (what was invested before reporting began) counts only when
    the registration has no report yet. All or none."""
    registration = FaiRegistration.objects.select_for_update().get(pk=registration.pk)
    project = registration.project
    _ensure_writer(by, FaiReport, project)
    if not months:
        return []
    last = registration.reports.order_by("-month").first()
    running = last.cumulative if last is not None else opening
    after = Month.of(last.month) if last is not None else None
    note = above_plan_note.strip()
    reports: list[FaiReport] = []
    for month, amount in months:
        if after is not None and month <= after:
            raise ValidationError(
                {
                    "month": _("%(month)s does not follow the last month reported (%(last)s).")
                    % {"month": str(month), "last": str(after)}
                }
            )
        if amount is None or amount < 0:
            raise ValidationError(
                {"month_amount": _("Give the investment completed this month (0 or more).")}
            )
        _check_month(project, month.first_day)
        running += amount
        _check_plan(project.planned_investment, running, note, note, [])
        plan = project.planned_investment
        report = FaiReport(
            registration=registration,
            month=month.first_day,
            month_amount=amount,
            cumulative=running,
            above_plan_note=note if plan is not None and running > plan else "",
            reported_by=by,
            is_illustrative=is_illustrative,
        )
        # The month is new (after the last) and cumulative ≥ month by construction: the
        # constraints need no query per row.
        report.full_clean(exclude=["registration"], validate_constraints=False)
        reports.append(report)
        after = month
    created = FaiReport.objects.bulk_create(reports)
    _log(by, created)
    return created


def _log(by: User | None, reports: list[FaiReport]) -> None:
    """One audit entry per report, as its save would have written (bulk_create sends no
    signal to the audit log)."""
    content_type = ContentType.objects.get_for_model(FaiReport)
    now = timezone.now()
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(report.pk),
                object_id=report.pk,
                object_repr=str(report),
                action=LogEntry.Action.CREATE,
                changes={
                    "registration": ["None", str(report.registration_id)],
                    "month": ["None", str(report.month)],
                    "month_amount": ["None", _plain(report.month_amount)],
                    "cumulative": ["None", _plain(report.cumulative)],
                },
                changes_text="",
                actor=by,
                timestamp=now,
            )
            for report in reports
        ],
        batch_size=1_000,
    )
