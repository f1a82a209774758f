"""Importing a month of tax (应纳税额) or electricity (用电量) figures: all or nothing.

The tax bureau's and the grid's lists stand in for revenue of firms that do not report (上规入统).
They are read with the returns import's machinery (tolerant headers, periods, USCC, units, every
bad row reported), with a `FormSpec` of their own; each row gives one figure per kind. Figures
equal to the stored ones are left alone: importing the same file again changes nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.permissions import can_write
from kaifaqu.returns.imports import ImportResult
from kaifaqu.returns.imports.errors import UnreadableFileError
from kaifaqu.returns.imports.proxies import writer
from kaifaqu.returns.imports.proxies.spec import (
    PROXIES,
    SOURCE_LENGTH,
    TEMPLATE_FILENAME,
    template_workbook,
)
from kaifaqu.returns.imports.proxies.validation import prepare
from kaifaqu.returns.imports.reading import read_upload
from kaifaqu.returns.models import ProxyFigure

__all__ = [
    "TEMPLATE_FILENAME",
    "can_import_proxies",
    "proxies_import",
    "template_workbook",
]


def can_import_proxies(user: Any) -> bool:
    """Whoever may enter a figure by hand may import a list (the statistics office)."""
    return can_write(user, ProxyFigure)


def proxies_import(
    *,
    by: Any,
    file: BinaryIO | Path,
    filename: str,
    unit: MoneyUnit = MoneyUnit.WAN,
    source: str = "",
    today: date | None = None,
) -> ImportResult:
    """Import the figures of a workbook or CSV file; nothing is written when any row is wrong.

    `unit` is the money unit of 应纳税额 unless its header says otherwise; `source` is written
    on the figures of rows without a 来源; when neither is given, the file's name is written
    on new or changed figures only (a figure of the same value keeps the source it has).
    `by` None is the platform itself; a person must be a writer of proxy figures, in scope.
    """
    if by is not None and not can_import_proxies(by):
        raise PermissionDenied(_("You may not import tax or electricity figures."))
    today = today or timezone.localdate()
    try:
        sheet, _data = read_upload(file, filename, PROXIES)
    except UnreadableFileError as rejected:
        return ImportResult.rejected(rejected.message)
    with transaction.atomic():
        prepared = prepare(
            sheet,
            by=by,
            unit=unit,
            today=today,
            source=source.strip()[:SOURCE_LENGTH],
            file_name=filename[:SOURCE_LENGTH],
        )
        if prepared.errors:
            return ImportResult(rows=prepared.rows, errors=prepared.errors)
        if not prepared.figures.height:
            message = _("The file has no rows of figures below its header row.")
            return ImportResult.rejected(message, code="empty")
        plan = writer.plan(prepared.figures, writer.stored_figures(prepared.figures))
        writer.write(plan, by=by, now=timezone.now(), file_name=filename)
        return ImportResult(
            rows=prepared.rows,
            created=plan.created.height,
            updated=plan.updated.height,
            unchanged=plan.unchanged,
        )
