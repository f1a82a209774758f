"""From text cells to candidate returns, collecting every error of every row before any write."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.imports.cells import header_errors, read_cells, row_errors
from kaifaqu.core.imports.errors import RowError
from kaifaqu.core.imports.headers import PERIOD, USCC, MatchedColumn
from kaifaqu.core.imports.reading import ROW, Sheet
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
    sheet: Sheet, *, by: User, unit: MoneyUnit, today: date, progress: Progress | None = None
) -> Prepared:
    columns = sheet.columns
    problems = header_errors(columns, RETURNS)
    if problems:
        return Prepared(candidates=pl.DataFrame(), errors=problems)
    by_target = {(c.target, c.cumulative): c for c in columns}
    cells = read_cells(sheet, spec=RETURNS, unit=unit, limits=LIMIT)
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
            lambda row: (
                _(
                    "The 1–本月 figure %(given)s does not equal the earlier months plus this month, "
                    "%(sum)s (万元 or 万千瓦时)."
                )
                % {"given": _figure(row["given"]), "sum": _figure(row["sum"])}
            ),
        )

    # The review's hard rules, with each zone's thresholds.
    errors += _hard_errors(keyed, columns, today)
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


def _figure(whole: int) -> str:
    """Whole yuan (or kWh) as 万 with the four places trimmed: 15000000 → 1500."""
    sign = "-" if whole < 0 else ""
    integer, fraction = divmod(abs(whole), 10_000)
    text = f"{integer}.{fraction:04d}".rstrip("0").rstrip(".")
    return sign + text


def _hard_errors(keyed: pl.DataFrame, columns: list[MatchedColumn], today: date) -> list[RowError]:
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
    errors = []
    for zone_settings, mask in groups:
        part = frame.filter(mask).drop("zone_id")
        if not part.height:
            continue
        found = hard_violations(part, settings=zone_settings, today=today)
        for row, fld, rule, params in found.iter_rows():
            errors.append(
                RowError(
                    row=row,
                    column=title.get(fld) or FIELD_TITLE.get(fld, fld),
                    code=rule,
                    message=finding_message(rule, json.loads(params)),
                )
            )
    return errors
