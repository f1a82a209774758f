"""The downloadable template: the national forms' headers, and a sheet saying the unit."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kaifaqu.returns.imports.headers import CUMULATIVE_SUFFIX, FIELD_TITLE, KEY_TITLE
from kaifaqu.returns.models import MONTHLY_FIELDS

TEMPLATE_FILENAME = "returns-template.xlsx"


def template_headers() -> list[str]:
    keys = [KEY_TITLE["uscc"], KEY_TITLE["name"], KEY_TITLE["period"]]
    months = [FIELD_TITLE[f] for f in MONTHLY_FIELDS]
    cumulated = [FIELD_TITLE[f] + CUMULATIVE_SUFFIX for f in MONTHLY_FIELDS if f != "employees"]
    return keys + months + cumulated


def template_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "月度报表"
    sheet.append(template_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("说明")
    for line in (
        _(
            "Money is in 千元 (thousand yuan) unless the import form or a column header says otherwise, e.g. 营业收入(万元)."
        ),
        _("用电量 is in 万千瓦时; 从业人员期末人数 is a head count at the end of the month."),
        _("报告期 may be written 2025-03, 2025年3月, 202503 or as a date."),
        _(
            "Give each figure for the month, or from January to the month (columns ending in 1-本月累计), or both."
        ),
        _("One row per enterprise and month; the enterprise is found by its 统一社会信用代码."),
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
