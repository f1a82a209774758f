"""Reads of the fixed-asset investment database: the registered projects with where their
reports stand, the projects that could be registered, and the zone's 固定资产投资 computed from the
reports — a month (the sum of 本月 over the registered projects), 1–N月 (the sum over the months
of the year) and the same period of the year before for 同比 growth; per park too.

A month or range nobody reported has no figure (None), not 0: a sum of nothing is no zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils.translation import ngettext

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month, ytd_total
from kaifaqu.geo.models import Park, Zone
from kaifaqu.indicators.sources import ComputedFigures, ZoneMonths
from kaifaqu.projects.models import (
    FAI_STAGES,
    FAI_THRESHOLD,
    FaiRegistration,
    FaiReport,
    Project,
    StageChange,
)

PERCENT_PLACES = Decimal("0.1")


def growth_pct(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    """Per cent on the base, 1 decimal, halves up; none without a base (or on a zero one)."""
    if value is None or base is None or base == 0:
        return None
    return ((value / base - 1) * 100).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP) + 0


def _started_on() -> Subquery:
    """The day the project first entered a started stage (开工 or a later one, when skipped)."""
    return Subquery(
        StageChange.objects.filter(project=OuterRef("pk"), to_stage__in=FAI_STAGES)
        .order_by("on", "id")
        .values("on")[:1]
    )


def _next_month(month: Month) -> date:
    return month.shift(1).first_day


# --- the database's registers ------------------------------------------------------------------


def fai_registrations(
    *, user: User | AnonymousUser, month: Month, zone: Zone | None = None
) -> QuerySet[FaiRegistration]:
    """The registered projects the user sees (of one zone, if given), each annotated with its last
    reported month (`last_month`), the cumulative then (`cumulative`) and whether it reported
    `month` (`reported`). Two subqueries; no query per row."""
    registrations = FaiRegistration.objects.for_user(user)
    if zone is not None:
        registrations = registrations.filter(project__zone=zone)
    last = FaiReport.objects.filter(registration=OuterRef("pk")).order_by("-month")
    return (
        registrations.select_related("project", "project__zone", "project__park")
        .annotate(
            last_month=Max("reports__month"),
            cumulative=Subquery(
                last.values("cumulative")[:1],
                output_field=DecimalField(max_digits=16, decimal_places=4),
            ),
            reported=Exists(
                FaiReport.objects.filter(registration=OuterRef("pk"), month=month.first_day)
            ),
        )
        .order_by("project__zone__name", "project__name")
    )


def percent_of_plan(cumulative: Decimal | None, plan: Decimal | None) -> Decimal | None:
    if cumulative is None or not plan:
        return None
    return (cumulative * 100 / plan).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def fai_eligible_projects(*, user: User, zone: Zone | None = None) -> QuerySet[Project]:
    """The user's projects that can be registered now: 计划总投资 ≥ 500 万元, started and on the
    line, not registered. Annotated with `started_on`."""
    projects = Project.objects.for_user(user)
    if zone is not None:
        projects = projects.filter(zone=zone)
    return (
        projects.filter(
            planned_investment__gte=FAI_THRESHOLD,
            stage__in=FAI_STAGES,
            fai_registration__isnull=True,
        )
        .annotate(started_on=_started_on())
        .select_related("zone", "park")
        .order_by("zone__name", "started_on", "name")
    )


def fai_reports(*, registration: FaiRegistration) -> QuerySet[FaiReport]:
    """The reports of a registration the caller found through for_user, latest first."""
    return registration.reports.select_related("reported_by").order_by("-month")


def started_without_reports(*, user: User, month: Month) -> QuerySet[Project]:
    """The started projects the user sees with no investment report for `month`: registered
    ones that did not report it, and eligible ones not registered yet (which cannot report
    before they are). Only projects on the line (a stalled or terminated one is not expected to
    report) that started in or before the month. Annotated with `started_on` and
    `fai_registered`; for the warnings."""
    reported = FaiReport.objects.filter(registration__project=OuterRef("pk"), month=month.first_day)
    return (
        Project.objects.for_user(user)
        .filter(stage__in=FAI_STAGES)
        .annotate(
            started_on=_started_on(),
            fai_registered=Exists(FaiRegistration.objects.filter(project=OuterRef("pk"))),
        )
        .filter(started_on__lt=_next_month(month))
        .filter(
            Q(fai_registered=True, planned_investment__isnull=False)
            | Q(fai_registered=False, planned_investment__gte=FAI_THRESHOLD)
        )
        .exclude(Exists(reported))
        .select_related("zone", "park")
        .order_by("zone__name", "name")
    )


# --- the zone's 固定资产投资 --------------------------------------------------------------------


@dataclass(frozen=True)
class FaiFigures:
    """固定资产投资 of a place for a month (万元): the month, 1–N月, and the same of the year
    before; `projects` counts the registered projects with a report in 1–N月."""

    month: Month
    month_value: Decimal | None = None
    month_base: Decimal | None = None
    ytd_value: Decimal | None = None
    ytd_base: Decimal | None = None
    projects: int = 0

    @property
    def month_growth(self) -> Decimal | None:
        return growth_pct(self.month_value, self.month_base)

    @property
    def ytd_growth(self) -> Decimal | None:
        return growth_pct(self.ytd_value, self.ytd_base)


def _two_years(reports: QuerySet[FaiReport], month: Month) -> QuerySet[FaiReport]:
    """The reports of 1–N月 of the month's year and of the year before."""
    last_year = Month(month.year - 1, month.month)
    return reports.filter(
        Q(month__gte=Month(month.year, 1).first_day, month__lte=month.first_day)
        | Q(month__gte=Month(month.year - 1, 1).first_day, month__lte=last_year.first_day)
    )


