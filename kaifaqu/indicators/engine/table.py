"""The indicator table: the slices as group_bys of the enterprises' wide rows, one row per
indicator; ratios and growth on top of it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from kaifaqu.core.lib.periods import Month
from kaifaqu.indicators.catalogue import BY_CODE, RATIOS, VALUE_ADDED
from kaifaqu.indicators.engine.enterprise import (
    ESTIMATED,
    category_keys,
    computed_codes,
    enterprise_rows,
    slice_column,
    wide_column,
    year_members,
)
from kaifaqu.indicators.engine.schemas import (
    COMPARABLE,
    MEASURES,
    RATIO_SCHEMA,
    SLICE_KINDS,
    TABLE_SCHEMA,
    Facts,
    conform,
    is_published,
)

# Slices of a 四上 category: each roster's enterprises, whatever else they are on.
_CATEGORY_KINDS = ("category", "zone_category")


def _comparable_sum(code: str, measure: str) -> pl.Expr:
    """A cell's value added at comparable prices: the sum over its enterprises when every one
    with value added has it deflated, else null (flagged: no price index for part of the cell;
    a sum of a part would pass for a fall)."""
    comparable = pl.col(wide_column(code, measure))
    value = pl.col(wide_column(code, measure.replace("_comparable", "_value")))
    return (
        pl.when(comparable.count() == value.count())
        .then(comparable.sum())
        .alias(wide_column(code, measure))
    )


def _cells(wide: pl.LazyFrame, kind: str, codes: tuple[str, ...]) -> pl.LazyFrame:
    sums = [
        *(pl.col(wide_column(code, measure)).sum() for code in codes for measure in MEASURES),
        *(
            _comparable_sum(code, measure)
            for code in codes
            if BY_CODE[code].kind == VALUE_ADDED
            for measure in COMPARABLE
        ),
    ]
    shape = [
        expr
        for code in codes
        for expr in (
            pl.col(wide_column(code, "ytd_value")).count().alias(wide_column(code, "enterprises")),
            pl.col(wide_column(code, ESTIMATED)).sum().alias(wide_column(code, ESTIMATED)),
            pl.col(wide_column(code, "ytd_value")).abs().max().alias(wide_column(code, "top")),
            pl.col(wide_column(code, "ytd_value")).abs().sum().alias(wide_column(code, "abs")),
        )
    ]
    column = slice_column(kind)
    return (
        wide.filter(pl.col(column).is_not_null())
        .group_by(column)
        .agg(*sums, *shape)
        .select(pl.lit(kind).alias("slice_kind"), pl.col(column).alias("slice_key"), pl.all())
        .drop(column)
    )


def _long(cells: pl.DataFrame, codes: tuple[str, ...], month: Month) -> pl.DataFrame:
    """One row per indicator from the cells' wide rows, in TABLE_SCHEMA."""
    monthly = month.month != 2  # 1–2月 only: no month of its own in February

    def measure(code: str, name: str, dtype: Any) -> pl.Expr:
        present = name in MEASURES or BY_CODE[code].kind == VALUE_ADDED
        if not present or (name.startswith("month_") and not monthly):
            return pl.lit(None, dtype=dtype).alias(name)
        return pl.col(wide_column(code, name)).cast(dtype).alias(name)

    frames = [
        cells.select(
            "slice_kind",
            "slice_key",
            pl.lit(code).alias("indicator"),
            *(measure(code, name, TABLE_SCHEMA[name]) for name in MEASURES + COMPARABLE),
            pl.col(wide_column(code, "enterprises")).cast(pl.Int64).alias("enterprises"),
            pl.col(wide_column(code, ESTIMATED)).fill_null(0).cast(pl.Int64).alias(ESTIMATED),
            pl.when(pl.col(wide_column(code, "abs")) > 0)
            .then(pl.col(wide_column(code, "top")) / pl.col(wide_column(code, "abs")))
            .cast(pl.Float64)
            .alias("top_share"),
            pl.col(wide_column(code, "top")).cast(pl.Int64).alias("top_value"),
            pl.col(wide_column(code, "abs")).cast(pl.Int64).alias("abs_value"),
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


def indicator_table(facts: Facts, month: Month, kinds: Sequence[str] = SLICE_KINDS) -> pl.DataFrame:
    """Every computed indicator for every slice of the province in `month` (see the module doc),
    or for the slices of these kinds only (a zone's roll-up: its own slices).

    Columns (TABLE_SCHEMA): slice_kind, slice_key (province "14", city "1406", zone/park id,
    section "C", division "30", zone_division "<zone id>:30", category "industry", zone_category
    "<zone id>:industry"), indicator, month_value,
    month_base, ytd_value, ytd_base (Int64 whole units), ytd_comparable and month_comparable
    (value added at last year's prices, Int64; null for other indicators, and null for value
    added where an enterprise of the cell has no price index), enterprises (enterprises of the cell
    with a 1–N月 value for the indicator), estimated (those of them whose 1–N月 value or base
    includes an estimated month, 含估算), top_share (the largest enterprise's share of the cell's
    1–N月 value, by absolute values, 0–1), top_value and abs_value (what top_share is made of).
    Empty for January.
    """
    if not is_published(month):
        return pl.DataFrame(schema=TABLE_SCHEMA)
    codes = computed_codes()
    # Collected once: every slice reads it (a lazy plan would be recomputed for each).
    wide = enterprise_rows(facts, month, year_members(facts, month.year), codes).collect().lazy()
    by_category = wide.join(category_keys(facts, month.year), on="enterprise_id")
    cells = pl.concat(
        pl.collect_all(
            [
                _cells(by_category if kind in _CATEGORY_KINDS else wide, kind, codes)
                for kind in SLICE_KINDS
                if kind in kinds
            ]
        )
    )
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
                pl.max_horizontal("estimated", "estimated_den").alias("estimated"),
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
