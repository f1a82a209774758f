"""From text cells to candidate returns, collecting every error of every row before any write."""

from __future__ import annotations

import json
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
from kaifaqu.returns.imports import lookups
from kaifaqu.returns.imports.keys import key_rows
from kaifaqu.returns.imports.normalize import LIMIT, cumulative, derive_months, monthly
from kaifaqu.returns.imports.spec import FIELD_TITLE, KEY_TITLE, RETURNS
from kaifaqu.returns.models import MONTHLY_FIELDS, StatisticsSettings
from kaifaqu.returns.models.returns import SUMMED_FIELDS
from kaifaqu.returns.review import finding_message, hard_violations
from kaifaqu.returns.services.month_guard import closed_months

Progress = Callable[[str, int, int], None]


@dataclass
class Prepared:
    """The file's rows as returns to write (figures in whole units), or the errors found."""

    candidates: pl.DataFrame
    rows: int = 0  # the data rows read (blank rows not counted)
    errors: list[RowError] = field(default_factory=list)


def prepare(
    sheet: Sheet,
    *,
    by: User,
    unit: MoneyUnit,
    today: date,
    kwh: int = KWH_PER_WAN,
    progress: Progress | None = None,
) -> Prepared:
    """`unit` is the file's money unit and `kwh` the kWh per unit of its electricity (the
    form's; a header's unit wins); messages quote figures in the unit the file writes them in."""
    columns = sheet.columns
    problems = header_errors(columns, RETURNS)
    if problems:
        return Prepared(candidates=pl.DataFrame(), errors=problems)
    by_target = {(c.target, c.cumulative): c for c in columns}
    cells = read_cells(sheet, spec=RETURNS, unit=unit, limits=LIMIT, kwh=kwh)
    frame, errors = cells.frame, cells.errors
    if progress:
        progress("validate", 0, frame.height)
    # Keys: the enterprise (in the user's scope) and the month.
    keyed, key_errors = key_rows(
        frame,
        by=by,
        uscc_column=by_target[(USCC, False)],
        period_column=by_target[(PERIOD, False)],
    )
    errors += key_errors
    errors += _closed_month_errors(keyed, by_target[(PERIOD, False)].header)

    # 本月 and 1–本月 figures per field (null where the file gives none).
    given = {}
    for f in MONTHLY_FIELDS:
        for is_cumulative, name in ((False, monthly(f)), (True, cumulative(f))):
            source = by_target.get((f, is_cumulative))
            given[name] = pl.col(f"n{source.index}") if source else pl.lit(None, dtype=pl.Int64)
    keyed = keyed.select(
        ROW,
        "enterprise_id",
        "zone_id",
        "industry",
        "established_on",
        "period",
        pl.col("period").dt.year().alias("year"),
        *(expr.cast(pl.Int64).alias(name) for name, expr in given.items()),
    )
    has_cumulative = any(by_target.get((f, True)) for f in SUMMED_FIELDS)
    if has_cumulative and keyed.height:
        first: date = keyed["period"].min()  # type: ignore[assignment]
        last: date = keyed["period"].max()  # type: ignore[assignment]
        stored = lookups.months_before(
            enterprise_ids=keyed["enterprise_id"],
            first=first,
            last=last,
        )
    else:
        stored = pl.DataFrame(
            schema={
                "enterprise_id": pl.Int64,
                "period": pl.Date,
                **{f: pl.Int64 for f in SUMMED_FIELDS},
            }
        )
    keyed = (
        derive_months(keyed, stored)
        if keyed.height
        else keyed.with_columns(
            *(pl.lit(None, dtype=pl.Int64).alias(f) for f in SUMMED_FIELDS),
            *(pl.lit(None, dtype=pl.Int64).alias(f"{f}|expected") for f in SUMMED_FIELDS),
        )
    )
    keyed = keyed.with_columns(pl.col(monthly("employees")).alias("employees"))
    for f in SUMMED_FIELDS:
        ytd = by_target.get((f, True))
        if ytd is None:
            continue
        mismatch = keyed.filter((pl.col(cumulative(f)) - pl.col(f"{f}|expected")).abs() > 1)
        errors += row_errors(
            mismatch.select(
                ROW, pl.col(cumulative(f)).alias("given"), pl.col(f"{f}|expected").alias("sum")
            ),
            ytd.header,
            "cumulative_mismatch",
            _mismatch(_quoted(ytd, unit, kwh)),
        )

    # The review's hard rules, with each zone's thresholds.
    errors += _hard_errors(keyed, columns, today, written=_written(columns, unit, kwh))
    if progress:
        progress("validate", frame.height, frame.height)
    errors.sort(key=lambda e: (e.row or 0, e.column))
    return Prepared(
        candidates=keyed.select(
            ROW, "enterprise_id", "zone_id", "industry", "period", *MONTHLY_FIELDS
        ),
        rows=frame.height,
        errors=errors,
    )


