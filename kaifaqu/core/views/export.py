"""Excel export of a list: the rows the user is looking at, nothing more; logged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from kaifaqu.core.audit import export_record
from kaifaqu.core.views.tables import Column

if TYPE_CHECKING:
    from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel's own limit on a sheet name.
SHEET_NAME_MAX = 31


def xlsx_sheets(sheets: Sequence[tuple[str, Sequence[Column], Iterable[Any]]]) -> tuple[bytes, int]:
    """A workbook of several sheets (title, columns, rows); the number of data rows written."""
    # Write-only mode streams rows, so a province-wide list does not sit in memory as cells.
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    count = 0
    for title, columns, objects in sheets:
        sheet = workbook.create_sheet(title=title[:SHEET_NAME_MAX])
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=str(column.label))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formats = [column.number_format for column in columns]
        for obj in objects:
            values = [column.export_value(obj) for column in columns]
            sheet.append(
                [
                    value if number_format is None else _formatted(sheet, value, number_format)
                    for value, number_format in zip(values, formats, strict=True)
                ]
            )
            count += 1
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def _formatted(sheet: Any, value: Any, number_format: str) -> Any:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def xlsx_download(
    *,
    request: Any,
    filename: str,
    sheets: Sequence[tuple[str, Sequence[Column], Iterable[Any]]],
    what: str,
) -> HttpResponse:
    """The sheets as a download, recorded in the access log like every export (what, rows and
    the query that chose them)."""
    from django.http import HttpResponse

    content, count = xlsx_sheets(sheets)
    export_record(request=request, detail=f"{what}: {count} rows; {request.GET.urlencode()}")
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
