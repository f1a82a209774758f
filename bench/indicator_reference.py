"""The reference the indicator engine is measured against: the indicator table of a month written
directly in polars, as plainly as it can be, from the facts' frames alone.

It reads nothing of `kaifaqu.indicators.engine` but the `Facts` frames it is given, and
follows the methods (口径) of the catalogue: the enterprises of the month's year's 规上工业 roster;
1–N月 adds January..N (employees, a stock: month N's value); 同口径 bases are the same enterprises'
whole same months of the year before, whether or not they reported a month this year; a cell
counts its enterprises whose value or base read an estimated month (估算); January is not published, February only as 1–2月; value
added = gross output × the division's rate in force in the year computed (of that year, else of
the latest year before; the province's own, else the national one), the same for both years, per
enterprise and month rounded half up to the yuan; at comparable prices each month's value added
× 100 / PPI (of the province and division, else of the province's all industry), again rounded
half up to the yuan; with no index, nothing: a firm or cell with a month of value added but no
index has no comparable value.

The steps are the obvious ones: the returns of 1–N月 of the two years, joined with the rates and
indexes → one row per enterprise with a column per field and measure (a group_by over the months,
and the month's own rows) → a group_by per slice kind → one row per (cell, indicator).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

# Every indicator computed from returns but the ratio 产品销售率 (sales_rate); each is the Return
# field of its name, but value added, a column computed below from gross output.
INDICATORS = (
    "gross_output",
    "sales_output",
    "value_added",
    "revenue",
    "total_profit",
    "taxes",
    "electricity",
    "employees",
)
STOCKS = ("employees",)
SLICES = ("province", "city", "zone", "park", "section", "division", "zone_division")
# The 四上 categories: every enterprise on the category's roster (an enterprise on two counts in
# both), in the province and in each zone.
CATEGORY_SLICES = ("category", "zone_category")
MEASURES = ("month_value", "month_base", "ytd_value", "ytd_base")
COLUMNS: dict[str, Any] = {
    "slice_kind": pl.Utf8,
    "slice_key": pl.Utf8,
    "indicator": pl.Utf8,
    **{name: pl.Int64 for name in MEASURES},
    "ytd_comparable": pl.Int64,
    "month_comparable": pl.Int64,
    "enterprises": pl.Int64,
    "estimated": pl.Int64,
    "top_share": pl.Float64,
    "top_value": pl.Int64,
    "abs_value": pl.Int64,
}


def round_half_up(numerator: pl.Expr, denominator: pl.Expr | int) -> pl.Expr:
    """numerator / denominator (> 0) rounded to the nearest integer, halves away from zero,
    in integers: |n| / d + 1/2 floored, with n's sign."""
    return (numerator.abs() * 2 + denominator) // (denominator * 2) * numerator.sign()


def reference_table(facts: Any, year: int, month: int) -> pl.DataFrame:
    """The indicator table of `year`-`month`: one row per (slice_kind, slice_key, indicator)."""
    if month == 1:
        return pl.DataFrame(schema=COLUMNS)
    members, categories = _members(facts, year), _category_members(facts, year)
    # Every enterprise on a roster once (with its division, for the rates).
    everyone = categories.select("enterprise_id", "division", "p").unique()
    figures = _firm_figures(facts, everyone, year, month).drop("division", "p")
    firms = members.join(figures, on="enterprise_id", how="left")
    in_categories = categories.join(figures, on="enterprise_id", how="left")
    table = pl.concat(
        [_cells(firms, kind) for kind in SLICES]
        + [_cells(in_categories, kind) for kind in CATEGORY_SLICES]
    ).with_columns(
        pl.when(pl.col("abs_value") > 0)
        .then(pl.col("top_value") / pl.col("abs_value"))
        .alias("top_share"),
    )
    if month == 2:  # 1–2月 only
        table = table.with_columns(
            pl.lit(None).alias(name) for name in ("month_value", "month_base", "month_comparable")
        )
    return table.select(pl.col(name).cast(dtype) for name, dtype in COLUMNS.items())


