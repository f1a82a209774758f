"""From text cells to candidate returns, collecting every error of every row before any write."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.statistics.imports import lookups
from kaifaqu.statistics.imports.errors import RowError
from kaifaqu.statistics.imports.headers import (
    FIELD_TITLE,
    KEY_TITLE,
    PERIOD,
    REQUIRED,
    USCC,
    MatchedColumn,
)
from kaifaqu.statistics.imports.normalize import (
    LIMIT,
    cumulative,
    derive_months,
    factor_of,
    monthly,
    number_of,
    periods_of,
    text_of,
    uscc_of,
    whole_units,
)
from kaifaqu.statistics.imports.reading import ROW, Sheet
from kaifaqu.statistics.models import MONTHLY_FIELDS, StatisticsSettings
from kaifaqu.statistics.models.returns import SUMMED_FIELDS
from kaifaqu.statistics.review import finding_message, hard_violations

Progress = Callable[[str, int, int], None]


@dataclass
class Prepared:
    """The file's rows as returns to write (figures in whole units), or the errors found."""

    candidates: pl.DataFrame
    rows: int = 0  # the data rows read (blank rows not counted)
    errors: list[RowError] = field(default_factory=list)


def _errors(
    frame: pl.DataFrame, column: str, code: str, message: Callable[[dict[str, Any]], str]
) -> list[RowError]:
    return [
        RowError(row=row[ROW], column=column, code=code, message=message(row))
        for row in frame.iter_rows(named=True)
    ]


