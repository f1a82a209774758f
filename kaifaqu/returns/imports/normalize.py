"""Cells to figures: numbers in the stored unit, periods as months, 本月 derived from 累计.

Money is carried as whole yuan and electricity as whole kWh (Int64): the stored value is that
integer / 10,000 (万元, 万千瓦时 with four decimals), so every sum and comparison here is exact.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import polars as pl

from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.lib.periods import Month
from kaifaqu.returns.imports.headers import ELECTRICITY, MONEY, MatchedColumn
from kaifaqu.returns.models.returns import MONTHLY_FIELDS, SUMMED_FIELDS

# Yuan per unit of money.
YUAN_PER_UNIT = {
    MoneyUnit.YUAN: 1,
    MoneyUnit.THOUSAND: 1_000,
    MoneyUnit.WAN: 10_000,
    MoneyUnit.YI: 100_000_000,
}
KWH_PER_WAN = 10_000
# Largest whole-unit values the columns hold (max_digits 16 / 14 with 4 places; a 32-bit count).
LIMIT = {name: 10**16 - 1 for name in MONTHLY_FIELDS}
LIMIT["electricity"] = 10**14 - 1
LIMIT["employees"] = 2**31 - 1

_FULL_WIDTH = [chr(0xFF10 + i) for i in range(10)] + ["．", "，", "－", "＋", "　", "−"]
_HALF_WIDTH = [str(i) for i in range(10)] + [".", ",", "-", "+", " ", "-"]
_EMPTY = ["", "-", "--", "—", "/", "\\"]
_DECIMAL = pl.Decimal(38, 8)


def monthly(field: str) -> str:
    return f"{field}|m"


def cumulative(field: str) -> str:
    return f"{field}|c"


def text_of(column: MatchedColumn) -> pl.Expr:
    """The cell's text cleaned for a number: ASCII digits, no spaces or thousands separators."""
    expr = (
        pl.col(f"c{column.index}")
        .str.replace_many(_FULL_WIDTH, _HALF_WIDTH)
        .str.replace_all(r"[\s,]", "")
    )
    return pl.when(expr.is_in(_EMPTY)).then(pl.lit(None, dtype=pl.Utf8)).otherwise(expr)


def number_of(text: pl.Expr) -> pl.Expr:
    """Exact decimal of a cleaned text; '1.5E+7' (how some writers store large numbers) too."""
    return pl.coalesce(
        text.cast(_DECIMAL, strict=False),
        text.cast(pl.Float64, strict=False).cast(_DECIMAL, strict=False),
    )


def whole_units(value: pl.Expr, factor: int) -> pl.Expr:
    """value × factor rounded half away from zero (as 0.5 元 → 1 元), as Int64 (null if too big)."""
    half = pl.lit("0.5").cast(_DECIMAL)
    scaled = value * pl.lit(factor, dtype=pl.Int64)
    return (
        pl.when(scaled < 0)
        .then(-((-scaled + half).cast(pl.Int64, strict=False)))
        .otherwise((scaled + half).cast(pl.Int64, strict=False))
    )


def factor_of(column: MatchedColumn, unit: MoneyUnit) -> int:
    """Whole units (yuan, kWh, heads) per unit of a column's figures."""
    if column.measure == ELECTRICITY:
        return column.kwh_per_unit or KWH_PER_WAN
    if column.measure == MONEY:
        return YUAN_PER_UNIT[column.money_unit or unit]
    return 1


_DATE_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_RANGE = re.compile(r"^(.+?)\s*(?:至|~|--)\s*(.+)$")
_WHOLE_FLOAT = re.compile(r"^(\d+)\.0+$")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_period(text: str | None) -> date | None:
    """The first day of the month a cell names: 2025-03, 2025年3月, 202503, 2025/3, a date, or a
    range within one month as the tax bureau writes its 所属期 (2025-03-01至2025-03-31)."""
    if text is None:
        return None
    value = unicodedata.normalize("NFKC", text).strip()
    within = _RANGE.match(value)
    if within:
        start, end = parse_period(within.group(1)), parse_period(within.group(2))
        return start if start is not None and start == end else None
    whole = _WHOLE_FLOAT.match(value)
    if whole:
        value = whole.group(1)
    try:
        return Month.parse(value).first_day
    except ValueError:
        pass
    found = _DATE_TIME.match(value)
    try:
        if found:
            return Month(int(found.group(1)), int(found.group(2))).first_day
        # A date cell stored as its serial number (days since 1899-12-30), years 2000–2099.
        if value.isdigit() and 36_526 <= int(value) <= 73_050:
            return Month.of(_EXCEL_EPOCH + timedelta(days=int(value))).first_day
    except ValueError:
        return None
    return None


def periods_of(texts: pl.Series) -> pl.DataFrame:
    """Each distinct period text with its month (null when it names none)."""
    distinct = texts.unique().drop_nulls().to_list()
    return pl.DataFrame(
        {"period_text": distinct, "period": [parse_period(t) for t in distinct]},
        schema={"period_text": pl.Utf8, "period": pl.Date},
    )


def uscc_of(expr: pl.Expr) -> pl.Expr:
    """core.lib.uscc.normalize, set-based: ASCII, no spaces or hyphens, upper case."""
    full = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["　"]
    half = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" "]
    return expr.str.replace_many(full, half).str.replace_all(r"[\s\-]", "").str.to_uppercase()


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