def _members(facts: Any, year: int) -> pl.DataFrame:
    """This year's 规上工业 roster enterprises, with the key of each slice they fall in (null:
    none)."""
    roster = (
        facts.roster.filter((pl.col("year") == year) & (pl.col("category") == "industry"))
        .select("enterprise_id")
        .unique()
    )
    region = pl.col("region_code")
    zone = pl.col("zone_id").cast(pl.Utf8)
    return facts.enterprises.join(roster, on="enterprise_id", how="inner").select(
        "enterprise_id",
        "division",
        region.str.slice(0, 2).alias("p"),
        region.str.slice(0, 2).alias("province"),
        # A zone whose region is the province itself (14 00 00) is in no city.
        pl.when(region.str.slice(2, 2) != "00").then(region.str.slice(0, 4)).alias("city"),
        zone.alias("zone"),
        pl.col("park_id").cast(pl.Utf8).alias("park"),
        "section",
        pl.concat_str(zone, pl.lit(":"), pl.col("division")).alias("zone_division"),
    )


def _category_members(facts: Any, year: int) -> pl.DataFrame:
    """One row per enterprise and roster of the year, keyed by category and zone:category."""
    roster = facts.roster.filter(pl.col("year") == year).select("enterprise_id", "category")
    return facts.enterprises.join(roster.unique(), on="enterprise_id", how="inner").select(
        "enterprise_id",
        "division",
        pl.col("region_code").str.slice(0, 2).alias("p"),
        "category",
        pl.concat_str(pl.col("zone_id").cast(pl.Utf8), pl.lit(":"), "category").alias(
            "zone_category"
        ),
    )


def _monthly(facts: Any, members: pl.DataFrame, year: int, month: int) -> pl.LazyFrame:
    """The members' returns of 1–N月 of both years, with value added and its comparable value."""
    in_year = pl.col("period").is_between(date(year, 1, 1), date(year, month, 1))
    in_base = pl.col("period").is_between(date(year - 1, 1, 1), date(year - 1, month, 1))
    # The rate in force: the latest year up to `year`, the province's own before the national.
    in_force = (
        facts.rates.filter(pl.col("year") <= year)
        .sort("year")
        .group_by("province", "division")
        .agg((pl.col("rate").last() * 10_000).round(0).cast(pl.Int64).alias("bp"))
    )
    own = in_force.filter(pl.col("province").is_not_null()).select(
        pl.col("province").alias("p"), "division", pl.col("bp").alias("r_own")
    )
    national = in_force.filter(pl.col("province").is_null()).select(
        "division", pl.col("bp").alias("r_national")
    )
    ppi_division = facts.ppi.filter(pl.col("division").is_not_null()).select(
        pl.col("province").alias("p"), "period", "division", pl.col("index").alias("ppi_division")
    )
    ppi_all = facts.ppi.filter(pl.col("division").is_null()).select(
        pl.col("province").alias("p"), "period", pl.col("index").alias("ppi_all")
    )
    rows = (
        facts.returns.lazy()
        .filter(in_year | in_base)
        .join(members.lazy().select("enterprise_id", "division", "p"), on="enterprise_id")
        .join(own.lazy(), on=["p", "division"], how="left")
        .join(national.lazy(), on="division", how="left")
        .join(ppi_division.lazy(), on=["p", "period", "division"], how="left")
        .join(ppi_all.lazy(), on=["p", "period"], how="left")
    )
    this_year = pl.col("period").dt.year() == year
    # 同口径: each firm's whole same period of last year, whatever it reported this year.
    rate = pl.coalesce("r_own", "r_national")
    # The index in hundredths (stored with 2 decimals): VA × 100 / (h / 100) = VA × 10,000 / h.
    hundredths = (pl.coalesce("ppi_division", "ppi_all") * 100).round(0)
    rows = rows.with_columns(
        round_half_up(pl.col("gross_output") * rate, 10_000).alias("value_added")
    )
    return rows.with_columns(
        round_half_up(pl.col("value_added") * 10_000, hundredths.cast(pl.Int64)).alias(
            "comparable"
        ),
        this_year.alias("this_year"),
        (pl.col("period").dt.month() == month).alias("last_month"),
    )