def _header_errors(columns: list[MatchedColumn]) -> list[RowError]:
    errors = []
    targets = {c.target for c in columns}
    for key in REQUIRED:
        if key not in targets:
            errors.append(
                RowError(
                    row=None,
                    column=KEY_TITLE[key],
                    code="missing_column",
                    message=_("The file has no column %(column)s.") % {"column": KEY_TITLE[key]},
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
    if not any(c.target in MONTHLY_FIELDS for c in columns):
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


def prepare(
    sheet: Sheet, *, by: Any, unit: MoneyUnit, today: date, progress: Progress | None = None
) -> Prepared:
    columns = sheet.columns
    header_errors = _header_errors(columns)
    if header_errors:
        return Prepared(candidates=pl.DataFrame(), errors=header_errors)
    by_target = {(c.target, c.cumulative): c for c in columns}
    uscc_column, period_column = by_target[(USCC, False)], by_target[(PERIOD, False)]
    values = [c for c in columns if c.target in MONTHLY_FIELDS]

    # Cells to typed columns. Numbers read as numbers are taken as they are; text is cleaned
    # and parsed, and kept (t…) for the messages of cells that do not parse.
    schema = sheet.frame.schema
    texts: dict[MatchedColumn, pl.Expr] = {}
    numbers: dict[MatchedColumn, pl.Expr] = {}
    for c in values:
        raw = pl.col(f"c{c.index}")
        if schema[f"c{c.index}"].is_numeric():
            numbers[c] = raw.cast(_decimal(), strict=False)
            continue
        # Text, or dates, booleans, an empty column: parsed from their text.
        texts[c] = text_of(c) if schema[f"c{c.index}"] == pl.Utf8 else raw.cast(pl.Utf8)
        numbers[c] = number_of(texts[c])
    frame = sheet.frame.select(
        ROW,
        uscc_of(pl.col(f"c{uscc_column.index}").cast(pl.Utf8)).alias("uscc"),
        pl.col(f"c{period_column.index}").cast(pl.Utf8).str.strip_chars().alias("period_text"),
        *(pl.col(f"c{c.index}").cast(pl.Utf8).alias(f"r{c.index}") for c in values),
        *(expr.alias(f"t{c.index}") for c, expr in texts.items()),
        *(numbers[c].alias(f"d{c.index}") for c in values),
    )
    # Rows with nothing in them (a blank line, the end of a formatted range) are not returns.
    frame = frame.filter(
        pl.any_horizontal(
            pl.col("uscc").fill_null("") != "",
            pl.col("period_text").is_not_null(),
            *(pl.col(f"r{c.index}").is_not_null() for c in values),
        )
    )
    frame = frame.with_columns(
        whole_units(pl.col(f"d{c.index}"), factor_of(c, unit)).alias(f"n{c.index}") for c in values
    )
    errors: list[RowError] = []
    if progress:
        progress("validate", 0, frame.height)

    for c in values:
        bad = frame.filter(
            pl.col(f"r{c.index}").is_not_null()
            & pl.col(f"d{c.index}").is_null()
            & (pl.col(f"t{c.index}").is_not_null() if c in texts else pl.lit(True))
        )
        errors += _errors(
            bad.select(ROW, pl.col(f"r{c.index}").alias("text")),
            c.header,
            "number",
            lambda row: _("“%(value)s” is not a number.") % {"value": row["text"]},
        )
        too_big = frame.filter(
            pl.col(f"d{c.index}").is_not_null()
            & (pl.col(f"n{c.index}").is_null() | (pl.col(f"n{c.index}").abs() > LIMIT[c.target]))
        )
        errors += _errors(
            too_big.select(ROW, pl.col(f"r{c.index}").alias("text")),
            c.header,
            "too_large",
            lambda row: _("%(value)s is too large for this figure.") % {"value": row["text"]},
        )
        if c.target == "employees":
            fractional = frame.filter(
                pl.col(f"n{c.index}").is_not_null()
                & (pl.col(f"n{c.index}").cast(_decimal()) != pl.col(f"d{c.index}"))
            )
            errors += _errors(
                fractional.select(ROW, pl.col(f"r{c.index}").alias("text")),
                c.header,
                "not_whole",
                lambda row: (
                    _("A head count must be a whole number, not %(value)s.")
                    % {"value": row["text"]}
                ),
            )

    # Keys: the enterprise (in the user's scope) and the month.
    frame = frame.join(periods_of(frame["period_text"]), on="period_text", how="left")
    errors += _errors(
        frame.filter(pl.col("uscc").fill_null("") == "").select(ROW),
        uscc_column.header,
        "no_uscc",
        lambda row: _("The unified social credit code is missing."),
    )
    errors += _errors(
        frame.filter(pl.col("period").is_null()).select(ROW, "period_text"),
        period_column.header,
        "period",
        lambda row: (
            _("“%(value)s” is not a month (write 2025-03, 2025年3月 or 202503).")
            % {"value": row["period_text"]}
            if row["period_text"]
            else _("The period is missing.")
        ),
    )
    scope = lookups.enterprises_in_scope(by)
    frame = frame.join(scope, on="uscc", how="left")
    outside = frame.filter((pl.col("uscc").fill_null("") != "") & pl.col("enterprise_id").is_null())
    if outside.height:
        known = lookups.known_usccs(outside["uscc"].unique().to_list())
        errors += _errors(
            outside.select(ROW, "uscc"),
            uscc_column.header,
            "enterprise",
            lambda row: (
                (
                    _("The enterprise %(uscc)s is outside your scope.")
                    if row["uscc"] in known
                    else _("No enterprise with the code %(uscc)s is registered on the platform.")
                )
                % {"uscc": row["uscc"]}
            ),
        )
    keyed = frame.filter(pl.col("enterprise_id").is_not_null() & pl.col("period").is_not_null())
    first_row = keyed.group_by("enterprise_id", "period").agg(pl.col(ROW).min().alias("first"))
    keyed = keyed.join(first_row, on=["enterprise_id", "period"])
    errors += _errors(
        keyed.filter(pl.col(ROW) != pl.col("first")).select(ROW, "first", "uscc", "period"),
        period_column.header,
        "duplicate",
        lambda row: (
            _("%(uscc)s already has a row for %(period)s (row %(first)s).")
            % {
                "uscc": row["uscc"],
                "period": row["period"].strftime("%Y-%m"),
                "first": row["first"],
            }
        ),
    )
    keyed = keyed.filter(pl.col(ROW) == pl.col("first"))

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
        "established_on",
        "period",
        pl.col("period").dt.year().alias("year"),
        *(expr.cast(pl.Int64).alias(name) for name, expr in given.items()),
    )
    has_cumulative = any(by_target.get((f, True)) for f in SUMMED_FIELDS)
    if has_cumulative and keyed.height:
        first: date = keyed["period"].min()  # type: ignore[assignment]
        last: date = keyed["period"].max()  # type: ignore[assignment]
        stored = lookups.stored_returns(
            enterprise_ids=keyed["enterprise_id"], first=first.replace(month=1), last=last
        ).select("enterprise_id", "period", *SUMMED_FIELDS)
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
        errors += _errors(
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
        candidates=keyed.select(ROW, "enterprise_id", "period", *MONTHLY_FIELDS),
        rows=frame.height,
        errors=errors,
    )


def _decimal() -> pl.Decimal:
    return pl.Decimal(38, 8)


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
