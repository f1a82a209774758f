"""The drill-down: the enterprises behind one cell, with their contribution to its growth."""

from __future__ import annotations

import polars as pl

from kaifaqu.core.lib.periods import Month
from kaifaqu.indicators.catalogue import BY_CODE, COMPUTED
from kaifaqu.indicators.engine.enterprise import (
    ESTIMATED,
    category_keys,
    enterprise_rows,
    roster_members,
    slice_column,
    wide_column,
    year_members,
)
from kaifaqu.indicators.engine.schemas import (
    CONTRIBUTION_SCHEMA,
    SLICE_KINDS,
    Facts,
    conform,
    is_published,
)


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
    per cent, the contributions to 100. share = value / C. is_estimate: the enterprise's figures
    include an estimated month (估算). Largest change first.
    """
    if slice_kind is not None and slice_kind not in SLICE_KINDS:
        raise ValueError(f"unknown slice kind: {slice_kind}")
    if indicator not in BY_CODE or BY_CODE[indicator] not in COMPUTED:
        raise ValueError(f"not an additive indicator computed from returns: {indicator}")
    if not is_published(month) or (not cumulative and month.month == 2):
        return pl.DataFrame(schema=CONTRIBUTION_SCHEMA)
    if slice_kind in ("category", "zone_category"):
        chosen = category_keys(facts, month.year).filter(pl.col(slice_kind) == slice_key)
        members = year_members(facts, month.year).join(
            chosen.select("enterprise_id"), on="enterprise_id", how="semi"
        )
    else:
        members = roster_members(facts, month.year)
        if slice_kind is not None:
            members = members.filter(pl.col(slice_column(slice_kind)) == slice_key)
    wide = enterprise_rows(facts, month, members, (indicator,))
    prefix = "ytd" if cumulative else "month"
    value, base = (
        wide_column(indicator, f"{prefix}_value"),
        wide_column(indicator, f"{prefix}_base"),
    )
    rows = (
        wide.filter(pl.col(value).is_not_null() | pl.col(base).is_not_null())
        .select(
            "enterprise_id",
            "zone_id",
            "park_id",
            "division",
            pl.col(wide_column(indicator, ESTIMATED)).fill_null(False).alias("is_estimate"),
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