def _total(column: str) -> pl.Expr:
    """The sum of an enterprise's values, null when it reported none; the comparable value
    null as well when a month with value added has none (no price index)."""
    total: pl.Expr = pl.when(pl.col(column).is_not_null().any()).then(pl.col(column).sum())
    if column == "comparable":
        gap = (pl.col("value_added").is_not_null() & pl.col("comparable").is_null()).any()
        total = pl.when(gap).then(None).otherwise(total)
    return total.alias(column)


def _firm_figures(facts: Any, members: pl.DataFrame, year: int, month: int) -> pl.DataFrame:
    """One row per member: its columns and a column `<field>|<measure>` per field (the
    indicators' and `comparable`) and measure."""
    rows = _monthly(facts, members, year, month).collect()
    fields = [*INDICATORS, "comparable"]

    def named(frame: pl.DataFrame, measure: str) -> pl.DataFrame:
        return frame.select(
            "enterprise_id", *(pl.col(name).alias(f"{name}|{measure}") for name in fields)
        )

    this, base = rows.filter(pl.col("this_year")), rows.filter(~pl.col("this_year"))
    # One return per enterprise and month: month N's rows are the month's values.
    measures = [
        named(this.filter(pl.col("last_month")), "month_value"),
        named(base.filter(pl.col("last_month")), "month_base"),
        named(this.group_by("enterprise_id").agg(_total(name) for name in fields), "ytd_value"),
        named(base.group_by("enterprise_id").agg(_total(name) for name in fields), "ytd_base"),
    ]
    # Estimated (估算): an estimated month with the figure among those 1–N月 reads (a stock's: N).
    flagged = rows.with_columns(pl.col("is_estimate").fill_null(False)).group_by("enterprise_id")
    estimated = flagged.agg(
        (
            pl.col("is_estimate")
            & pl.col(name).is_not_null()
            & (pl.col("last_month") if name in STOCKS else pl.lit(True))
        )
        .any()
        .alias(f"{name}|estimated")
        for name in INDICATORS
    )
    firms = members
    for frame in [*measures, estimated]:
        firms = firms.join(frame, on="enterprise_id", how="left")
    # Employees, a stock: 1–N月 is month N.
    return firms.with_columns(
        pl.col(f"{name}|month_{which}").alias(f"{name}|ytd_{which}")
        for name in STOCKS
        for which in ("value", "base")
    )


def _cells(firms: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The slice kind's cells: a group_by of the members, then one row per indicator."""
    measured = [name for name in firms.columns if "|" in name]
    ytd = [pl.col(f"{code}|ytd_value") for code in INDICATORS]
    cells = (
        firms.filter(pl.col(kind).is_not_null())
        .group_by(kind)
        .agg(
            pl.col(measured).sum(),
            *(value.count().name.suffix("|enterprises") for value in ytd),
            *(value.abs().max().name.suffix("|top_value") for value in ytd),
            *(value.abs().sum().name.suffix("|abs_value") for value in ytd),
        )
    )
    comparable = {
        "ytd_comparable": "comparable|ytd_value",
        "month_comparable": "comparable|month_value",
    }
    # A cell's comparable value: only when every firm with value added has one.
    complete = {
        column: firms.filter(pl.col(kind).is_not_null())
        .group_by(kind)
        .agg(
            (
                pl.col(column).count()
                == pl.col(column.replace("comparable", "value_added")).count()
            ).alias(f"{column}|complete")
        )
        for column in comparable.values()
    }
    for frame in complete.values():
        cells = cells.join(frame, on=kind, how="left")
    return pl.concat(
        cells.select(
            pl.lit(kind).alias("slice_kind"),
            pl.col(kind).alias("slice_key"),
            pl.lit(code).alias("indicator"),
            *(pl.col(f"{code}|{measure}").alias(measure) for measure in MEASURES),
            *(
                (
                    pl.when(pl.col(f"{column}|complete")).then(pl.col(column))
                    if code == "value_added"
                    else pl.lit(None, pl.Int64)
                ).alias(name)
                for name, column in comparable.items()
            ),
            *(
                pl.col(f"{code}|ytd_value|{name}").cast(pl.Int64).alias(name)
                for name in ("enterprises", "top_value", "abs_value")
            ),
            # Booleans summed: the firms flagged.
            pl.col(f"{code}|estimated").cast(pl.Int64).fill_null(0).alias("estimated"),
        )
        for code in INDICATORS
    )
