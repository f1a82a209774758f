"""The enterprise level: each roster enterprise's months reduced to one wide row of measures."""

from __future__ import annotations

from datetime import date

import polars as pl

from kaifaqu.core.lib.periods import Month
from kaifaqu.indicators.catalogue import BY_CODE, COMPUTED, STOCK, VALUE_ADDED
from kaifaqu.indicators.engine.schemas import (
    INDUSTRY,
    RATE_SCALE,
    Facts,
)

# The wide column flagging an enterprise whose figures of an indicator include an estimate.
ESTIMATED = "estimated"


def wide_column(code: str, measure: str) -> str:
    return f"{code}__{measure}"


def _effective_rates(rates: pl.DataFrame, year: int) -> pl.LazyFrame:
    """The rate (whole ten-thousandths) in force in `year` for each (province, division), the
    national ones with a null province: the rate of `year`, else of the latest year before it.

    It is applied to this year's gross output and to last year's alike: a change of rate from one
    year to the next never shows as growth of value added.
    """
    return (
        rates.lazy()
        .filter(pl.col("year") <= year)
        .sort("year", descending=True, maintain_order=True)
        .unique(subset=["province", "division"], keep="first", maintain_order=True)
        .select(
            "province",
            "division",
            (pl.col("rate").cast(pl.Float64) * RATE_SCALE).round(0).cast(pl.Int64).alias("rate_bp"),
        )
    )


def _with_rates(rows: pl.LazyFrame, rates: pl.DataFrame, year: int) -> pl.LazyFrame:
    """`rate_bp` of each row: its province's own rate for the division where the province has
    one (of `year` or an earlier year), else the national one; null where neither exists."""
    effective = _effective_rates(rates, year)
    own = effective.filter(pl.col("province").is_not_null()).select(
        pl.col("province").alias("home_province"), "division", pl.col("rate_bp").alias("rate_own")
    )
    national = effective.filter(pl.col("province").is_null()).select(
        "division", pl.col("rate_bp").alias("rate_national")
    )
    return (
        rows.join(own, on=["home_province", "division"], how="left")
        .join(national, on="division", how="left")
        .with_columns(pl.coalesce("rate_own", "rate_national").alias("rate_bp"))
        .drop("rate_own", "rate_national")
    )


def _with_price_index(rows: pl.LazyFrame, ppi: pl.DataFrame) -> pl.LazyFrame:
    """`ppi` of each row: the index of its month in its province for its division, else its
    province's all-industry index; null where the province has neither (another province's
    index is never used, and nothing is deflated by 100 for want of an index)."""
    indexes = ppi.lazy().unique(
        subset=["province", "period", "division"], keep="first", maintain_order=True
    )
    by_division = indexes.filter(pl.col("division").is_not_null()).select(
        pl.col("province").alias("home_province"),
        "period",
        "division",
        pl.col("index").alias("ppi_division"),
    )
    all_industry = indexes.filter(pl.col("division").is_null()).select(
        pl.col("province").alias("home_province"), "period", pl.col("index").alias("ppi_all")
    )
    return (
        rows.join(by_division, on=["home_province", "period", "division"], how="left")
        .join(all_industry, on=["home_province", "period"], how="left")
        .with_columns(pl.coalesce("ppi_division", "ppi_all").alias("ppi"))
        .drop("ppi_division", "ppi_all")
    )


