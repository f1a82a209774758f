"""Targets against actuals: completion, the time-elapsed pace (序时进度), the gap and a projection.

For an annual target of a zone and month N:
- actual 1–N月: the zone cell of the month for indicators computed from returns (in the target's
  unit); for entered figures (GDP …), the zone's ReportedFigure of the year covering N months,
  else the latest covering fewer, whose M months then stand for N everywhere below;
- completion = actual ÷ target value × 100; pace = N ÷ 12 × 100; ahead/behind = completion −
  pace in percentage points; gap = target value − actual (what is left to do, in the unit);
  projected year-end = actual × 12 ÷ N (the rest of the year at the pace so far);
- growth targets: 1–N月 growth on the same enterprises (同口径; value added at comparable prices),
  or against the entered figure of the same months last year, minus the target growth.
Counts (employees) and rates (产品销售率) are levels, not sums over months: they are compared
with the target as they stand, without pace or projection.

A plan target (十四五) is compared in the latest full year of the plan so far: that year's figure
÷ the plan's value × 100, and the average yearly growth since the plan's first year (the
geometric mean of each year's growth) with the plan's growth.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month, ytd_total
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.catalogue import (
    BY_CODE,
    CATALOGUE,
    ENTERED,
    FLOW,
    RATIO,
    VALUE_ADDED,
)
from kaifaqu.indicators.models import ReportedFigure, Target, TargetKind
from kaifaqu.indicators.selectors import sees_everything
from kaifaqu.indicators.selectors.targets.cells import (
    HUNDRED,
    CellKey,
    ZoneCell,
    growth_pct,
    reads_zone_figures,
    zone_cells,
)
from kaifaqu.indicators.sources import COMPUTED_SOURCES, ZoneMonths

TWELVE = Decimal(12)
ORDER = {indicator.code: index for index, indicator in enumerate(CATALOGUE)}
# Sums over the months, compared with the share of the year gone by.
PACED_KINDS = frozenset({FLOW, VALUE_ADDED})


def pace_pct(months: int) -> Decimal:
    """序时进度: the share of the year gone by after `months` months, in per cent."""
    return Decimal(months) * HUNDRED / TWELVE


@dataclass(frozen=True)
class Actual:
    """What a target is measured with: the figure, the months it covers, last year's same."""

    value: Decimal | None = None
    months: int | None = None
    growth_pct: Decimal | None = None
    suppressed: bool = False  # shown as 保密 to this user
    # Suppressed outside the statistics office, shown to it: not to be passed on.
    protected: bool = False
    source: str = ""


@dataclass(frozen=True)
class Progress:
    target: Target
    actual: Actual
    completion_pct: Decimal | None
    pace_pct: Decimal | None
    ahead_pp: Decimal | None
    gap: Decimal | None
    projected: Decimal | None
    growth_gap_pp: Decimal | None

    @property
    def indicator(self) -> str:
        return self.target.indicator


@dataclass(frozen=True)
class PlanProgress:
    target: Target
    year: int | None  # the latest full year compared
    actual: Actual
    completion_pct: Decimal | None
    gap: Decimal | None
    average_growth_pct: Decimal | None
    growth_gap_pp: Decimal | None

    @property
    def indicator(self) -> str:
        return self.target.indicator


@dataclass(frozen=True)
class ZoneProgress:
    zone: Zone
    month: Month
    pace_pct: Decimal
    annual: list[Progress]
    plans: list[PlanProgress]


def target_progress(*, user: User, zone: Zone, month: Month) -> ZoneProgress:
    """The zone's annual targets of the month's year and the plans running that year."""
    targets = _targets(user, [zone.pk], month)
    annual = [t for t in targets if t.kind == TargetKind.ANNUAL]
    plans = [t for t in targets if t.kind == TargetKind.PLAN]
    plan_years = _plan_years(plans, month)
    context = _Context.load(
        user,
        zone_ids=[zone.pk],
        months=[month, *(Month(year, 12) for year in plan_years)],
        figure_years=[month.year - 1, month.year, *plan_years, *(y - 1 for y in plan_years)],
    )
    return ZoneProgress(
        zone=zone,
        month=month,
        pace_pct=pace_pct(month.month),
        annual=[_progress(target, month, context) for target in annual],
        plans=[_plan_progress(target, month, context) for target in plans],
    )


