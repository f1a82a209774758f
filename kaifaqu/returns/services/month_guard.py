"""The closed month's guard, and months opened by returns arriving: what every write of returns
asks (the form, the review, imports, estimates), kept apart from the month's own services so
that those writes can ask it without importing the close."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kaifaqu.core.lib.periods import Month
from kaifaqu.returns.calendar import deadline as calendar_deadline
from kaifaqu.returns.models import ReportingMonth, ReportingMonthStatus, StatisticsSettings


def _month_text(period: date) -> str:
    return f"{period:%Y-%m}"


def default_deadline(zone_id: int, period: date) -> date:
    """The zone's deadline: its working day of the next month (reporting calendar)."""
    stored = StatisticsSettings.objects.filter(zone_id=zone_id).first()
    working_day = (
        stored.deadline_working_day if stored else StatisticsSettings().deadline_working_day
    )
    return calendar_deadline(Month.of(period), working_day)


def closed_months(pairs: Iterable[tuple[int, date]]) -> list[tuple[int, date]]:
    """Which of these (zone_id, month) pairs are closed months."""
    wanted = {(zone_id, period.replace(day=1)) for zone_id, period in pairs}
    if not wanted:
        return []
    closed = ReportingMonth.objects.filter(
        status=ReportingMonthStatus.CLOSED,
        zone_id__in={zone_id for zone_id, _p in wanted},
        period__in={period for _z, period in wanted},
    ).values_list("zone_id", "period")
    return sorted(pair for pair in closed if pair in wanted)


def ensure_month_takes_returns(pairs: Iterable[tuple[int, date]]) -> None:
    """Refuse any write of returns in a closed month (the close is final until a revision)."""
    closed = closed_months(pairs)
    if closed:
        months = ", ".join(sorted({_month_text(period) for _zone, period in closed}))
        raise ValidationError(
            _(
                "The reporting month %(months)s is closed: its returns can no longer change. "
                "The statistics office reopens it as a revision to correct a return."
            )
            % {"months": months},
            code="month_closed",
        )


def reporting_month_ensure(*, zone_id: int, period: date) -> ReportingMonth:
    """The zone's reporting month, opened with the default deadline if it did not exist yet
    (the first return of a month opens it: reporting never waits for a click)."""
    month = period.replace(day=1)
    record, _created = ReportingMonth.objects.get_or_create(
        zone_id=zone_id,
        period=month,
        defaults={"deadline": default_deadline(zone_id, month)},
    )
    return record


def reporting_months_ensure(pairs: Iterable[tuple[int, date]]) -> int:
    """`reporting_month_ensure` for many (zone_id, month) pairs at once (an import): one query
    to find the missing ones, one to create them; give how many were opened."""
    wanted = {(zone_id, period.replace(day=1)) for zone_id, period in pairs}
    if not wanted:
        return 0
    existing = set(
        ReportingMonth.objects.filter(
            zone_id__in={zone_id for zone_id, _p in wanted},
            period__in={period for _z, period in wanted},
        ).values_list("zone_id", "period")
    )
    created = ReportingMonth.objects.bulk_create(
        [
            ReportingMonth(
                zone_id=zone_id, period=period, deadline=default_deadline(zone_id, period)
            )
            for zone_id, period in sorted(wanted - existing)
        ],
        ignore_conflicts=True,
    )
    return len(created)
