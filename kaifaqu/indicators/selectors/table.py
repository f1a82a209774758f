"""The indicator table of one slice and month as a user may see it, read from the stored cells.

One query reads the slice's cells with their disclosure decision (taken for the whole month when
the roll-up wrote it: indicators/masking.py), one more the zone figures other offices publish
(for a zone slice).

Figures are turned into what pages show here, once, so that the page, its Excel export and the API
give the same numbers: money in 万元 and electricity in 万千瓦时 with 2 decimals, persons as
counted, growth in per cent with 1 decimal (产品销售率: its level in per cent and its change in
percentage points). A figure outside the office is masked when its cell is suppressed: every
figure of the cell (value, base, growth, enterprises), never just the one the rule looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import user_may
from kaifaqu.indicators.catalogue import (
    CATALOGUE,
    COMPUTED,
    DISPLAY_SCALE,
    ENTERED,
    PERSONS,
    RATIO,
    VALUE_ADDED,
    Indicator,
)
from kaifaqu.indicators.disclosure import DEFAULT_RULE, DisclosureRule
from kaifaqu.indicators.engine import COMPARABLE, MEASURES, is_published
from kaifaqu.indicators.models import IndicatorCell, ReportedFigure, SliceKind
from kaifaqu.indicators.selectors.publication import SliceMonth, slice_month
from kaifaqu.indicators.selectors.slices import Slice, resolve_slice
from kaifaqu.indicators.sources import COMPUTED_SOURCES, ComputedSource

VALUE_PLACES = Decimal("0.01")
PERCENT_PLACES = Decimal("0.1")
COMPUTED_CODES = frozenset(indicator.code for indicator in COMPUTED)

_FIELDS: dict[str, Any] = {
    "slice_kind": pl.Utf8,
    "slice_key": pl.Utf8,
    "zone_id": pl.Int64,
    "indicator": pl.Utf8,
    **{name: pl.Int64 for name in (*MEASURES, *COMPARABLE)},
    "enterprises": pl.Int64,
    "estimated": pl.Int64,
    "top_value": pl.Int64,
    "abs_value": pl.Int64,
    "suppressed": pl.Boolean,
}


def sees_everything(user: User) -> bool:
    """Whether the user sees every figure unmasked (and the enterprises behind them)."""
    # 统计法: the statistics office only (the permission table's indicators.see_unmasked).
    return user_may(user, "indicators.see_unmasked")


def period_label(month: Month) -> str:
    """'1–3月' (the cumulative months); January is not published alone."""
    return _("Months 1–%(months)s") % {"months": month.month}


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    month_value: Decimal | int | None = None
    month_base: Decimal | int | None = None
    ytd_value: Decimal | int | None = None
    ytd_base: Decimal | int | None = None
    # Per cent on the same months of the year before; for a ratio, its change in points.
    month_growth: Decimal | None = None
    ytd_growth: Decimal | None = None
    month_comparable_growth: Decimal | None = None
    ytd_comparable_growth: Decimal | None = None
    # Value added whose 1–N月 at comparable prices is not available: an enterprise of the cell
    # has no price index of its province for a month (never deflated by 100 instead).
    no_price_index: bool = False
    enterprises: int | None = None
    # Enterprises whose figures are estimates (估算) of the office: the figure is 含估算.
    estimated: int = 0
    suppressed: bool = False
    # False where the indicator has no figure for this kind of slice (entered zone figures).
    available: bool = True
    source: str = ""
    # True when an entered indicator's figure was computed from the zone's own records (固定资产投资
    # from the project database) because none was entered for the period.
    computed: bool = False

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def growth_in_points(self) -> bool:
        return self.indicator.kind == RATIO

    @property
    def drillable(self) -> bool:
        return self.indicator.code in COMPUTED_CODES


@dataclass(frozen=True)
class IndicatorTable:
    slice: Slice
    month: Month
    published: bool
    period_label: str
    rows: list[IndicatorRow]
    # Whether disclosure control applies to this reader (everyone outside the office).
    masked: bool
    rule: DisclosureRule = field(default=DEFAULT_RULE)
    # The month's publication for this slice: figures are withheld from a reader outside the
    # statistics office until every zone of the slice has published the month.
    state: SliceMonth | None = None

    @property
    def withheld(self) -> bool:
        return self.state is not None and not self.state.shown

    @property
    def monthly(self) -> bool:
        """February publishes 1–2月 only: no figure of its own month."""
        return self.month.month != 2

    @property
    def any_suppressed(self) -> bool:
        return any(row.suppressed for row in self.rows)

    @property
    def any_estimated(self) -> bool:
        return any(row.estimated for row in self.rows)


def indicator_rows(*, user: User, month: Month, slice_kind: str, slice_key: str) -> IndicatorTable:
    """The catalogue's indicators for one slice; Http404 for a slice outside the user's scope."""
    return slice_table(user=user, month=month, slice=resolve_slice(user, slice_kind, slice_key))


def slice_table(*, user: User, month: Month, slice: Slice) -> IndicatorTable:
    """The catalogue's indicators for a slice already resolved in the user's scope."""
    masked = not sees_everything(user)
    published = is_published(month)
    state = slice_month(user, slice, month)
    rows: list[IndicatorRow]
    if not published:
        rows = [
            IndicatorRow(indicator, available=_available(indicator, slice))
            for indicator in CATALOGUE
        ]
    else:
        # A month not yet published shows none of the figures computed from the firms' returns
        # outside the statistics office; the zone figures other offices publish (entered, or
        # computed from the investment database) are theirs and stay.
        cells = _cells(month, slice) if state.shown else pl.DataFrame(schema=_FIELDS)
        own = {row["indicator"]: row for row in cells.iter_rows(named=True)}

        def suppressed(code: str) -> bool:
            # Decided with the month's roll-up (a cell is hidden until then: fails closed).
            return masked and code in own and bool(own[code]["suppressed"])

        entered = _entered(user, slice, month)
        rows = []
        for indicator in CATALOGUE:
            if indicator.source == ENTERED:
                rows.append(_entered_row(indicator, slice, month, entered))
            elif indicator.kind == RATIO:
                assert indicator.ratio_of is not None
                numerator, denominator = indicator.ratio_of
                row = _ratio_row(indicator, own.get(numerator), own.get(denominator))
                hide = suppressed(numerator) or suppressed(denominator)
                rows.append(_masked(row) if hide else row)
            else:
                row = _computed_row(indicator, own.get(indicator.code))
                rows.append(_masked(row) if suppressed(indicator.code) else row)
    return IndicatorTable(
        slice=slice,
        month=month,
        published=published,
        period_label=period_label(month),
        rows=rows,
        masked=masked,
        state=state,
    )


# --- internals ---------------------------------------------------------------------------------


def _available(indicator: Indicator, slice: Slice) -> bool:
    return indicator.source != ENTERED or slice.kind == SliceKind.ZONE


def _cells(month: Month, slice: Slice) -> pl.DataFrame:
    """The slice's stored cells of the month, with their disclosure decision."""
    rows = IndicatorCell.objects.filter(
        month=month.first_day, slice_kind=slice.kind, slice_key=slice.key
    ).values_list(*_FIELDS)
    return pl.DataFrame(list(rows), schema=_FIELDS, orient="row")