def annual_progress(
    *,
    user: User,
    zones: Sequence[Zone],
    month: Month,
    cells: dict[CellKey, ZoneCell] | None = None,
) -> dict[int, list[Progress]]:
    """The annual targets' progress of several zones at once (for the warnings); `cells`, the
    zones' cells of the month when the caller has them already."""
    targets = [
        t for t in _targets(user, [z.pk for z in zones], month) if t.kind == TargetKind.ANNUAL
    ]
    if not targets:
        return {}
    context = _Context.load(
        user,
        zone_ids=[zone.pk for zone in zones],
        months=[month],
        figure_years=[month.year - 1, month.year],
        cells=cells,
    )
    rows: dict[int, list[Progress]] = {}
    for target in targets:
        rows.setdefault(target.zone_id, []).append(_progress(target, month, context))
    return rows


# --- internals ---------------------------------------------------------------------------------


def _targets(user: User, zone_ids: list[int], month: Month) -> list[Target]:
    if not reads_zone_figures(user):
        return []
    running = Q(kind=TargetKind.ANNUAL, year=month.year) | Q(
        kind=TargetKind.PLAN, start_year__lte=month.year, end_year__gte=month.year
    )
    targets = list(
        Target.objects.for_user(user)
        .filter(running, zone_id__in=zone_ids)
        .select_related("zone")
        .order_by("zone__name", "kind", "year")
    )
    return sorted(targets, key=lambda t: (t.zone.name, t.kind, ORDER.get(t.indicator, 99), t.year))


def _plan_years(plans: Iterable[Target], month: Month) -> list[int]:
    """The full years a plan can be compared in: from its first year to the last one complete."""
    last_full = month.year if month.month == 12 else month.year - 1
    return sorted(
        {
            year
            for plan in plans
            for year in range(plan.start_year or plan.year, min(plan.year, last_full) + 1)
        }
    )


@dataclass(frozen=True)
class _Context:
    cells: dict[CellKey, ZoneCell]
    # (zone, indicator, year) → {months covered: value in 万元}
    figures: dict[tuple[int, str, int], dict[int, Decimal]]
    confidential: bool
    # indicator → (zone, year) → {month: 本月 in 万元} computed from the zone's own records
    # (sources.py: 固定资产投资 from the investment database)
    computed_months: dict[str, ZoneMonths]

    @classmethod
    def load(
        cls,
        user: User,
        *,
        zone_ids: list[int],
        months: list[Month],
        figure_years: list[int],
        cells: dict[CellKey, ZoneCell] | None = None,
    ) -> _Context:
        figures: dict[tuple[int, str, int], dict[int, Decimal]] = {}
        rows = ReportedFigure.objects.for_user(user).filter(
            zone_id__in=zone_ids, year__in=set(figure_years)
        )
        for zone_id, code, year, months_covered, value in rows.values_list(
            "zone_id", "indicator", "year", "months", "value"
        ):
            figures.setdefault((zone_id, code, year), {})[months_covered] = value
        years = {year for year in figure_years} | {year - 1 for year in figure_years}
        return cls(
            cells=cells
            if cells is not None
            else zone_cells(zone_ids=zone_ids, months=months, reader=user),
            figures=figures,
            confidential=sees_everything(user),
            computed_months={
                code: source.zone_months(zone_ids=zone_ids, years=years)
                for code, source in COMPUTED_SOURCES.items()
            },
        )

    def cell(self, zone_id: int, day: date, code: str) -> ZoneCell | None:
        return self.cells.get((zone_id, day, code))

    def computed(self, zone_id: int, month: Month, code: str) -> Actual:
        """The zone's 1–N月 from the stored table; a ratio from its two parts."""
        indicator = BY_CODE[code]
        if indicator.kind == RATIO:
            assert indicator.ratio_of is not None
            top, bottom = (self.cell(zone_id, month.first_day, part) for part in indicator.ratio_of)
            if top is None or bottom is None or not top.enterprises or not bottom.ytd_value:
                return Actual(source=indicator.source)
            value = Decimal(top.ytd_value or 0) * HUNDRED / Decimal(bottom.ytd_value)
            protected = top.suppressed or bottom.suppressed
            return self._shown(value, None, month.month, protected, indicator.source)
        cell = self.cell(zone_id, month.first_day, code)
        if cell is None or cell.enterprises == 0:
            # No enterprise with a figure: no actual (a sum of nothing is not a 0).
            return Actual(source=indicator.source)
        return self._shown(
            cell.value, cell.growth_pct, month.month, cell.suppressed, indicator.source
        )

    def entered(self, zone_id: int, month: Month, code: str, *, exact: bool = False) -> Actual:
        """The figure of the year covering N months; else, for 固定资产投资, the 1–N月 of the
        zone's investment database (as the indicator table shows it); else (unless `exact`) the
        latest figure covering fewer months."""
        this_year = self.figures.get((zone_id, code, month.year), {})
        if month.month not in this_year and code in self.computed_months:
            from_records = self.from_records(zone_id, month, code)
            if from_records is not None:
                return from_records
        covered = [m for m in this_year if m == month.month or (m < month.month and not exact)]
        if not covered:
            return Actual(source=ENTERED)
        months = max(covered)
        value = this_year[months]
        base = self.figures.get((zone_id, code, month.year - 1), {}).get(months)
        return Actual(
            value=value, months=months, growth_pct=growth_pct(value, base), source=ENTERED
        )

    def from_records(self, zone_id: int, month: Month, code: str) -> Actual | None:
        """1–N月 summed from the zone's own records (固定资产投资: the registered projects'
        monthly reports), against the same months of the year before; None when nothing was
        reported in 1–N月."""
        by_year = self.computed_months[code]
        value = ytd_total(by_year.get((zone_id, month.year), {}), month.month)
        if value is None:
            return None
        base = ytd_total(by_year.get((zone_id, month.year - 1), {}), month.month)
        return Actual(
            value=value, months=month.month, growth_pct=growth_pct(value, base), source=ENTERED
        )

    def actual(self, zone_id: int, month: Month, code: str, *, exact: bool = False) -> Actual:
        if BY_CODE[code].source == ENTERED:
            return self.entered(zone_id, month, code, exact=exact)
        return self.computed(zone_id, month, code)

    def _shown(
        self,
        value: Decimal | None,
        growth: Decimal | None,
        months: int,
        protected: bool,
        source: str,
    ) -> Actual:
        if protected and not self.confidential:
            return Actual(months=months, suppressed=True, source=source)
        return Actual(
            value=value, months=months, growth_pct=growth, protected=protected, source=source
        )


