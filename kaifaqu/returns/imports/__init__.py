"""Importing a month of returns from an Excel workbook or a CSV file: all or nothing.

`returns_import` reads the file through the import framework (`core.imports`: fastexcel or
polars, headers matched tolerantly, cells turned into figures in the stored units); `write` derives 本月 from 1–本月累计 (or checks them), runs the review's
hard rules, and only when no row has an error writes every new or changed return in one
transaction, set-based. Rows equal to the stored return are left alone: importing the same file
again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.imports import (
    ImportKind,
    ImportPage,
    ImportResult,
    RowError,
)
from kaifaqu.core.imports.reading import ROW, Sheet
from kaifaqu.core.imports.units import ENERGY_UNITS
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.returns.imports import lookups, writer
from kaifaqu.returns.imports.spec import RETURNS
from kaifaqu.returns.imports.template import TEMPLATE
from kaifaqu.returns.imports.validation import prepare
from kaifaqu.returns.models import ReturnImport, ReturnSource, ReturnStatus
from kaifaqu.returns.models.ledger import LEDGER_FIELDS
from kaifaqu.returns.review import review_returns
from kaifaqu.returns.review.engine import SOFT_FIELDS
from kaifaqu.returns.selectors.ledger import ledger_reuse
from kaifaqu.returns.services.changes import returns_changed
from kaifaqu.returns.services.ledger import ledger_record
from kaifaqu.returns.services.month_guard import reporting_months_ensure
from kaifaqu.returns.services.returns import RESPONDENTS_OWN

__all__ = [
    "RETURNS_IMPORT",
    "ImportResult",
    "RowError",
    "returns_import",
]

Progress = Callable[[str, int, int], None]


def _uncount(before: pl.DataFrame) -> None:
    """Accepted returns the file changed are submitted again, out of the indicator table until
    accepted anew: mark their zones' months for the indicator table to follow."""
    left = before.filter(pl.col("status") == ReturnStatus.ACCEPTED.value)
    if left.is_empty():
        return
    zone_of = dict(
        Enterprise.objects.filter(pk__in=left["enterprise_id"].unique().to_list()).values_list(
            "pk", "zone_id"
        )
    )
    returns_changed(
        (zone_of[enterprise_id], period)
        for enterprise_id, period in left.select("enterprise_id", "period").unique().iter_rows()
    )


def _respondents_own(plan: writer.Plan) -> list[RowError]:
    """联网直报's red lines: a file changes only returns the office itself entered (source
    import); a return the enterprise reported itself, online or through the API, is refused row
    by row (the enterprise corrects it after it is sent back)."""
    # The office's own rows may change: its paper returns and its estimates (估算).
    own = plan.before.filter(
        ~pl.col("source").is_in([ReturnSource.IMPORT.value, ReturnSource.ESTIMATE.value])
    )
    if own.is_empty():
        return []
    rows = plan.updated.join(own.select(writer.KEY), on=writer.KEY, how="semi")
    return [
        RowError(row=row, column="", code="respondents_own", message=str(RESPONDENTS_OWN))
        for row in sorted(rows[ROW].to_list())
    ]


def _as_stored(written: pl.DataFrame) -> pl.DataFrame:
    """The written returns as the review reads them: figures from whole yuan / kWh to 万."""
    return written.select(
        pl.col("id").alias("row"),
        "enterprise_id",
        "zone_id",
        "industry",
        "period",
        *(pl.col(name) / 10_000 for name in SOFT_FIELDS),
    )