def shown(value: int | None, indicator: Indicator) -> Decimal | int | None:
    if value is None:
        return None
    if indicator.unit == PERSONS:
        return int(value)
    scaled = Decimal(value) / DISPLAY_SCALE[indicator.unit]
    return scaled.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


def growth(value: int | Decimal | None, base: int | Decimal | None) -> Decimal | None:
    """Per cent on the base, 1 decimal; none on a zero base (as engine.with_growth)."""
    if value is None or base is None or base == 0:
        return None
    change = (Decimal(value) / Decimal(base) - 1) * 100
    return change.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def _computed_row(indicator: Indicator, cell: dict[str, Any] | None) -> IndicatorRow:
    if cell is None or not cell["enterprises"]:
        # No enterprise of the cell reported it: nothing to show (a sum of nothing is no 0).
        return IndicatorRow(indicator, enterprises=cell["enterprises"] if cell else None)
    return IndicatorRow(
        indicator,
        month_value=shown(cell["month_value"], indicator),
        month_base=shown(cell["month_base"], indicator),
        ytd_value=shown(cell["ytd_value"], indicator),
        ytd_base=shown(cell["ytd_base"], indicator),
        month_growth=growth(cell["month_value"], cell["month_base"]),
        ytd_growth=growth(cell["ytd_value"], cell["ytd_base"]),
        month_comparable_growth=growth(cell["month_comparable"], cell["month_base"]),
        ytd_comparable_growth=growth(cell["ytd_comparable"], cell["ytd_base"]),
        no_price_index=(
            indicator.kind == VALUE_ADDED
            and cell["ytd_value"] is not None
            and cell["ytd_comparable"] is None
        ),
        enterprises=cell["enterprises"],
        estimated=cell["estimated"] or 0,
    )


