"""The downloadable template of a kind of file: a sheet of headers, and a sheet of notes.

An app declares an `ImportTemplate` with its kind (the file's name, the sheet names, the
headers and the notes, each note a translatable sentence); `template_workbook` writes it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font


@dataclass(frozen=True)
class ImportTemplate:
    filename: str  # e.g. returns-template.xlsx
    sheet: str  # the first sheet's name, e.g. 月度报表
    headers: Callable[[], list[str]]
    notes: Sequence[str | Promise]  # one line each on the notes sheet, in the user's language
    notes_sheet: str = "说明"
    notes_width: int = 110
    freeze: str = "A2"


def template_workbook(template: ImportTemplate) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = template.sheet
    sheet.append(template.headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = template.freeze
    notes = workbook.create_sheet(template.notes_sheet)
    for line in template.notes:
        notes.append([str(line)])
    notes.column_dimensions["A"].width = template.notes_width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