def write(
    sheet: Sheet,
    *,
    by: User,
    filename: str,
    unit: MoneyUnit,
    electricity_unit: str = "万千瓦时",
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportResult:
    """Check every row of the sheet and, when none is wrong, write the new and changed returns
    set-based, in one transaction (the returns' writer of the import framework)."""
    today = today or timezone.localdate()
    with transaction.atomic(), ledger_reuse():
        prepared = prepare(
            sheet,
            by=by,
            unit=unit,
            kwh=ENERGY_UNITS[electricity_unit],
            today=today,
            progress=progress,
        )
        rows = prepared.rows
        if not rows and not prepared.errors:
            message = _("The file has no rows of returns below its header row.")
            return ImportResult.rejected(message, code="empty")
        if prepared.errors:
            return ImportResult(rows=rows, errors=prepared.errors)
        candidates = prepared.candidates
        stored = lookups.stored_returns(
            enterprise_ids=candidates["enterprise_id"],
            first=candidates["period"].min(),  # type: ignore[arg-type]
            last=candidates["period"].max(),  # type: ignore[arg-type]
        )
        plan = writer.plan(candidates, stored)
        refused = _respondents_own(plan)
        if refused:
            return ImportResult(rows=rows, errors=refused)
        total = plan.created.height + plan.updated.height
        now = timezone.now()
        if progress:
            progress("write", 0, total)
        keys = pl.concat(
            [
                writer.upsert(
                    plan.created,
                    by=by,
                    now=now,
                    progress=progress,
                    done=0,
                    total=total,
                    new=True,
                ),
                writer.upsert(
                    plan.updated,
                    by=by,
                    now=now,
                    progress=progress,
                    done=plan.created.height,
                    total=total,
                ),
            ]
        )
        ids = keys["id"].to_list()
        # The written returns with their ids and figures (whole units), for the ledger and review.
        written = keys.join(candidates, on=writer.KEY, how="inner")
        ledger_record(written.select("enterprise_id", "period", *LEDGER_FIELDS))
        # The months the file reports are open for reporting from now on (if they were not).
        months = written.select("zone_id", "period").unique()
        reporting_months_ensure(
            zip(months["zone_id"].to_list(), months["period"].to_list(), strict=True)
        )
        writer.log_updates(
            updated=plan.updated, before=plan.before, by=by, now=now, file_name=filename
        )
        _uncount(plan.before)
        if ids:
            if progress:
                progress("review", 0, len(ids))
            review_returns(return_ids=ids, written=_as_stored(written))
            if progress:
                progress("review", len(ids), len(ids))
            with acting_as(by):
                ReturnImport.objects.create(
                    by=by,
                    file_name=filename[:255],
                    sha256=sheet.sha256,
                    unit=unit.value,
                    rows=rows,
                    created=plan.created.height,
                    updated=plan.updated.height,
                    unchanged=plan.unchanged,
                )
        return ImportResult(
            rows=rows,
            created=plan.created.height,
            updated=plan.updated.height,
            unchanged=plan.unchanged,
        )


RETURNS_IMPORT = ImportKind(
    kind="returns",
    spec=RETURNS,
    write=write,
    # Whole months: the statistics office of a zone, its administrator, the platform. Enterprise
    # reporters write their own return in the browser, never a file for others.
    action="returns.import",
    refusal=gettext_lazy("You may not import returns."),
    template=TEMPLATE,
    template_url="returns:return-import-template",
    units=tuple(MoneyUnit),
    default_unit=MoneyUnit.WAN,
    unit_help=gettext_lazy(
        "For headers without a unit; a unit in a column header, e.g. 营业收入(千元), wins."
    ),
    electricity_units=tuple(ENERGY_UNITS),
    phases={"read": 10, "validate": 40, "write": 90, "review": 100},
    page=ImportPage(
        title=gettext_lazy("Import returns"),
        pretitle=gettext_lazy("Monthly returns"),
        help=gettext_lazy(
            "One row per enterprise and month, found by its 统一社会信用代码 and 报告期 (2025-03, "
            "2025年3月 or 202503). Give each figure for the month, from January to the month "
            "(columns ending in 1-本月累计), or both: the missing one is derived from the months "
            "stored before. Headers are matched whatever their spacing, brackets or unit suffix; "
            "unknown columns are ignored."
        ),
        done=gettext_lazy(
            "%(rows)s rows read: %(created)s returns created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        ),
        done_link=("returns:review-queue", gettext_lazy("Review queue")),
    ),
)
# returns_import(*, by, file, filename, unit=万元, electricity_unit="万千瓦时", progress=None,
# today=None): import the returns
# of a workbook or CSV file; nothing is written when any row is wrong. `by` None is the platform
# itself (benchmarks, the demo loader); a person must be an importer and can only import returns
# of enterprises in their scope.
returns_import = RETURNS_IMPORT.run
