"""Cells to figures, set-based: numbers in whole units, periods as months, codes normalized.

Money is carried as whole yuan and electricity as whole kWh (Int64): the stored value is that
integer / 10,000 (万元, 万千瓦时 with four decimals), so every sum and comparison here is exact.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import polars as pl

from kaifaqu.core.imports.headers import COUNT, ELECTRICITY, MONEY, MatchedColumn
from kaifaqu.core.lib.formatting import PLACES, as_written, with_unit
from kaifaqu.core.lib.money import YUAN_PER_UNIT, MoneyUnit
from kaifaqu.core.lib.periods import Month

KWH_PER_WAN = 10_000
# The units of electricity a file may be written in (the import form offers them), kWh per unit.
ENERGY_UNITS = {"万千瓦时": KWH_PER_WAN, "千瓦时": 1}
_ENERGY_NAME = {KWH_PER_WAN: "万千瓦时", 1: "千瓦时"}
PERSONS = "人"

_FULL_WIDTH = [chr(0xFF10 + i) for i in range(10)] + ["．", "，", "－", "＋", "　", "−"]
_HALF_WIDTH = [str(i) for i in range(10)] + [".", ",", "-", "+", " ", "-"]
_EMPTY = ["", "-", "--", "—", "/", "\\"]
_DECIMAL = pl.Decimal(38, 8)


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


def factor_of(column: MatchedColumn, unit: MoneyUnit, kwh: int = KWH_PER_WAN) -> int:
    """Whole units (yuan, kWh, heads) per unit of a column's figures: the header's unit, else
    the one chosen for the file (`unit` for money, `kwh` per unit of electricity)."""
    if column.measure == ELECTRICITY:
        return column.kwh_per_unit or kwh
    if column.measure == MONEY:
        return YUAN_PER_UNIT[column.money_unit or unit]
    return 1


def unit_of(column: MatchedColumn, unit: MoneyUnit, kwh: int = KWH_PER_WAN) -> str:
    """The unit the file writes a column's figures in (the header's, else the form's): 千元."""
    if column.measure == ELECTRICITY:
        return _ENERGY_NAME.get(column.kwh_per_unit or kwh, "千瓦时")
    if column.measure == MONEY:
        return (column.money_unit or unit).value
    return PERSONS if column.measure == COUNT else ""


def figure_as_written(
    whole: int | None, column: MatchedColumn, unit: MoneyUnit, kwh: int = KWH_PER_WAN
) -> str:
    """A figure carried in whole units, as the file wrote it, with its unit: the messages quote
    the user's number ('1,234.50 千元'), never the stored 万元."""
    if column.measure == MONEY:
        places = PLACES[column.money_unit or unit]
    else:
        places = 2 if column.measure == ELECTRICITY else 0
    text = as_written(whole, factor_of(column, unit, kwh), places)
    return with_unit(text, unit_of(column, unit, kwh))


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