def _closed_month_errors(keyed: pl.DataFrame, column: str) -> list[RowError]:
    """Rows of a month the statistics office has closed: a closed month takes no return."""
    if keyed.is_empty():
        return []
    pairs = keyed.select("zone_id", "period").unique()
    closed = closed_months(zip(pairs["zone_id"].to_list(), pairs["period"].to_list(), strict=True))
    if not closed:
        return []
    shut = pl.DataFrame(
        {"zone_id": [z for z, _p in closed], "period": [p for _z, p in closed]},
        schema={"zone_id": keyed.schema["zone_id"], "period": pl.Date},
    )
    return row_errors(
        keyed.join(shut, on=["zone_id", "period"], how="semi").select(ROW, "period"),
        column,
        "month_closed",
        lambda row: (
            _(
                "The reporting month %(month)s is closed: its returns can no longer change. "
                "The statistics office reopens it as a revision to correct a return."
            )
            % {"month": f"{row['period']:%Y-%m}"}
        ),
    )


def _written(
    columns: list[MatchedColumn], unit: MoneyUnit, kwh: int
) -> dict[str, Callable[[int | None], str]]:
    """How a message quotes each figure: in the unit of the column the file gives it in (the
    month's column, else its 1–本月 column), with that unit: '1,234.50 千元'."""
    chosen: dict[str, MatchedColumn] = {}
    for column in columns:
        if column.target in MONTHLY_FIELDS and (
            column.target not in chosen or not column.cumulative
        ):
            chosen[column.target] = column
    return {name: _quoted(column, unit, kwh) for name, column in chosen.items()}


def _quoted(column: MatchedColumn, unit: MoneyUnit, kwh: int) -> Callable[[int | None], str]:
    def quote(whole: int | None) -> str:
        return figure_as_written(whole, column, unit, kwh)

    return quote


def _mismatch(quote: Callable[[int | None], str]) -> Callable[[dict[str, Any]], str]:
    def message(row: dict[str, Any]) -> str:
        return _(
            "The 1–本月 figure %(given)s does not equal the earlier months plus this "
            "month, %(sum)s."
        ) % {"given": quote(row["given"]), "sum": quote(row["sum"])}

    return message


def _hard_errors(
    keyed: pl.DataFrame,
    columns: list[MatchedColumn],
    today: date,
    *,
    written: dict[str, Callable[[int | None], str]],
) -> list[RowError]:
    if not keyed.height:
        return []
    title = {c.target: c.header for c in columns if not c.cumulative}
    title.update({c.target: c.header for c in columns if c.cumulative and c.target not in title})
    title["period"] = title.get(PERIOD, KEY_TITLE[PERIOD])
    frame = keyed.select(
        pl.col(ROW).alias("row"),
        "zone_id",
        "period",
        "established_on",
        *(
            (pl.col(f).cast(pl.Float64) / (1 if f == "employees" else 10_000)).alias(f)
            for f in MONTHLY_FIELDS
        ),
    )
    zone_ids = frame["zone_id"].unique().to_list()
    settings = {s.zone_id: s for s in StatisticsSettings.objects.filter(zone_id__in=zone_ids)}
    # Zones with settings of their own are checked one by one; all others with the defaults.
    groups: list[tuple[StatisticsSettings | None, pl.Expr]] = [
        (zone_settings, pl.col("zone_id") == zone_id) for zone_id, zone_settings in settings.items()
    ]
    groups.append((None, ~pl.col("zone_id").is_in(list(settings))))
    findings: list[tuple[Any, ...]] = []
    for zone_settings, mask in groups:
        part = frame.filter(mask).drop("zone_id")
        if part.height:
            findings += hard_violations(part, settings=zone_settings, today=today).iter_rows()
    # The figures of the rows found, in whole units, to quote them as the file wrote them.
    rows = [finding[0] for finding in findings]
    wholes = {
        record[ROW]: record
        for record in keyed.filter(pl.col(ROW).is_in(rows))
        .select(ROW, *MONTHLY_FIELDS)
        .iter_rows(named=True)
    }
    errors = []
    for row, fld, rule, params in findings:
        shown = json.loads(params)
        for key in shown:
            figure = fld if key == "value" else key
            if figure in written and figure in wholes[row]:
                shown[key] = written[figure](wholes[row][figure])
        errors.append(
            RowError(
                row=row,
                column=title.get(fld) or FIELD_TITLE.get(fld, fld),
                code=rule,
                message=finding_message(rule, shown),
            )
        )
    return errors
