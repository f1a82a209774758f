"""The downloadable template of a kind of file: a sheet of headers, and a sheet of notes.

An app declares an `ImportTemplate` with its kind (the file's name, the sheet names, the
headers and the notes, each note a translatable sentence); `template_workbook` writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise

from kaifaqu.core.exports import BOLD, ExportWorkbook, Style


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
    workbook = ExportWorkbook()
    sheet = workbook.sheet(template.sheet)
    sheet.freeze(template.freeze)
    sheet.append(template.headers(), Style(font=BOLD))
    notes = workbook.sheet(template.notes_sheet)
    notes.widths({"A": template.notes_width})
    for line in template.notes:
        notes.append([str(line)])
    return workbook.content()