def _rate(numerator: int | None, denominator: int | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) * 100 / Decimal(denominator)


def _points(rate: Decimal | None, base: Decimal | None) -> Decimal | None:
    if rate is None or base is None:
        return None
    return _one_place(rate - base)


def _one_place(value: Decimal | None) -> Decimal | None:
    # + 0: a small fall rounds to 0.0, not "-0.0".
    return None if value is None else value.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP) + 0


def _ratio_row(
    indicator: Indicator, numerator: dict[str, Any] | None, denominator: dict[str, Any] | None
) -> IndicatorRow:
    """产品销售率 = sales ÷ gross × 100 in each measure; its change in percentage points."""
    if not (numerator and denominator and numerator["enterprises"] and denominator["enterprises"]):
        return IndicatorRow(indicator)
    rates = {name: _rate(numerator[name], denominator[name]) for name in MEASURES}
    return IndicatorRow(
        indicator,
        month_value=_one_place(rates["month_value"]),
        month_base=_one_place(rates["month_base"]),
        ytd_value=_one_place(rates["ytd_value"]),
        ytd_base=_one_place(rates["ytd_base"]),
        month_growth=_points(rates["month_value"], rates["month_base"]),
        ytd_growth=_points(rates["ytd_value"], rates["ytd_base"]),
        enterprises=min(numerator["enterprises"], denominator["enterprises"]),
        estimated=max(numerator["estimated"] or 0, denominator["estimated"] or 0),
    )


def _masked(row: IndicatorRow) -> IndicatorRow:
    return IndicatorRow(row.indicator, suppressed=True)


def _entered(user: User, slice: Slice, month: Month) -> dict[tuple[str, int], tuple[Decimal, str]]:
    """The zone's published figures of 1–N月 this year and last: (code, year) → (万元, source)."""
    if slice.kind != SliceKind.ZONE or slice.zone_id is None:
        return {}
    codes = [indicator.code for indicator in CATALOGUE if indicator.source == ENTERED]
    figures = (
        ReportedFigure.objects.for_user(user)
        .filter(
            zone_id=slice.zone_id,
            year__in=[month.year, month.year - 1],
            months=month.month,
            indicator__in=codes,
        )
        .values_list("indicator", "year", "value", "source")
    )
    return {(code, year): (value, source) for code, year, value, source in figures}


def _entered_row(
    indicator: Indicator,
    slice: Slice,
    month: Month,
    entered: dict[tuple[str, int], tuple[Decimal, str]],
) -> IndicatorRow:
    row = IndicatorRow(indicator, available=_available(indicator, slice))
    figure = entered.get((indicator.code, month.year))
    if figure is None:
        computed = COMPUTED_SOURCES.get(indicator.code)
        if computed is not None and slice.kind == SliceKind.ZONE and slice.zone_id is not None:
            return _computed(row, computed, slice.zone_id, month)
        return row
    value, source = figure
    base = entered.get((indicator.code, month.year - 1))
    base_value = base[0] if base is not None else None
    return replace(
        row,
        ytd_value=_wan(value),
        ytd_base=_wan(base_value),
        ytd_growth=growth(value, base_value),
        source=source,
    )


def _computed(
    row: IndicatorRow, source: ComputedSource, zone_id: int, month: Month
) -> IndicatorRow:
    """The zone's figures of the month and 1–N月 computed from its own records (sources.py),
    with the same period of the year before for growth, the source naming those records."""
    figures = source.zone_figures(zone_id=zone_id, month=month)
    if figures is None:
        return row
    return replace(
        row,
        month_value=_wan(figures.month_value),
        month_base=_wan(figures.month_base),
        ytd_value=_wan(figures.ytd_value),
        ytd_base=_wan(figures.ytd_base),
        month_growth=growth(figures.month_value, figures.month_base),
        ytd_growth=growth(figures.ytd_value, figures.ytd_base),
        source=figures.source,
        computed=True,
    )


def _wan(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)
