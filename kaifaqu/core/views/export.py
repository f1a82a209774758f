"""Excel export of a registry list: the rows the user is looking at, nothing more."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from kaifaqu.core.views.tables import Column

# Excel's own limit on a sheet name.
SHEET_NAME_MAX = 31


def xlsx_bytes(
    *, title: str, columns: Sequence[Column], objects: Iterable[Any]
) -> tuple[bytes, int]:
    """The workbook and the number of data rows written."""
    # Write-only mode streams rows, so a province-wide list does not sit in memory as cells.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:SHEET_NAME_MAX])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for obj in objects:
        sheet.append([column.export_value(obj) for column in columns])
        count += 1
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count