def _half_up(amount: pl.Expr, rate_bp: pl.Expr) -> pl.Expr:
    """amount × rate / 10,000 rounded half away from zero, in integers (exact)."""
    half = RATE_SCALE // 2
    return (
        pl.when(amount >= 0)
        .then((amount * rate_bp + half) // RATE_SCALE)
        .otherwise(-((-amount * rate_bp + half) // RATE_SCALE))
    )


def _divide_half_up(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator (> 0) rounded half away from zero, in integers: a value added at
    last year's prices is kept to the yuan, so every cell is the exact sum of its enterprises."""
    return (
        pl.when(numerator >= 0)
        .then((2 * numerator + denominator) // (2 * denominator))
        .otherwise(-((-2 * numerator + denominator) // (2 * denominator)))
    )


def slice_column(kind: str) -> str:
    """The members' column holding a slice kind's key (section and division are also the
    enterprise's own industry, which value added needs for every member)."""
    return {"section": "section_key", "division": "division_key"}.get(kind, kind)


def _on_roster(facts: Facts, year: int, category: str | None) -> pl.LazyFrame:
    roster = facts.roster.lazy().filter(pl.col("year") == year)
    if category is not None:
        roster = roster.filter(pl.col("category") == category)
    return roster.select("enterprise_id").unique()


def _with_slice_keys(members: pl.LazyFrame, counted: pl.Expr) -> pl.LazyFrame:
    """One column per slice kind but the categories', null where `counted` is false."""
    region = pl.col("region_code")

    def key(expr: pl.Expr) -> pl.Expr:
        return pl.when(counted).then(expr)

    return members.with_columns(
        key(region.str.slice(0, 2)).alias("province"),
        # A zone directly under a province has no city.
        key(pl.when(region.str.slice(2, 2) != "00").then(region.str.slice(0, 4))).alias("city"),
        key(pl.col("zone_id").cast(pl.Utf8)).alias("zone"),
        key(pl.col("park_id").cast(pl.Utf8)).alias("park"),
        key(pl.col("section")).alias("section_key"),
        key(pl.col("division")).alias("division_key"),
        key(pl.concat_str(pl.col("zone_id").cast(pl.Utf8), pl.lit(":"), "division")).alias(
            "zone_division"
        ),
    )


def roster_members(facts: Facts, year: int) -> pl.LazyFrame:
    """The year's 规上工业 roster enterprises with their slice keys (one column per slice kind;
    `section_key`/`division_key` for the section and division slices)."""
    return _with_slice_keys(
        facts.enterprises.lazy().join(
            _on_roster(facts, year, INDUSTRY), on="enterprise_id", how="semi"
        ),
        pl.lit(True),
    )


def year_members(facts: Facts, year: int) -> pl.LazyFrame:
    """Every enterprise on one of the year's rosters: the slice keys only for those on the
    规上工业 roster (the others count in their categories' slices alone)."""
    industry = _on_roster(facts, year, INDUSTRY).with_columns(pl.lit(True).alias("_industry"))
    return _with_slice_keys(
        facts.enterprises.lazy()
        .join(_on_roster(facts, year, None), on="enterprise_id", how="semi")
        .join(industry, on="enterprise_id", how="left"),
        pl.col("_industry").fill_null(False),
    ).drop("_industry")


def category_keys(facts: Facts, year: int) -> pl.LazyFrame:
    """(enterprise_id, category, zone_category) for each roster an enterprise is on in the year:
    an enterprise on two rosters counts in both categories."""
    return (
        facts.roster.lazy()
        .filter(pl.col("year") == year)
        .select("enterprise_id", "category")
        .unique()
        .join(facts.enterprises.lazy().select("enterprise_id", "zone_id"), on="enterprise_id")
        .select(
            "enterprise_id",
            "category",
            pl.concat_str(pl.col("zone_id").cast(pl.Utf8), pl.lit(":"), "category").alias(
                "zone_category"
            ),
        )
    )


def _paired(rows: pl.LazyFrame) -> pl.LazyFrame:
    """同口径: this year's roster, each enterprise's WHOLE same period of last year in the base.

    A month an enterprise has not reported this year does not shrink last year's base: leaving it
    out would make a falling division look as if it grew. The missing return is chased, or
    estimated (估算) and flagged, and until then the month shows as the fall it is. A firm new to
    the roster, without figures last year, adds to this year's figure only: it was not there.
    `is_estimate` (rows estimated by the statistics office, not reported) is false where the
    facts do not say.
    """
    return rows.with_columns(pl.col("is_estimate").fill_null(False))


def _monthly_rows(facts: Facts, month: Month, members: pl.LazyFrame) -> pl.LazyFrame:
    """The members' returns of 1–N月 this year and last, with value added and its deflated form
    (null where the enterprise's province has no index for the month)."""
    year, last = month.year, month.month
    this_year = pl.col("period").is_between(date(year, 1, 1), date(year, last, 1))
    last_year = pl.col("period").is_between(date(year - 1, 1, 1), date(year - 1, last, 1))
    rows = _paired(
        facts.returns.lazy()
        .filter(this_year | last_year)
        .join(
            members.select(
                "enterprise_id",
                "division",
                pl.col("region_code").str.slice(0, 2).alias("home_province"),
            ),
            on="enterprise_id",
            how="inner",
        ),
    ).with_columns(pl.col("period").dt.year().cast(pl.Int32).alias("year"))
    return (
        _with_price_index(_with_rates(rows, facts.rates, year), facts.ppi)
        .with_columns(_half_up(pl.col("gross_output"), pl.col("rate_bp")).alias("value_added"))
        .with_columns(
            _divide_half_up(
                pl.col("value_added") * 10_000,
                (pl.col("ppi") * 100).round(0).cast(pl.Int64),
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
            pl.when(mask).then(source).alias(wide_column(code, measure))
            for measure, mask in chosen.items()
        ]
        # An estimated month (估算) among those the 1–N月 value or its base is made of.
        read = chosen["ytd_value"] | chosen["ytd_base"]
        exprs.append(
            (pl.col("is_estimate") & read & source.is_not_null()).alias(
                wide_column(code, ESTIMATED)
            )
        )
        if indicator.kind == VALUE_ADDED:
            comparable = pl.col("value_added_comparable")
            exprs += [
                pl.when(this).then(comparable).alias(wide_column(code, "ytd_comparable")),
                pl.when(this & last).then(comparable).alias(wide_column(code, "month_comparable")),
            ]
    return exprs


def enterprise_rows(
    facts: Facts, month: Month, members: pl.LazyFrame, codes: tuple[str, ...]
) -> pl.LazyFrame:
    """One wide row per member: each indicator's measures, null where nothing was reported."""
    masked = _masked(codes)
    flags = [wide_column(code, ESTIMATED) for code in codes]
    names = [name for expr in masked if (name := expr.meta.output_name()) not in flags]
    per_enterprise = (
        _monthly_rows(facts, month, members)
        .select("enterprise_id", *masked)
        .group_by("enterprise_id")
        .agg(
            pl.col(names).sum(),
            pl.col(names).count().name.suffix("__n"),
            pl.col(flags).any(),
        )
        # A sum over no reported value is null, not 0: the enterprise did not report it.
        .select(
            "enterprise_id",
            *(
                pl.when(_complete(name, pl.col(f"{name}__n"))).then(pl.col(name)).alias(name)
                for name in names
            ),
            *flags,
        )
    )
    return members.join(per_enterprise, on="enterprise_id", how="left")


def _complete(name: str, count: pl.Expr) -> pl.Expr:
    """Whether a measure summed over `count` months is whole: some month counted, and for value
    added at comparable prices, every month with value added deflated (a month without a price
    index would otherwise count at nothing)."""
    if name.endswith(_COMPARABLE_SUFFIXES):
        value = name.replace("_comparable", "_value")
        return (count > 0) & (count == pl.col(f"{value}__n"))
    return count > 0


_COMPARABLE_SUFFIXES = ("__ytd_comparable", "__month_comparable")


def computed_codes() -> tuple[str, ...]:
    return tuple(indicator.code for indicator in COMPUTED)