def _figures(month: Month, sums: dict[date, Decimal], projects: int) -> FaiFigures:
    def of_year(year: int) -> dict[int, Decimal]:
        return {day.month: amount for day, amount in sums.items() if day.year == year}

    return FaiFigures(
        month=month,
        month_value=sums.get(month.first_day),
        month_base=sums.get(Month(month.year - 1, month.month).first_day),
        ytd_value=ytd_total(of_year(month.year), month.month),
        ytd_base=ytd_total(of_year(month.year - 1), month.month),
        projects=projects,
    )


def fai_figures(*, reports: QuerySet[FaiReport], month: Month) -> FaiFigures:
    """The figures of a set of reports already scoped by the caller: two grouped queries."""
    chosen = _two_years(reports, month)
    sums = {
        row["month"]: row["amount"]
        for row in chosen.order_by().values("month").annotate(amount=Sum("month_amount"))
    }
    projects = (
        chosen.filter(month__gte=Month(month.year, 1).first_day)
        .order_by()
        .values("registration")
        .distinct()
        .count()
    )
    return _figures(month, sums, projects)


def zone_fai(*, user: User, zone: Zone, month: Month, park: Park | None = None) -> FaiFigures:
    """The zone's (or one of its parks') 固定资产投资 of a month as the user sees it."""
    reports = FaiReport.objects.for_user(user).filter(registration__project__zone=zone)
    if park is not None:
        reports = reports.filter(registration__project__park=park)
    return fai_figures(reports=reports, month=month)


@dataclass(frozen=True)
class ParkFai:
    park: Park | None  # None: projects outside any park
    figures: FaiFigures

    @property
    def name(self) -> str:
        return self.park.name if self.park is not None else ""


def zone_fai_by_park(*, user: User, zone: Zone, month: Month) -> list[ParkFai]:
    """The figures of each park of the zone the user sees (parks without reports included, with
    no figure); one grouped query for the sums, one for the counts."""
    reports = _two_years(
        FaiReport.objects.for_user(user).filter(registration__project__zone=zone), month
    )
    sums: dict[int | None, dict[date, Decimal]] = {}
    for row in (
        reports.order_by()
        .values(park=F("registration__project__park"), day=F("month"))
        .annotate(amount=Sum("month_amount"))
    ):
        sums.setdefault(row["park"], {})[row["day"]] = row["amount"]
    counts = {
        row["park"]: row["projects"]
        for row in reports.filter(month__gte=Month(month.year, 1).first_day)
        .order_by()
        .values(park=F("registration__project__park"))
        .annotate(projects=Count("registration", distinct=True))
    }
    parks = list(Park.objects.for_user(user).filter(zone=zone).order_by("name"))
    rows = [
        ParkFai(park, _figures(month, sums.get(park.pk, {}), counts.get(park.pk, 0)))
        for park in parks
    ]
    if None in sums:
        rows.append(ParkFai(None, _figures(month, sums[None], counts.get(None, 0))))
    return rows


