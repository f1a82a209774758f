"""A corpus of hostile files, built at test time in a temporary directory (nothing big is
committed): decompression bombs, millions of rows in a small file, huge cells, billion laughs,
formulas without values, macros, disguised files, broken zips.

Workbooks are written member by member with zipfile, the sheet's XML streamed in chunks, so that
building a bomb does not itself take the memory the test measures."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from openpyxl import Workbook

HEAD = "统一社会信用代码,单位详细名称,报告期,营业收入(万元)"
USCC = "91140600MA0K000001"

_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_CLOSE = "</sheetData></worksheet>"


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    cells = "".join(inline(f"{c}1", h) for c, h in zip("ABCD", HEAD.split(","), strict=True))
    return f'<row r="1">{cells}</row>'


def workbook(
    path: Path,
    sheet: Iterable[str],
    *,
    strings: Iterable[str] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A minimal .xlsx whose first sheet's XML is the chunks of `sheet`, streamed."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for chunk in sheet:
                member.write(chunk.encode())
        if strings is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
                for chunk in strings:
                    member.write(chunk.encode())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def plain_rows(count: int) -> Iterator[str]:
    yield SHEET_OPEN + header_row()
    batch = []
    for number in range(2, count + 2):
        batch.append(f'<row r="{number}"><c r="D{number}"><v>1</v></c></row>')
        if len(batch) == 10_000:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + SHEET_CLOSE


def good(path: Path) -> Path:
    """A small, plain workbook every reader accepts: the header and one row."""
    row = (
        f'<row r="2">{inline("A2", USCC)}{inline("B2", "鑫磊陶瓷")}{inline("C2", "2025-03")}'
        '<c r="D2"><v>1500</v></c></row>'
    )
    return workbook(path, [SHEET_OPEN, header_row(), row, SHEET_CLOSE])


def zip_bomb(path: Path) -> Path:
    """50 MiB of blanks inside the sheet's XML: a thousand times its compressed size."""
    blank = " " * (1024 * 1024)
    return workbook(path, [SHEET_OPEN, header_row(), *(blank for _ in range(50)), SHEET_CLOSE])


def millions_of_rows(path: Path) -> Path:
    """Three million rows in a file of a few megabytes."""
    return workbook(path, plain_rows(3_000_000))


def huge_cell(path: Path, mib: int = 64) -> Path:
    """One cell of `mib` MiB of text, inline in the sheet."""
    block = "A" * (1024 * 1024)
    return workbook(
        path,
        [
            SHEET_OPEN,
            header_row(),
            '<row r="2"><c r="B2" t="inlineStr"><is><t>',
            *(block for _ in range(mib)),
            "</t></is></c></row>",
            SHEET_CLOSE,
        ],
    )


def huge_shared_string(path: Path, mib: int = 64) -> Path:
    """One shared string of `mib` MiB, used by a cell."""
    block = "B" * (1024 * 1024)
    sheet = [SHEET_OPEN, header_row(), '<row r="2"><c r="B2" t="s"><v>0</v></c></row>', SHEET_CLOSE]
    strings = [
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>',
        *(block for _ in range(mib)),
        "</t></si></sst>",
    ]
    return workbook(path, sheet, strings=strings)


def billion_laughs(path: Path) -> Path:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{header_row()}<row r="2"><c r="B2" t="inlineStr"><is><t>&lol9;</t></is>'
        "</c></row></sheetData></worksheet>"
    )
    return workbook(path, [sheet])


def formula_without_value(path: Path) -> Path:
    """What openpyxl (and many tools) write: a formula, no cached result."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEAD.split(","))
    for month in range(1, 6):
        sheet.append([USCC, "鑫磊陶瓷", f"2025-0{month}", 100])
    sheet.append([USCC, "=SUM(D2:D6)", "2025-06", 100])  # B7
    book.save(path)
    return path


def formula_with_value(path: Path) -> Path:
    row = (
        f'<row r="2">{inline("A2", USCC)}{inline("C2", "2025-03")}'
        '<c r="D2"><f>1000+500</f><v>1500</v></c></row>'
    )
    return workbook(path, [SHEET_OPEN, header_row(), row, SHEET_CLOSE])


def with_macros(path: Path) -> Path:
    """An .xlsm renamed .xlsx: its VBA project inside."""
    good(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 512)
    return path


def with_embedded_workbook(path: Path) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("x", "y")
    good(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/embeddings/Microsoft_Excel_Worksheet1.xlsx", inner.getvalue())
    return path


def truncated(path: Path) -> Path:
    good(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def html_as_xlsx(path: Path) -> Path:
    path.write_text(
        "<!DOCTYPE html><html><body><table><tr><td>统一社会信用代码</td></tr></table></body>"
        "</html>",
        encoding="utf-8",
    )
    return path


def csv_as_xlsx(path: Path) -> Path:
    path.write_text(HEAD + "\n" + f"{USCC},鑫磊陶瓷,2025-03,1500\n", encoding="gbk")
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def binary_as_csv(path: Path) -> Path:
    """Not text in any encoding: bytes with NULs, named .csv."""
    path.write_bytes(bytes(range(256)) * 64)
    return path


def bad_utf8_in_sheet(path: Path) -> Path:
    """A sheet whose XML says UTF-8 and is not."""
    row = f'<row r="2"><c r="B2" t="inlineStr"><is><t>{"鑫磊".encode("gbk").decode("latin-1")}'
    row += "</t></is></c></row>"
    with zipfile.ZipFile(good(path), "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        sheet = (SHEET_OPEN + header_row()).encode() + row.encode("latin-1") + SHEET_CLOSE.encode()
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def long_csv_line(path: Path) -> Path:
    path.write_text(HEAD + "\n" + f"{USCC}," + "长" * 2_000_000 + ",2025-03,1\n", encoding="utf-8")
    return path


BUILDERS: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "zip_bomb": ("bomb.xlsx", zip_bomb),
    "millions_of_rows": ("rows.xlsx", millions_of_rows),
    "huge_cell": ("cell.xlsx", huge_cell),
    "huge_shared_string": ("shared.xlsx", huge_shared_string),
    "billion_laughs": ("laughs.xlsx", billion_laughs),
    "formula_without_value": ("formula.xlsx", formula_without_value),
    "macros": ("macros.xlsx", with_macros),
    "embedded": ("embedded.xlsx", with_embedded_workbook),
    "truncated": ("truncated.xlsx", truncated),
    "html_as_xlsx": ("page.xlsx", html_as_xlsx),
    "csv_as_xlsx": ("table.xlsx", csv_as_xlsx),
    "empty": ("empty.xlsx", empty),
    "binary_as_csv": ("binary.csv", binary_as_csv),
    "bad_utf8_in_sheet": ("utf8.xlsx", bad_utf8_in_sheet),
    "long_csv_line": ("line.csv", long_csv_line),
}
