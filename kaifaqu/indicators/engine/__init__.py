"""The indicator engine: the indicator table of a month from the facts, in polars, without the ORM.

`indicator_table(facts, month)` gives one row per (slice_kind, slice_key, indicator) with the
month's value, the 1–N月 value and their 同口径 bases, in exact whole units (Int64: yuan, kWh,
persons). How each figure is made:

- The enterprises counted are those on the month's year's 规上工业 roster, wherever they are; the
  base is the SAME enterprises in the same months of the year before (同口径), whether or not they
  were on last year's roster: entering or leaving the roster never creates growth. Each
  enterprise's whole same period counts, also a month it has not reported this year.
- Estimates (估算, `is_estimate` in the returns) count like returns; `estimated` counts the
  enterprises of a cell whose figure or base includes one (含估算).
- 1–N月 adds the months January..N (employees, a stock: the value of month N). January is not
  published; February gives 1–2月 only (`month_*` null).
- Value added is computed per enterprise and month: gross output × the value-added rate of the
  enterprise's division in force in the year computed (that year's, else the latest earlier
  year's; its province's own rate where it has one, else the national one), the same rate for
  this year's and last year's months, rounded half up to the yuan, so that every cell is the
  exact sum of its enterprises.
- `ytd_comparable` / `month_comparable` (value added only): each month's value added ÷ (PPI/100)
  of the enterprise's province and division, else of its province's all industry, per enterprise
  and month rounded half up to the yuan: this year's value added at last year's prices, to be
  compared with the base. Where a month has no index it is null, for the enterprise and for
  every cell it is in (flagged on the pages, never deflated by 100).

Everything is a join or a group_by over whole frames: the enterprises' monthly rows are reduced to
one wide row per enterprise, the slices are group_bys of those rows, and only then is the result
turned into one row per indicator.

The package: `schemas.py` (Facts, the table's schemas), `enterprise.py` (one wide row per
enterprise), `table.py` (the slices, ratios, growth), `drill.py` (contributions).
"""

from kaifaqu.indicators.engine.drill import contributions
from kaifaqu.indicators.engine.schemas import (
    COMPARABLE,
    CONTRIBUTION_SCHEMA,
    ENTERPRISES_SCHEMA,
    INDUSTRY,
    MEASURES,
    PPI_SCHEMA,
    RATES_SCHEMA,
    RATIO_SCHEMA,
    RETURN_FIELDS,
    RETURNS_SCHEMA,
    ROSTER_SCHEMA,
    SLICE_KINDS,
    TABLE_SCHEMA,
    Facts,
    conform,
    is_published,
)
from kaifaqu.indicators.engine.table import indicator_table, ratio_table, with_growth

__all__ = [
    "COMPARABLE",
    "CONTRIBUTION_SCHEMA",
    "ENTERPRISES_SCHEMA",
    "INDUSTRY",
    "MEASURES",
    "PPI_SCHEMA",
    "RATES_SCHEMA",
    "RATIO_SCHEMA",
    "RETURNS_SCHEMA",
    "RETURN_FIELDS",
    "ROSTER_SCHEMA",
    "SLICE_KINDS",
    "TABLE_SCHEMA",
    "Facts",
    "conform",
    "contributions",
    "indicator_table",
    "is_published",
    "ratio_table",
    "with_growth",
]
