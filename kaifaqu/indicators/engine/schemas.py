"""The frames the engine reads (`Facts`) and writes (the indicator table), and their schemas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from kaifaqu.core.lib.periods import Month

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
    # An estimate (估算) the statistics office made for a firm that did not report: counted like
    # a return, and flagged in every cell it reaches.
    "is_estimate": pl.Boolean,
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
# category: the 四上 roster (StatCategory value); the main slices count "industry" (规上工业).
ROSTER_SCHEMA: dict[str, Any] = {"enterprise_id": pl.Int64, "year": pl.Int32, "category": pl.Utf8}
INDUSTRY = "industry"
# province: the 2-digit province code, null for the national reference.
RATES_SCHEMA: dict[str, Any] = {
    "province": pl.Utf8,
    "year": pl.Int32,
    "division": pl.Utf8,
    "rate": pl.Float64,
}
# province: the 2-digit province code; index: same month of the year before = 100; division
# null = all industry.
PPI_SCHEMA: dict[str, Any] = {
    "province": pl.Utf8,
    "period": pl.Date,
    "division": pl.Utf8,
    "index": pl.Float64,
}

SLICE_KINDS: tuple[str, ...] = (
    "province",
    "city",
    "zone",
    "park",
    "section",
    "division",
    "zone_division",
    "category",
    "zone_category",
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
    # Enterprises of the cell whose 1–N月 value or base includes an estimated month (含估算).
    "estimated": pl.Int64,
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
    "estimated": pl.Int64,
    "top_share": pl.Float64,
}
CONTRIBUTION_SCHEMA: dict[str, Any] = {
    "enterprise_id": pl.Int64,
    "zone_id": pl.Int64,
    "park_id": pl.Int64,
    "division": pl.Utf8,
    "is_estimate": pl.Boolean,
    "value": pl.Int64,
    "base": pl.Int64,
    "change": pl.Int64,
    "pull_pp": pl.Float64,
    "contribution_pct": pl.Float64,
    "share": pl.Float64,
}

RATE_SCALE = 10_000  # a rate as whole ten-thousandths: 0.2850 → 2850


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
    and section. roster: the 四上 rosters, (enterprise_id, year, category): the 规上工业 one
    ("industry") makes every slice but the categories'. rates: value-added rates per
    (province or null for national, year, division), 0.2850 = 28.50 %. ppi: (province, period,
    division or null for all industry, index).
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
            roster=conform(roster, ROSTER_SCHEMA).with_columns(
                pl.col("category").fill_null(INDUSTRY)
            ),
            rates=conform(rates if rates is not None else pl.DataFrame(), RATES_SCHEMA),
            ppi=conform(ppi if ppi is not None else pl.DataFrame(), PPI_SCHEMA),
        )


def is_published(month: Month) -> bool:
    """January alone is never published: it comes out with February as 1–2月."""
    return month.month != 1
