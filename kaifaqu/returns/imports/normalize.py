"""The returns' own arithmetic: the columns' limits, and 本月 derived from 1–本月累计.

Money is carried as whole yuan and electricity as whole kWh (Int64): the stored value is that
integer / 10,000 (万元, 万千瓦时 with four decimals), so every sum and comparison here is exact.
The cells' figures are read by `core.imports.units`.
"""

from __future__ import annotations

import polars as pl

from kaifaqu.returns.models.returns import MONTHLY_FIELDS, SUMMED_FIELDS

# Largest whole-unit values the columns hold (max_digits 16 / 14 with 4 places; a 32-bit count).
LIMIT = {name: 10**16 - 1 for name in MONTHLY_FIELDS}
LIMIT["electricity"] = 10**14 - 1
LIMIT["employees"] = 2**31 - 1


def monthly(field: str) -> str:
    return f"{field}|m"


def cumulative(field: str) -> str:
    return f"{field}|c"


def derive_months(frame: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """Fill in each row's 本月 values from its 1–本月 values, and check both when both are given.

    frame: the file's rows (ROW, enterprise_id, period, year, and for each summed field its
    given month `f|m` and cumulative `f|c`, Int64 nullable). stored: the database's returns of
    those enterprises in those years (enterprise_id, period, the summed fields as Int64).

    The running 1–N月 total E(k) of a month k is its given cumulative when there is one, else
    E(k−1) plus the month (from the file, else stored, else nothing). A row's month is then
    given, or cum(k) − E(k−1); when both are given, cum(k) must equal E(k−1) + month within 1 元.
    Adds `f` (the month) and, for rows with both, `f|expected` (E(k−1) + month).
    """
    from_file = frame.with_columns(pl.lit(True).alias("__in_file"))
    stored = stored.join(
        frame.select("enterprise_id", "period"), on=["enterprise_id", "period"], how="anti"
    )
    from_db = stored.select(
        pl.lit(None, dtype=pl.Int64).alias("__row"),
        "enterprise_id",
        "period",
        pl.col("period").dt.year().alias("year"),
        *(pl.col(f).alias(monthly(f)) for f in SUMMED_FIELDS),
        *(pl.lit(None, dtype=pl.Int64).alias(cumulative(f)) for f in SUMMED_FIELDS),
        pl.lit(False).alias("__in_file"),
    )
    columns = from_db.columns
    both = pl.concat([from_file.select(columns), from_db], how="vertical_relaxed").sort(
        "enterprise_id", "period"
    )
    # Linear scans over the sorted rows instead of window functions over (enterprise, year):
    # a segment starts at each (enterprise, year) and again at each given cumulative.
    both = both.with_columns(
        (
            (pl.col("enterprise_id") != pl.col("enterprise_id").shift(1))
            | (pl.col("year") != pl.col("year").shift(1))
        )
        .fill_null(True)
        .alias("__first")
    )
    first = pl.col("__first")
    running_totals, derived = [], []
    for f in SUMMED_FIELDS:
        m, c = pl.col(monthly(f)), pl.col(cumulative(f))
        step = pl.when(c.is_not_null()).then(0).otherwise(m.fill_null(0))
        starts = first | c.is_not_null()
        running = step.cum_sum()
        # E(k) = the segment's anchor (its given cumulative, or 0) + the steps since.
        offset = pl.when(starts).then(running - step).otherwise(None).forward_fill()
        anchor = pl.when(starts).then(c.fill_null(0)).otherwise(None).forward_fill()
        running_totals.append((anchor + running - offset).alias(f"__e_{f}"))
        previous = pl.when(first).then(0).otherwise(pl.col(f"__e_{f}").shift(1))
        derived += [
            pl.when(m.is_not_null()).then(m).otherwise(c - previous).alias(f),
            pl.when(m.is_not_null() & c.is_not_null())
            .then(previous + m)
            .otherwise(None)
            .alias(f"{f}|expected"),
        ]
    both = both.with_columns(running_totals)
    both = both.with_columns(derived)
    return (
        both.filter(pl.col("__in_file"))
        .select("__row", *SUMMED_FIELDS, *(f"{f}|expected" for f in SUMMED_FIELDS))
        .pipe(lambda d: frame.join(d, on="__row", how="left"))
    )
