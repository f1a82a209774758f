"""From a sheet's text cells to figures in whole units, set-based, on rows keyed by enterprise
(USCC) and month.

For the kinds of file with many rows (monthly returns, the tax and electricity lists): every error
of every row is collected, with its Excel row number, column and reason, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from kaifaqu.core.imports.errors import RowError, excerpt
from kaifaqu.core.imports.headers import COUNT, PERIOD, USCC, FormSpec, MatchedColumn
from kaifaqu.core.imports.reading import ROW, Sheet
from kaifaqu.core.imports.units import (
    KWH_PER_WAN,
    factor_of,
    number_of,
    text_of,
    unit_of,
    uscc_of,
    whole_units,
)
from kaifaqu.core.lib.formatting import with_unit
from kaifaqu.core.lib.money import MoneyUnit

DECIMAL = pl.Decimal(38, 8)


def row_errors(
    frame: pl.DataFrame, column: str, code: str, message: Callable[[dict[str, Any]], str]
) -> list[RowError]:
    """One error per row of `frame` (which has ROW and what the message reads)."""
    return [
        RowError(row=row[ROW], column=column, code=code, message=message(_short(row)))
        for row in frame.iter_rows(named=True)
    ]


def _short(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its cell's text cut to an excerpt: a message never echoes a whole cell."""
    text = row.get("text")
    return {**row, "text": excerpt(text)} if isinstance(text, str) else row


def _too_large(unit: str) -> Callable[[dict[str, Any]], str]:
    """The message of a figure too large for its field, quoting the cell with its unit."""

    def message(row: dict[str, Any]) -> str:
        return _("%(value)s is too large for this figure.") % {
            "value": with_unit(row["text"], unit)
        }

    return message


def header_errors(columns: list[MatchedColumn], spec: FormSpec) -> list[RowError]:
    """Missing key columns, two columns for one figure, no figure column at all."""
    errors = []
    targets = {c.target for c in columns}
    for key in spec.required:
        if key not in targets:
            errors.append(
                RowError(
                    row=None,
                    column=spec.title(key),
                    code="missing_column",
                    message=_("The file has no column %(column)s.") % {"column": spec.title(key)},
                )
            )
    seen: dict[tuple[str, bool], MatchedColumn] = {}
    for column in columns:
        slot = (column.target, column.cumulative)
        if slot in seen:
            errors.append(
                RowError(
                    row=None,
                    column=column.header,
                    code="duplicate_column",
                    message=_("The columns %(first)s and %(second)s give the same figure.")
                    % {"first": seen[slot].header, "second": column.header},
                )
            )
        seen[slot] = column
    if not any(c.target in spec.fields for c in columns):
        errors.append(
            RowError(
                row=None,
                column="",
                code="no_figures",
                message=_(
                    "No column of figures was recognized; download the template to see the headers."
                ),
            )
        )
    return errors


@dataclass
class Cells:
    """The file's data rows: ROW, `uscc` (normalized), `period_text`, `k_<key>` for each text
    key asked for, and for each figure column i its raw text r{i}, decimal d{i} and whole
    units n{i} (yuan, kWh or heads). Blank rows are left out."""

    frame: pl.DataFrame
    values: list[MatchedColumn]
    errors: list[RowError] = field(default_factory=list)


def read_cells(
    sheet: Sheet,
    *,
    spec: FormSpec,
    unit: MoneyUnit,
    limits: Mapping[str, int],
    texts: Sequence[str] = (),
    kwh: int = KWH_PER_WAN,
) -> Cells:
    """Typed figures of every row, and the errors of cells that are not numbers or too large.

    `unit` is the money unit and `kwh` the kWh per unit of electricity chosen for the file; a
    unit in a column's header wins over both. Messages quote the cell as written, with its unit.
    """
    by_target = {(c.target, c.cumulative): c for c in sheet.columns}
    uscc_column, period_column = by_target[(USCC, False)], by_target[(PERIOD, False)]
    values = [c for c in sheet.columns if c.target in spec.fields]
    keys = [by_target[(key, False)] for key in texts if (key, False) in by_target]

    # Cells to typed columns. Numbers read as numbers are taken as they are; text is cleaned
    # and parsed, and kept (t…) for the messages of cells that do not parse.
    schema = sheet.frame.schema
    cleaned: dict[MatchedColumn, pl.Expr] = {}
    numbers: dict[MatchedColumn, pl.Expr] = {}
    for c in values:
        raw = pl.col(f"c{c.index}")
        if schema[f"c{c.index}"].is_numeric():
            numbers[c] = raw.cast(DECIMAL, strict=False)
            continue
        # Text, or dates, booleans, an empty column: parsed from their text.
        cleaned[c] = text_of(c) if schema[f"c{c.index}"] == pl.Utf8 else raw.cast(pl.Utf8)
        numbers[c] = number_of(cleaned[c])
    frame = sheet.frame.select(
        ROW,
        uscc_of(pl.col(f"c{uscc_column.index}").cast(pl.Utf8)).alias("uscc"),
        pl.col(f"c{period_column.index}").cast(pl.Utf8).str.strip_chars().alias("period_text"),
        *(
            pl.col(f"c{c.index}").cast(pl.Utf8).str.strip_chars().alias(f"k_{c.target}")
            for c in keys
        ),
        *(pl.col(f"c{c.index}").cast(pl.Utf8).alias(f"r{c.index}") for c in values),
        *(expr.alias(f"t{c.index}") for c, expr in cleaned.items()),
        *(numbers[c].alias(f"d{c.index}") for c in values),
    )
    # Rows with nothing in them (a blank line, the end of a formatted range) are not data.
    frame = frame.filter(
        pl.any_horizontal(
            pl.col("uscc").fill_null("") != "",
            pl.col("period_text").is_not_null(),
            *(pl.col(f"r{c.index}").is_not_null() for c in values),
        )
    )
    frame = frame.with_columns(
        whole_units(pl.col(f"d{c.index}"), factor_of(c, unit, kwh)).alias(f"n{c.index}")
        for c in values
    )
    errors: list[RowError] = []
    for c in values:
        bad = frame.filter(
            pl.col(f"r{c.index}").is_not_null()
            & pl.col(f"d{c.index}").is_null()
            & (pl.col(f"t{c.index}").is_not_null() if c in cleaned else pl.lit(True))
        )
        errors += row_errors(
            bad.select(ROW, pl.col(f"r{c.index}").alias("text")),
            c.header,
            "number",
            lambda row: _("“%(value)s” is not a number.") % {"value": row["text"]},
        )
        written_in = unit_of(c, unit, kwh)
        too_big = frame.filter(
            pl.col(f"d{c.index}").is_not_null()
            & (pl.col(f"n{c.index}").is_null() | (pl.col(f"n{c.index}").abs() > limits[c.target]))
        )
        errors += row_errors(
            too_big.select(ROW, pl.col(f"r{c.index}").alias("text")),
            c.header,
            "too_large",
            _too_large(written_in),
        )
        if c.measure == COUNT:
            fractional = frame.filter(
                pl.col(f"n{c.index}").is_not_null()
                & (pl.col(f"n{c.index}").cast(DECIMAL) != pl.col(f"d{c.index}"))
            )
            errors += row_errors(
                fractional.select(ROW, pl.col(f"r{c.index}").alias("text")),
                c.header,
                "not_whole",
                lambda row: (
                    _("A head count must be a whole number, not %(value)s.")
                    % {"value": row["text"]}
                ),
            )
    return Cells(frame=frame, values=values, errors=errors)
