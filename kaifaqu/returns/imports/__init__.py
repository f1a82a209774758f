"""Importing a month of returns from an Excel workbook or a CSV file: all or nothing.

`returns_import` reads the file (fastexcel or polars), matches its headers tolerantly, turns cells
into figures in the stored units, derives 本月 from 1–本月累计 (or checks them), runs the review's
hard rules, and only when no row has an error writes every new or changed return in one
transaction, set-based. Rows equal to the stored return are left alone: importing the same file
again changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.audit import acting_as
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.permissions import Role
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.returns.imports import lookups, writer
from kaifaqu.returns.imports.errors import RowError, UnreadableFileError
from kaifaqu.returns.imports.reading import read_upload
from kaifaqu.returns.imports.template import TEMPLATE_FILENAME, template_workbook
from kaifaqu.returns.imports.validation import prepare
from kaifaqu.returns.models import ReturnImport, ReturnStatus
from kaifaqu.returns.models.ledger import LEDGER_FIELDS
from kaifaqu.returns.review import review_returns
from kaifaqu.returns.review.engine import SOFT_FIELDS
from kaifaqu.returns.selectors.ledger import ledger_reuse
from kaifaqu.returns.services.changes import returns_changed
from kaifaqu.returns.services.ledger import ledger_record

__all__ = [
    "IMPORTERS",
    "TEMPLATE_FILENAME",
    "ImportResult",
    "RowError",
    "can_import_returns",
    "returns_import",
    "template_workbook",
]

# Who imports whole months: the statistics office of a zone, its administrator, the platform.
# Enterprise reporters write their own return in the browser, never a file for others.
IMPORTERS = frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.STATISTICIAN})
Progress = Callable[[str, int, int], None]


def can_import_returns(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "role", None) in IMPORTERS
    )


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @classmethod
    def rejected(cls, message: str, code: str = "file") -> ImportResult:
        """The result of a file refused as a whole (unreadable, no rows)."""
        return cls(errors=[RowError(row=None, column="", code=code, message=message)])


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


def returns_import(
    *,
    by: Any,
    file: BinaryIO | Path,
    filename: str,
    unit: MoneyUnit = MoneyUnit.THOUSAND,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import the returns of a workbook or CSV file; nothing is written when any row is wrong.

    `by` None is the platform itself (benchmarks, the demo loader); a person must be an importer
    and can only import returns of enterprises in their scope.
    """
    if by is not None and not can_import_returns(by):
        raise PermissionDenied(_("You may not import returns."))
    today = today or timezone.localdate()
    if progress:
        progress("read", 0, 1)
    try:
        sheet, data = read_upload(file, filename)
    except UnreadableFileError as rejected:
        return ImportResult.rejected(rejected.message)

    with transaction.atomic(), ledger_reuse():
        prepared = prepare(sheet, by=by, unit=unit, today=today, progress=progress)
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
                    sha256=hashlib.sha256(data).hexdigest(),
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