def _progress(target: Target, month: Month, context: _Context) -> Progress:
    actual = context.actual(target.zone_id, month, target.indicator)
    value, months = actual.value, actual.months
    goal = target.value
    completion = value * HUNDRED / goal if value is not None and goal else None
    paced = BY_CODE[target.indicator].kind in PACED_KINDS and months
    pace = pace_pct(months) if paced and months else None
    return Progress(
        target=target,
        actual=actual,
        completion_pct=completion,
        pace_pct=pace,
        ahead_pp=completion - pace if completion is not None and pace is not None else None,
        gap=goal - value if goal is not None and value is not None else None,
        projected=value * TWELVE / months if paced and value is not None and months else None,
        growth_gap_pp=_growth_gap(actual.growth_pct, target.growth_pct),
    )


def _growth_gap(actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    return actual - target if actual is not None and target is not None else None


def _plan_progress(target: Target, month: Month, context: _Context) -> PlanProgress:
    first = target.start_year or target.year
    years = [year for year in _plan_years([target], month) if year >= first]
    yearly = {
        year: context.actual(target.zone_id, Month(year, 12), target.indicator, exact=True)
        for year in years
    }
    known = [year for year, actual in yearly.items() if actual.value is not None]
    hidden = any(actual.suppressed for actual in yearly.values())
    if not known or hidden:
        return PlanProgress(
            target=target,
            year=max(known) if known else None,
            actual=Actual(suppressed=hidden, source=BY_CODE[target.indicator].source),
            completion_pct=None,
            gap=None,
            average_growth_pct=None,
            growth_gap_pp=None,
        )
    latest = max(known)
    actual = yearly[latest]
    assert actual.value is not None
    average = _average_growth([yearly[year].growth_pct for year in range(first, latest + 1)])
    return PlanProgress(
        target=target,
        year=latest,
        actual=actual,
        completion_pct=actual.value * HUNDRED / target.value if target.value else None,
        gap=target.value - actual.value if target.value is not None else None,
        average_growth_pct=average,
        growth_gap_pp=_growth_gap(average, target.growth_pct),
    )


def _average_growth(growths: list[Decimal | None]) -> Decimal | None:
    """The geometric mean of yearly growth rates (%), none unless every year has one; counts
    and rates have no growth chained this way."""
    if not growths or any(growth is None for growth in growths):
        return None
    product = Decimal(1)
    for growth in growths:
        assert growth is not None
        product *= 1 + growth / HUNDRED
    if product <= 0:
        return None
    return (product ** (Decimal(1) / len(growths)) - 1) * HUNDRED
