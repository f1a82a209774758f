"""The indicator engine: the indicator table of a month from the facts, in polars, without the ORM.

`indicator_table(facts, month)` gives one row per (slice_kind, slice_key, indicator) with the
month's value, the 1–N月 value and their 同口径 bases, in exact whole units (Int64: yuan, kWh,
persons). How each figure is made:

- The enterprises counted are those on the month's year's 规上工业 roster, wherever they are; the
  base is the SAME enterprises in the same months of the year before (同口径), whether or not they
  were on last year's roster: entering or leaving the roster never creates growth.
- 1–N月 adds the months January..N (employees, a stock: the value of month N). January is not
  published; February gives 1–2月 only (`month_*` null).
- Value added is computed per enterprise and month: gross output × the value-added rate of the
  enterprise's division for the return's year (the other year's rate where that year has none),
  rounded half up to the yuan, so that every cell is the exact sum of its enterprises.
- `ytd_comparable` / `month_comparable` (value added only): each month's value added ÷ (PPI/100)
  of its division, else of all industry, else 1, per enterprise and month rounded half up to the
  yuan: this year's value added at last year's prices, to be compared with the base.

Everything is a join or a group_by over whole frames: the enterprises' monthly rows are reduced to
one wide row per enterprise, the slices are group_bys of those rows, and only then is the result
turned into one row per indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from kaifaqu.core.lib.periods import Month
from kaifaqu.statistics.indicators.catalogue import BY_CODE, COMPUTED, RATIOS, STOCK, VALUE_ADDED

# The Return fields the engine reads, as whole units: yuan (money), kWh (electricity), persons.
RETURN_FIELDS: tuple[str, ...] = (
    "gross_output",
    "sales_output",
    "revenue",
    "total_profit",
    "taxes",
    "electricity",
    "employees",
)
RETURNS_SCHEMA: dict[str, Any] = {
    "enterprise_id": pl.Int64,
    "period": pl.Date,
    **{name: pl.Int64 for name in RETURN_FIELDS},
}
ENTERPRISES_SCHEMA: dict[str, Any] = {
    "enterprise_id": pl.Int64,
    "zone_id": pl.Int64,
    "park_id": pl.Int64,
    "region_code": pl.Utf8,
    "industry": pl.Utf8,
    "division": pl.Utf8,
    "section": pl.Utf8,
}
ROSTER_SCHEMA: dict[str, Any] = {"enterprise_id": pl.Int64, "year": pl.Int32}
RATES_SCHEMA: dict[str, Any] = {"year": pl.Int32, "division": pl.Utf8, "rate": pl.Float64}
# index: same month of the year before = 100; division null = all industry.
PPI_SCHEMA: dict[str, Any] = {"period": pl.Date, "division": pl.Utf8, "index": pl.Float64}

SLICE_KINDS: tuple[str, ...] = (
    "province",
    "city",
    "zone",
    "park",
    "section",
    "division",
    "zone_division",
)
MEASURES: tuple[str, ...] = ("month_value", "month_base", "ytd_value", "ytd_base")
COMPARABLE: tuple[str, ...] = ("ytd_comparable", "month_comparable")
TABLE_SCHEMA: dict[str, Any] = {
    "slice_kind": pl.Utf8,
    "slice_key": pl.Utf8,
    "indicator": pl.Utf8,
    **{name: pl.Int64 for name in MEASURES},
    **{name: pl.Int64 for name in COMPARABLE},
    "enterprises": pl.Int64,
    "top_share": pl.Float64,
    # The largest enterprise's absolute 1–N月 value and the sum of all absolute values: what
    # top_share is made of, kept so cells of different zones combine exactly (max, sum).
    "top_value": pl.Int64,
    "abs_value": pl.Int64,
}
RATIO_SCHEMA: dict[str, Any] = {
    "slice_kind": pl.Utf8,
    "slice_key": pl.Utf8,
    "indicator": pl.Utf8,
    **{name: pl.Float64 for name in MEASURES},
    "enterprises": pl.Int64,
    "top_share": pl.Float64,
}
CONTRIBUTION_SCHEMA: dict[str, Any] = {
    "enterprise_id": pl.Int64,
    "zone_id": pl.Int64,
    "park_id": pl.Int64,
    "division": pl.Utf8,
    "value": pl.Int64,
    "base": pl.Int64,
    "change": pl.Int64,
    "pull_pp": pl.Float64,
    "contribution_pct": pl.Float64,
    "share": pl.Float64,
}

_RATE_SCALE = 10_000  # a rate as whole ten-thousandths: 0.2850 → 2850


def conform(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """The frame with exactly the schema's columns and types (a missing column is all null)."""
    if frame.width == 0:
        return pl.DataFrame(schema=schema)
    frame = frame.with_columns(
        pl.lit(None).alias(name) for name in schema if name not in frame.columns
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


@dataclass(frozen=True)
class Facts:
    """What the indicators are computed from (see the module's schemas).

    returns: accepted returns only (`RETURNS_SCHEMA`, whole units). enterprises: each enterprise
    with its zone, park (nullable), the zone's 6-digit region code, its industry class, division
    and section. roster: the 规上工业 roster, (enterprise_id, year). rates: value-added rates per
    (year, division), 0.2850 = 28.50 %. ppi: (period, division or null for all industry, index).
    """

    returns: pl.DataFrame
    enterprises: pl.DataFrame
    roster: pl.DataFrame
    rates: pl.DataFrame
    ppi: pl.DataFrame

    @classmethod
    def of(
        cls,
        *,
        returns: pl.DataFrame,
        enterprises: pl.DataFrame,
        roster: pl.DataFrame,
        rates: pl.DataFrame | None = None,
        ppi: pl.DataFrame | None = None,
    ) -> Facts:
        """Facts with every frame conformed to its schema (missing columns null, types cast)."""
        return cls(
            returns=conform(returns, RETURNS_SCHEMA),
            enterprises=conform(enterprises, ENTERPRISES_SCHEMA),
            roster=conform(roster, ROSTER_SCHEMA),
            rates=conform(rates if rates is not None else pl.DataFrame(), RATES_SCHEMA),
            ppi=conform(ppi if ppi is not None else pl.DataFrame(), PPI_SCHEMA),
        )


def is_published(month: Month) -> bool:
    """January alone is never published: it comes out with February as 1–2月."""
    return month.month != 1


# --- enterprise level ---------------------------------------------------------------------------


def _column(code: str, measure: str) -> str:
    return f"{code}__{measure}"


def _effective_rates(rates: pl.DataFrame, year: int) -> pl.LazyFrame:
    """Rates (whole ten-thousandths) for `year` and `year - 1`, each falling back on the other."""
    scaled = rates.lazy().select(
        pl.col("year").cast(pl.Int32),
        "division",
        (pl.col("rate").cast(pl.Float64) * _RATE_SCALE).round(0).cast(pl.Int64).alias("rate_bp"),
    )

    def of_year(which: int, name: str) -> pl.LazyFrame:
        return (
            scaled.filter(pl.col("year") == which)
            .select("division", pl.col("rate_bp").alias(name))
            .unique(subset="division", keep="first", maintain_order=True)
        )

    this, prior = of_year(year, "this"), of_year(year - 1, "prior")
    divisions = pl.concat([this.select("division"), prior.select("division")]).unique()
    both = divisions.join(this, on="division", how="left").join(prior, on="division", how="left")
    return pl.concat(
        [
            both.select(
                "division",
                pl.lit(year, dtype=pl.Int32).alias("year"),
                pl.coalesce("this", "prior").alias("rate_bp"),
            ),
            both.select(
                "division",
                pl.lit(year - 1, dtype=pl.Int32).alias("year"),
                pl.coalesce("prior", "this").alias("rate_bp"),
            ),
        ]
    )


def _half_up(amount: pl.Expr, rate_bp: pl.Expr) -> pl.Expr:
    """amount × rate / 10,000 rounded half away from zero, in integers (exact)."""
    half = _RATE_SCALE // 2
    return (
        pl.when(amount >= 0)
        .then((amount * rate_bp + half) // _RATE_SCALE)
        .otherwise(-((-amount * rate_bp + half) // _RATE_SCALE))
    )


def _divide_half_up(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator (> 0) rounded half away from zero, in integers: a value added at
    last year's prices is kept to the yuan, so every cell is the exact sum of its enterprises."""
    return (
        pl.when(numerator >= 0)
        .then((2 * numerator + denominator) // (2 * denominator))
        .otherwise(-((-2 * numerator + denominator) // (2 * denominator)))
    )


def _members(facts: Facts, year: int) -> pl.LazyFrame:
    """The year's roster enterprises with their slice keys (one column per slice kind)."""
    on_roster = facts.roster.lazy().filter(pl.col("year") == year).select("enterprise_id").unique()
    region = pl.col("region_code")
    return (
        facts.enterprises.lazy()
        .join(on_roster, on="enterprise_id", how="semi")
        .with_columns(
            region.str.slice(0, 2).alias("province"),
            # A zone directly under a province has no city.
            pl.when(region.str.slice(2, 2) != "00").then(region.str.slice(0, 4)).alias("city"),
            pl.col("zone_id").cast(pl.Utf8).alias("zone"),
            pl.col("park_id").cast(pl.Utf8).alias("park"),
            pl.concat_str(pl.col("zone_id").cast(pl.Utf8), pl.lit(":"), "division").alias(
                "zone_division"
            ),
        )
    )


def _paired(rows: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """同口径 month by month: a figure of last year's month counts in the base only where the
    enterprise reported that figure for the same month this year. A return missing this year then
    takes its month out of the base as well, instead of showing as a fall (a firm new to the
    roster, with no figures last year, still adds to this year's figure: it was not there)."""
    month_of_year = pl.col("period").dt.month().alias("month_of_year")
    reported = rows.filter(pl.col("period").dt.year() == year).select(
        "enterprise_id",
        month_of_year,
        *(pl.col(name).is_not_null().alias(f"{name}|reported") for name in RETURN_FIELDS),
    )
    is_this_year = pl.col("period").dt.year() == year
    return (
        rows.with_columns(month_of_year)
        .join(reported, on=["enterprise_id", "month_of_year"], how="left")
        .with_columns(
            pl.when(is_this_year | pl.col(f"{name}|reported").fill_null(False))
            .then(pl.col(name))
            .alias(name)
            for name in RETURN_FIELDS
        )
        .drop("month_of_year", *(f"{name}|reported" for name in RETURN_FIELDS))
    )


def _monthly_rows(facts: Facts, month: Month, members: pl.LazyFrame) -> pl.LazyFrame:
    """The members' returns of 1–N月 this year and last, with value added and its deflated form."""
    year, last = month.year, month.month
    this_year = pl.col("period").is_between(date(year, 1, 1), date(year, last, 1))
    last_year = pl.col("period").is_between(date(year - 1, 1, 1), date(year - 1, last, 1))
    ppi = facts.ppi.lazy().unique(subset=["period", "division"], keep="first", maintain_order=True)
    ppi_division = ppi.filter(pl.col("division").is_not_null()).select(
        "period", "division", pl.col("index").alias("ppi_division")
    )
    ppi_all = ppi.filter(pl.col("division").is_null()).select(
        "period", pl.col("index").alias("ppi_all")
    )
    return (
        _paired(
            facts.returns.lazy()
            .filter(this_year | last_year)
            .join(members.select("enterprise_id", "division"), on="enterprise_id", how="inner"),
            year,
        )
        .with_columns(pl.col("period").dt.year().cast(pl.Int32).alias("year"))
        .join(_effective_rates(facts.rates, year), on=["year", "division"], how="left")
        .with_columns(_half_up(pl.col("gross_output"), pl.col("rate_bp")).alias("value_added"))
        .join(ppi_division, on=["period", "division"], how="left")
        .join(ppi_all, on="period", how="left")
        .with_columns(
            _divide_half_up(
                pl.col("value_added") * 10_000,
                (pl.coalesce("ppi_division", "ppi_all", pl.lit(100.0)) * 100)
                .round(0)
                .cast(pl.Int64),
            ).alias("value_added_comparable"),
            (pl.col("year") == year).alias("is_this_year"),
            (pl.col("period").dt.month() == last).alias("is_last_month"),
        )
    )


def _masked(codes: tuple[str, ...]) -> list[pl.Expr]:
    """For each indicator, its value in each measure's months (null outside them)."""
    this, last = pl.col("is_this_year"), pl.col("is_last_month")
    masks = {
        "month_value": this & last,
        "month_base": ~this & last,
        "ytd_value": this,
        "ytd_base": ~this,
    }
    stock_masks = {**masks, "ytd_value": this & last, "ytd_base": ~this & last}
    exprs: list[pl.Expr] = []
    for code in codes:
        indicator = BY_CODE[code]
        source = pl.col("value_added" if indicator.kind == VALUE_ADDED else str(indicator.field))
        chosen = stock_masks if indicator.kind == STOCK else masks
        exprs += [
            pl.when(mask).then(source).alias(_column(code, measure))
            for measure, mask in chosen.items()
        ]
        if indicator.kind == VALUE_ADDED:
            comparable = pl.col("value_added_comparable")
            exprs += [
                pl.when(this).then(comparable).alias(_column(code, "ytd_comparable")),
                pl.when(this & last).then(comparable).alias(_column(code, "month_comparable")),
            ]
    return exprs


def _enterprise_rows(
    facts: Facts, month: Month, members: pl.LazyFrame, codes: tuple[str, ...]
) -> pl.LazyFrame:
    """One wide row per member: each indicator's measures, null where nothing was reported."""
    masked = _masked(codes)
    names = [expr.meta.output_name() for expr in masked]
    per_enterprise = (
        _monthly_rows(facts, month, members)
        .select("enterprise_id", *masked)
        .group_by("enterprise_id")
        .agg(
            pl.col(names).sum(),
            pl.col(names).count().name.suffix("__n"),
        )
        # A sum over no reported value is null, not 0: the enterprise did not report it.
        .select(
            "enterprise_id",
            *(pl.when(pl.col(f"{name}__n") > 0).then(pl.col(name)).alias(name) for name in names),
        )
    )
    return members.join(per_enterprise, on="enterprise_id", how="left")


def _codes() -> tuple[str, ...]:
    return tuple(indicator.code for indicator in COMPUTED)


# --- the indicator table ------------------------------------------------------------------------


def _cells(wide: pl.LazyFrame, kind: str, codes: tuple[str, ...]) -> pl.LazyFrame:
    sums = [
        pl.col(_column(code, measure)).sum()
        for code in codes
        for measure in MEASURES + (COMPARABLE if BY_CODE[code].kind == VALUE_ADDED else ())
    ]
    shape = [
        expr
        for code in codes
        for expr in (
            pl.col(_column(code, "ytd_value")).count().alias(_column(code, "enterprises")),
            pl.col(_column(code, "ytd_value")).abs().max().alias(_column(code, "top")),
            pl.col(_column(code, "ytd_value")).abs().sum().alias(_column(code, "abs")),
        )
    ]
    return (
        wide.filter(pl.col(kind).is_not_null())
        .group_by(kind)
        .agg(*sums, *shape)
        .select(pl.lit(kind).alias("slice_kind"), pl.col(kind).alias("slice_key"), pl.all())
        .drop(kind)
    )


def _long(cells: pl.DataFrame, codes: tuple[str, ...], month: Month) -> pl.DataFrame:
    """One row per indicator from the cells' wide rows, in TABLE_SCHEMA."""
    monthly = month.month != 2  # 1–2月 only: no month of its own in February

    def measure(code: str, name: str, dtype: Any) -> pl.Expr:
        present = name in MEASURES or BY_CODE[code].kind == VALUE_ADDED
        if not present or (name.startswith("month_") and not monthly):
            return pl.lit(None, dtype=dtype).alias(name)
        return pl.col(_column(code, name)).cast(dtype).alias(name)

    frames = [
        cells.select(
            "slice_kind",
            "slice_key",
            pl.lit(code).alias("indicator"),
            *(measure(code, name, TABLE_SCHEMA[name]) for name in MEASURES + COMPARABLE),
            pl.col(_column(code, "enterprises")).cast(pl.Int64).alias("enterprises"),
            pl.when(pl.col(_column(code, "abs")) > 0)
            .then(pl.col(_column(code, "top")) / pl.col(_column(code, "abs")))
            .cast(pl.Float64)
            .alias("top_share"),
            pl.col(_column(code, "top")).cast(pl.Int64).alias("top_value"),
            pl.col(_column(code, "abs")).cast(pl.Int64).alias("abs_value"),
        )
        for code in codes
    ]
    if not frames:
        return pl.DataFrame(schema=TABLE_SCHEMA)
    kind_order = pl.col("slice_kind").replace_strict(
        {kind: index for index, kind in enumerate(SLICE_KINDS)}, return_dtype=pl.Int32
    )
    code_order = pl.col("indicator").replace_strict(
        {code: index for index, code in enumerate(codes)}, return_dtype=pl.Int32
    )
    return pl.concat(frames).sort(kind_order, "slice_key", code_order)


def indicator_table(facts: Facts, month: Month) -> pl.DataFrame:
    """Every computed indicator for every slice of the province in `month` (see the module doc).

    Columns (TABLE_SCHEMA): slice_kind, slice_key (province "14", city "1406", zone/park id,
    section "C", division "30", zone_division "<zone id>:30"), indicator, month_value,
    month_base, ytd_value, ytd_base (Int64 whole units), ytd_comparable and month_comparable
    (value added at last year's prices, Int64, else null), enterprises (enterprises of the cell
    with a 1–N月 value for the indicator), top_share (the largest enterprise's share of the cell's
    1–N月 value, by absolute values, 0–1), top_value and abs_value (what top_share is made of).
    Empty for January.
    """
    if not is_published(month):
        return pl.DataFrame(schema=TABLE_SCHEMA)
    codes = _codes()
    # Collected once: every slice reads it (a lazy plan would be recomputed for each).
    wide = _enterprise_rows(facts, month, _members(facts, month.year), codes).collect().lazy()
    cells = pl.concat(pl.collect_all([_cells(wide, kind, codes) for kind in SLICE_KINDS]))
    return _long(cells, codes, month)


def ratio_table(table: pl.DataFrame) -> pl.DataFrame:
    """The ratio indicators (产品销售率) of an indicator table, in per cent (RATIO_SCHEMA).

    Each is its numerator's sum over its denominator's × 100 in each measure; a cell counts as
    few enterprises and as dominated as the more revealing of its two parts.
    """
    keys = ["slice_kind", "slice_key"]
    frames = []
    for indicator in RATIOS:
        assert indicator.ratio_of is not None
        numerator, denominator = indicator.ratio_of
        parts = table.filter(pl.col("indicator") == numerator).join(
            table.filter(pl.col("indicator") == denominator),
            on=keys,
            how="inner",
            suffix="_den",
        )
        frames.append(
            parts.select(
                *keys,
                pl.lit(indicator.code).alias("indicator"),
                *(
                    pl.when(pl.col(f"{name}_den") != 0)
                    .then(pl.col(name).cast(pl.Float64) * 100.0 / pl.col(f"{name}_den"))
                    .alias(name)
                    for name in MEASURES
                ),
                pl.min_horizontal("enterprises", "enterprises_den").alias("enterprises"),
                pl.max_horizontal("top_share", "top_share_den").alias("top_share"),
            )
        )
    if not frames:
        return pl.DataFrame(schema=RATIO_SCHEMA)
    return conform(pl.concat(frames), RATIO_SCHEMA)


def _growth(value: str, base: str) -> pl.Expr:
    return (
        pl.when(pl.col(base) != 0)
        .then((pl.col(value).cast(pl.Float64) / pl.col(base) - 1.0) * 100.0)
        .otherwise(None)
    )


def with_growth(table: pl.DataFrame) -> pl.DataFrame:
    """The table with month_growth, ytd_growth and ytd_comparable_growth (%; null on a 0 base)."""
    return table.with_columns(
        _growth("month_value", "month_base").alias("month_growth"),
        _growth("ytd_value", "ytd_base").alias("ytd_growth"),
        _growth("ytd_comparable", "ytd_base").alias("ytd_comparable_growth"),
    )


# --- drill-down ---------------------------------------------------------------------------------


def contributions(
    facts: Facts,
    month: Month,
    *,
    indicator: str,
    slice_kind: str | None = None,
    slice_key: str | None = None,
    cumulative: bool = True,
) -> pl.DataFrame:
    """The enterprises that make one cell's figure, with their contribution to its growth.

    value / base: the enterprise's 1–N月 (or, `cumulative=False`, the month's) figure this year
    and in the same months of the year before; change = value − base (null counted as 0);
    pull_pp (拉动, percentage points) = change / B × 100 and contribution_pct (贡献率) = change /
    (C − B) × 100, where C and B are the cell's totals: the pulls add up to the cell's growth in
    per cent, the contributions to 100. share = value / C. Largest change first.
    """
    if slice_kind is not None and slice_kind not in SLICE_KINDS:
        raise ValueError(f"unknown slice kind: {slice_kind}")
    if indicator not in BY_CODE or BY_CODE[indicator] not in COMPUTED:
        raise ValueError(f"not an additive indicator computed from returns: {indicator}")
    if not is_published(month) or (not cumulative and month.month == 2):
        return pl.DataFrame(schema=CONTRIBUTION_SCHEMA)
    members = _members(facts, month.year)
    if slice_kind is not None:
        members = members.filter(pl.col(slice_kind) == slice_key)
    wide = _enterprise_rows(facts, month, members, (indicator,))
    prefix = "ytd" if cumulative else "month"
    value, base = _column(indicator, f"{prefix}_value"), _column(indicator, f"{prefix}_base")
    rows = (
        wide.filter(pl.col(value).is_not_null() | pl.col(base).is_not_null())
        .select(
            "enterprise_id",
            "zone_id",
            "park_id",
            "division",
            pl.col(value).alias("value"),
            pl.col(base).alias("base"),
            (pl.col(value).fill_null(0) - pl.col(base).fill_null(0)).alias("change"),
        )
        .with_columns(
            pl.col("value").sum().alias("cell_value"), pl.col("base").sum().alias("cell_base")
        )
        .with_columns(
            pl.when(pl.col("cell_base") != 0)
            .then(pl.col("change") * 100.0 / pl.col("cell_base"))
            .alias("pull_pp"),
            pl.when(pl.col("cell_value") != pl.col("cell_base"))
            .then(pl.col("change") * 100.0 / (pl.col("cell_value") - pl.col("cell_base")))
            .alias("contribution_pct"),
            pl.when(pl.col("cell_value") != 0)
            .then(pl.col("value") / pl.col("cell_value"))
            .alias("share"),
        )
        .sort(["change", "enterprise_id"], descending=[True, False])
        .collect()
    )
    return conform(rows, CONTRIBUTION_SCHEMA)
