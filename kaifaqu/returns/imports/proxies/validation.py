"""From a tax or electricity list to proxy figures, collecting every error of every row first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.imports.cells import header_errors, read_cells, row_errors
from kaifaqu.core.imports.errors import RowError
from kaifaqu.core.imports.headers import PERIOD, USCC, MatchedColumn
from kaifaqu.core.imports.reading import ROW, Sheet
from kaifaqu.core.imports.units import KWH_PER_WAN, figure_as_written
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.lib.periods import Month
from kaifaqu.returns.imports.keys import key_rows
from kaifaqu.returns.imports.proxies.spec import LIMIT, PROXIES, SOURCE, SOURCE_LENGTH

FIGURES_SCHEMA = {
    ROW: pl.Int64,
    "enterprise_id": pl.Int64,
    "period": pl.Date,
    "kind": pl.Utf8,
    "value": pl.Int64,  # whole yuan or kWh: the stored 万元 / 万千瓦时 × 10,000
    "source": pl.Utf8,
    # False where the source is only the file's name: it does not replace a stored source.
    "source_given": pl.Boolean,
}


@dataclass
class Prepared:
    """One row per figure to write (enterprise, month, kind), or the errors found."""

    figures: pl.DataFrame
    rows: int = 0  # the data rows read (blank rows not counted)
    errors: list[RowError] = field(default_factory=list)


def _negative(column: MatchedColumn, unit: MoneyUnit, kwh: int) -> Callable[[dict[str, Any]], str]:
    """The message of a negative figure, quoted as the file wrote it, with its unit."""

    def message(row: dict[str, Any]) -> str:
        return _("%(value)s is negative; a tax or electricity figure is 0 or more.") % {
            "value": figure_as_written(row["whole"], column, unit, kwh)
        }

    return message


def prepare(
    sheet: Sheet,
    *,
    by: User,
    unit: MoneyUnit,
    today: date,
    source: str,
    file_name: str,
    kwh: int = KWH_PER_WAN,
) -> Prepared:
    """Check every row. A figure's source is its row's 来源, else `source`, else `file_name`."""
    empty = pl.DataFrame(schema=FIGURES_SCHEMA)
    problems = header_errors(sheet.columns, PROXIES)
    if problems:
        return Prepared(figures=empty, errors=problems)
    by_target = {(c.target, c.cumulative): c for c in sheet.columns}
    cells = read_cells(sheet, spec=PROXIES, unit=unit, limits=LIMIT, texts=(SOURCE,), kwh=kwh)
    frame, errors, values = cells.frame, cells.errors, cells.values

    for c in values:
        negative = frame.filter(pl.col(f"n{c.index}") < 0)
        errors += row_errors(
            negative.select(ROW, pl.col(f"n{c.index}").alias("whole")),
            c.header,
            "negative",
            _negative(c, unit, kwh),
        )
    # A row that names an enterprise and gives no figure is most likely a mistake in the list.
    errors += row_errors(
        frame.filter(pl.all_horizontal(pl.col(f"r{c.index}").is_null() for c in values)).select(
            ROW
        ),
        ", ".join(c.header for c in values),
        "no_figure",
        lambda row: _("The row gives no figure."),
    )
    if (SOURCE, False) in by_target:
        errors += row_errors(
            frame.filter(pl.col(f"k_{SOURCE}").str.len_chars() > SOURCE_LENGTH).select(ROW),
            by_target[(SOURCE, False)].header,
            "source_length",
            lambda row: (
                _("The source is longer than %(length)s characters.") % {"length": SOURCE_LENGTH}
            ),
        )
        text = pl.col(f"k_{SOURCE}")
        given = pl.when(text != "").then(text).otherwise(pl.lit(None, dtype=pl.Utf8))
    else:
        given = pl.lit(None, dtype=pl.Utf8)

    period_column = by_target[(PERIOD, False)]
    keyed, key_errors = key_rows(
        frame, by=by, uscc_column=by_target[(USCC, False)], period_column=period_column
    )
    errors += key_errors
    this_month = Month.of(today)
    errors += row_errors(
        keyed.filter(pl.col("period") > this_month.first_day).select(ROW, "period"),
        period_column.header,
        "future",
        lambda row: (
            _("%(month)s is after this month, %(today)s.")
            % {"month": row["period"].strftime("%Y-%m"), "today": this_month}
        ),
    )
    errors.sort(key=lambda e: (e.row or 0, e.column))
    if errors:
        return Prepared(figures=empty, rows=frame.height, errors=errors)

    if source:
        given = pl.coalesce(given, pl.lit(source))
    keyed = keyed.with_columns(
        pl.coalesce(given, pl.lit(file_name)).alias("source"),
        given.is_not_null().alias("source_given"),
    )
    figures = pl.concat(
        [
            keyed.filter(pl.col(f"n{c.index}").is_not_null()).select(
                ROW,
                "enterprise_id",
                "period",
                pl.lit(c.target).alias("kind"),
                pl.col(f"n{c.index}").cast(pl.Int64).alias("value"),
                "source",
                "source_given",
            )
            for c in values
        ],
        how="vertical_relaxed",
    )
    return Prepared(figures=figures.cast(FIGURES_SCHEMA), rows=frame.height)  # type: ignore[arg-type]
