"""The one spreadsheet writer of the platform: every export and template is written here.

Text from users (an enterprise's name, a reporter's explanation, a project's investor) reaches
the statistician's workbook. Excel, WPS and LibreOffice run a cell whose text begins with `=`,
`+`, `-` or `@` (and, after a tab or carriage return, the same) as a formula: `=HYPERLINK(…)` can
send the row's neighbours to a stranger's server. Following the OWASP CSV-injection guidance, such
text is written with a leading single quote AND as a string cell, so neither openpyxl nor the
spreadsheet program takes it for a formula. Numbers stay numbers: a negative number is a number.

No other module imports openpyxl to write (a test looks); they hand rows of values to
`ExportWorkbook`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel's own limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = "\\/?*[]:"

# The first characters that make a spreadsheet program read text as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def neutralised(value: Any) -> Any:
    """The value as an export writes it: text that could start a formula gets a leading quote;
    numbers, dates, booleans and empty cells are left alone; other objects become their text."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime | time):
        return value
    # Lazy translations and model instances are written as their text; str() of text is itself.
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def sheet_title(text: str) -> str:
    """A title Excel accepts as a sheet name."""
    return "".join(c for c in text if c not in SHEET_NAME_FORBIDDEN)[:SHEET_NAME_MAX]


@dataclass(frozen=True)
class Style:
    """How one row's cells look: a font, an alignment, and per column an Excel number format."""

    font: Font | None = None
    alignment: Alignment | None = None
    number_formats: tuple[str | None, ...] = ()


class ExportSheet:
    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet

    def append(self, values: Iterable[Any], style: Style | None = None) -> None:
        """One row; every value passes `neutralised`, every text cell is a string cell."""
        self._sheet.append([self._cell(i, value, style) for i, value in enumerate(values)])

    def _cell(self, index: int, value: Any, style: Style | None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self._sheet, value=neutralised(value))
        if isinstance(cell.value, str):
            # The quote alone already keeps openpyxl from storing a formula; saying "string"
            # explicitly keeps it so whatever openpyxl's rule for `=` becomes.
            cell.data_type = "s"
        if style is not None:
            if style.font is not None:
                cell.font = style.font
            if style.alignment is not None:
                cell.alignment = style.alignment
            formats = style.number_formats
            if index < len(formats) and formats[index] is not None and cell.value is not None:
                cell.number_format = formats[index]
        return cell

    def widths(self, widths: dict[str, float]) -> None:
        """Column widths by letter; set before the first row (the sheet streams)."""
        for letter, width in widths.items():
            self._sheet.column_dimensions[letter].width = width

    def freeze(self, cell: str) -> None:
        self._sheet.freeze_panes = cell


class ExportWorkbook:
    """A streamed workbook (write-only: a province-wide list does not sit in memory as cells)."""

    def __init__(self) -> None:
        self._workbook = Workbook(write_only=True)

    def sheet(self, title: str) -> ExportSheet:
        return ExportSheet(self._workbook.create_sheet(title=sheet_title(title)))

    def content(self) -> bytes:
        buffer = BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()
