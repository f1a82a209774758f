"""Zones ranked on an indicator, for the provincial office: by 1–N月 value and by growth.

Indicators computed from returns rank on the zone cells of the month (growth 同口径, value added
at comparable prices); entered figures (GDP …) on the figures of the year covering exactly N
months, growth against the same months of the year before. Rank 1 is the largest; equal figures
share a rank (1, 2, 2, 4).

Outside the statistics office a suppressed cell (保密, see cells.py) shows neither value nor
growth and takes no position: ranks are counted over the zones shown, so a gap in the positions
cannot place a hidden zone between two others. Scope: the zones the user may see (a provincial
office its region, a zone's users their zone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month, ytd_total
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.catalogue import BY_CODE, CATALOGUE, COMPUTED, ENTERED
from kaifaqu.indicators.models import ReportedFigure
from kaifaqu.indicators.selectors import sees_everything
from kaifaqu.indicators.selectors.targets.cells import (
    growth_pct,
    reads_zone_figures,
    zone_cells,
)
from kaifaqu.indicators.sources import COMPUTED_SOURCES, ComputedSource

# Additive indicators: a ratio (产品销售率) ranks nothing that adds up across enterprises.
RANKABLE: tuple[str, ...] = tuple(
    indicator.code
    for indicator in CATALOGUE
    if indicator in COMPUTED or indicator.source == ENTERED
)


@dataclass(frozen=True)
class RankRow:
    zone: Zone
    value: Decimal | None  # 1–N月 in the indicator's unit (万元 for money)
    growth_pct: Decimal | None
    enterprises: int | None  # None for entered figures
    suppressed: bool  # shown as 保密 to this user
    # Suppressed outside the statistics office, shown to it: not to be passed on.
    protected: bool = False
    value_rank: int | None = None
    growth_rank: int | None = None


@dataclass(frozen=True)
class Ranking:
    month: Month
    indicator: str
    rows: list[RankRow]
    # Whether some rows are shown as 保密 to this user.
    masked: bool


BY_VALUE = "value"
BY_GROWTH = "growth"


def zone_ranking(*, user: User, month: Month, indicator: str, by: str = BY_VALUE) -> Ranking:
    """The zones the user may see, in the order of their rank by value (or by growth)."""
    if indicator not in RANKABLE:
        raise ValueError(f"not a rankable indicator: {indicator}")
    zones = list(Zone.objects.for_user(user).order_by("name")) if reads_zone_figures(user) else []
    if BY_CODE[indicator].source == ENTERED:
        rows = _entered_rows(user, zones, month, indicator)
    else:
        rows = _computed_rows(user, zones, month, indicator)
    ranked = _ranked(rows, by_growth=by == BY_GROWTH)
    return Ranking(
        month=month,
        indicator=indicator,
        rows=ranked,
        masked=any(row.suppressed for row in ranked),
    )


def _computed_rows(user: User, zones: list[Zone], month: Month, code: str) -> list[RankRow]:
    cells = zone_cells(zone_ids=[zone.pk for zone in zones], months=[month], reader=user)
    confidential = sees_everything(user)
    rows = []
    for zone in zones:
        cell = cells.get((zone.pk, month.first_day, code))
        if cell is None or cell.enterprises == 0:
            # No enterprise with a figure: nothing to rank (a sum of nothing is not a 0).
            count = cell.enterprises if cell is not None else None
            rows.append(RankRow(zone, None, None, count, suppressed=False))
        elif cell.suppressed and not confidential:
            rows.append(RankRow(zone, None, None, cell.enterprises, suppressed=True))
        else:
            rows.append(
                RankRow(
                    zone,
                    cell.value,
                    cell.growth_pct,
                    cell.enterprises,
                    suppressed=False,
                    protected=cell.suppressed,
                )
            )
    return rows


def _entered_rows(user: User, zones: list[Zone], month: Month, code: str) -> list[RankRow]:
    figures = {
        (zone_id, year): value
        for zone_id, year, value in ReportedFigure.objects.for_user(user)
        .filter(
            zone__in=zones,
            indicator=code,
            year__in=[month.year, month.year - 1],
            months=month.month,
        )
        .values_list("zone_id", "year", "value")
    }
    source = COMPUTED_SOURCES.get(code)
    computed = _from_records(source, zones, month) if source is not None else {}
    rows = []
    for zone in zones:
        value = figures.get((zone.pk, month.year))
        base = figures.get((zone.pk, month.year - 1))
        if value is None and zone.pk in computed:
            # No published figure for the period: the zone's investment database, both years
            # (as the indicator table and the targets read it).
            value, base = computed[zone.pk]
        rows.append(RankRow(zone, value, growth_pct(value, base), None, suppressed=False))
    return rows


def _from_records(
    source: ComputedSource, zones: list[Zone], month: Month
) -> dict[int, tuple[Decimal, Decimal | None]]:
    """Each zone's 1–N月 computed from its own records (固定资产投资: its investment database) and
    the same months last year; zones with nothing reported in 1–N月 are left out."""
    sums = source.zone_months(
        zone_ids=[zone.pk for zone in zones], years=[month.year, month.year - 1]
    )
    found: dict[int, tuple[Decimal, Decimal | None]] = {}
    for zone in zones:
        value = ytd_total(sums.get((zone.pk, month.year), {}), month.month)
        if value is not None:
            base = ytd_total(sums.get((zone.pk, month.year - 1), {}), month.month)
            found[zone.pk] = (value, base)
    return found


def _ranks(rows: list[RankRow], figure: Callable[[RankRow], Decimal | None]) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) of the zones with a figure, largest first."""
    shown = sorted(
        (row for row in rows if figure(row) is not None),
        key=lambda row: figure(row),  # type: ignore[arg-type,return-value]
        reverse=True,
    )
    ranks: dict[int, int] = {}
    for position, row in enumerate(shown, start=1):
        previous = shown[position - 2] if position > 1 else None
        same = previous is not None and figure(previous) == figure(row)
        ranks[row.zone.pk] = ranks[previous.zone.pk] if same and previous else position
    return ranks


def _ranked(rows: list[RankRow], *, by_growth: bool) -> list[RankRow]:
    value_ranks = _ranks(rows, lambda row: row.value)
    growth_ranks = _ranks(rows, lambda row: row.growth_pct)
    ranked = [
        RankRow(
            zone=row.zone,
            value=row.value,
            growth_pct=row.growth_pct,
            enterprises=row.enterprises,
            suppressed=row.suppressed,
            protected=row.protected,
            value_rank=value_ranks.get(row.zone.pk),
            growth_rank=growth_ranks.get(row.zone.pk),
        )
        for row in rows
    ]

    # Ranked zones in order; the others (保密, no figure) after them by name, never in between.
    def order(row: RankRow) -> tuple[bool, int, str, int]:
        rank = row.growth_rank if by_growth else row.value_rank
        return (rank is None, rank or 0, row.zone.name, row.zone.pk)

    return sorted(ranked, key=order)
