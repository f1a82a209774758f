"""Excel export of a list: the rows the user is looking at, nothing more; logged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kaifaqu.core.audit import export_record
from kaifaqu.core.exports import (
    BOLD,
    SHEET_NAME_MAX,
    XLSX_TYPE,
    ExportWorkbook,
    Style,
)
from kaifaqu.core.views.tables import Column

if TYPE_CHECKING:
    from django.http import HttpResponse

__all__ = ["SHEET_NAME_MAX", "XLSX_TYPE", "xlsx_download", "xlsx_sheets"]


def xlsx_sheets(sheets: Sequence[tuple[str, Sequence[Column], Iterable[Any]]]) -> tuple[bytes, int]:
    """A workbook of several sheets (title, columns, rows); the number of data rows written."""
    workbook = ExportWorkbook()
    count = 0
    for title, columns, objects in sheets:
        sheet = workbook.sheet(title)
        sheet.append([str(column.label) for column in columns], Style(font=BOLD))
        numbers = Style(number_formats=tuple(column.number_format for column in columns))
        for obj in objects:
            sheet.append([column.export_value(obj) for column in columns], numbers)
            count += 1
    return workbook.content(), count


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