@dataclass(frozen=True)
class MonthRow:
    month: Month
    value: Decimal | None
    ytd: Decimal | None
    base: Decimal | None
    ytd_base: Decimal | None

    @property
    def growth(self) -> Decimal | None:
        return growth_pct(self.value, self.base)

    @property
    def ytd_growth(self) -> Decimal | None:
        return growth_pct(self.ytd, self.ytd_base)


def zone_fai_months(
    *, user: User, zone: Zone, year: int, upto: Month, park: Park | None = None
) -> list[MonthRow]:
    """Month by month of `year` up to `upto` (or the whole year before it): the month, 1–N月 and
    last year's same; one grouped query."""
    last = upto if upto.year == year else Month(year, 12)
    reports = FaiReport.objects.for_user(user).filter(registration__project__zone=zone)
    if park is not None:
        reports = reports.filter(registration__project__park=park)
    sums = {
        row["month"]: row["amount"]
        for row in _two_years(reports, last)
        .order_by()
        .values("month")
        .annotate(amount=Sum("month_amount"))
    }
    rows = []
    ytd: Decimal | None = None
    ytd_base: Decimal | None = None
    for month in last.year_to_date():
        value = sums.get(month.first_day)
        base = sums.get(Month(year - 1, month.month).first_day)
        if value is not None:
            ytd = (ytd or Decimal(0)) + value
        if base is not None:
            ytd_base = (ytd_base or Decimal(0)) + base
        rows.append(MonthRow(month, value, ytd, base, ytd_base))
    return rows


def zone_fai_for_indicators(*, zone_id: int, month: Month) -> FaiFigures | None:
    """The zone's figures for the indicator table (statistics), which has checked the reader's
    scope on the zone already; None when no registered project reported in 1–N月."""
    figures = fai_figures(
        reports=FaiReport.objects.filter(registration__project__zone_id=zone_id), month=month
    )
    return figures if figures.ytd_value is not None else None


def zone_fai_by_month(
    *, zone_ids: Iterable[int], years: Iterable[int]
) -> dict[tuple[int, int], dict[int, Decimal]]:
    """The 本月 sums of the zones' registered projects, (zone id, year) → {month number: 万元},
    for the targets (statistics), whose caller has scoped the zones; one grouped query."""
    rows = (
        FaiReport.objects.filter(
            registration__project__zone_id__in=list(zone_ids), month__year__in=list(years)
        )
        .values_list("registration__project__zone_id", "month")
        .annotate(total=Sum("month_amount"))
        .order_by()
    )
    sums: dict[tuple[int, int], dict[int, Decimal]] = {}
    for zone_id, month, total in rows:
        sums.setdefault((zone_id, month.year), {})[month.month] = total
    return sums


class FaiIndicatorSource:
    """固定资产投资 from the investment database, for the indicator table, the targets and the
    rankings when no published figure was entered (registered in ProjectsConfig.ready)."""

    def zone_figures(self, *, zone_id: int, month: Month) -> ComputedFigures | None:
        figures = zone_fai_for_indicators(zone_id=zone_id, month=month)
        if figures is None:
            return None
        return ComputedFigures(
            month_value=figures.month_value,
            month_base=figures.month_base,
            ytd_value=figures.ytd_value,
            ytd_base=figures.ytd_base,
            source=ngettext(
                "Fixed-asset investment project database (固定资产投资项目库, %(count)s project)",
                "Fixed-asset investment project database (固定资产投资项目库, %(count)s projects)",
                figures.projects,
            )
            % {"count": figures.projects},
        )

    def zone_months(self, *, zone_ids: Iterable[int], years: Iterable[int]) -> ZoneMonths:
        return zone_fai_by_month(zone_ids=zone_ids, years=years)
