"""Reading a workbook (fastexcel) or a CSV file (polars) into a frame of cells, for every kind
of import.

Workbook columns keep the type fastexcel infers from all their rows; CSV cells are read as text,
so that the checks that follow can say which cell is wrong instead of a reader guessing a type for
a whole column. A CSV file's encoding is UTF-8 (with or without a BOM) or, as Chinese offices'
tools write it, GBK / GB18030 (detected with charset-normalizer). Row numbers are kept as the user
sees them. Every file first passes `guard` (sizes, zip ratios, rows, cells, formulas without a
value, macros, a time limit; limits in the KFQ_IMPORT_* settings), and the native readers run
`guard.contained`; the header row is looked for in the first HEADER_SEARCH_ROWS rows.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import fastexcel
import polars as pl
from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

from kaifaqu.core.imports import guard
from kaifaqu.core.imports.errors import UnreadableFileError
from kaifaqu.core.imports.headers import FormSpec, MatchedColumn, match_header

ROW = "__row"
HEADER_SEARCH_ROWS = 10


@dataclass
class Sheet:
    frame: pl.DataFrame  # text columns c0…cN and ROW, the Excel row number
    header_row: int  # the Excel row of the headers
    columns: list[MatchedColumn]
    ignored: list[str]
    sha256: str = ""  # of the file's bytes


_is_zip = guard.is_zip


def _unreadable() -> str:
    return _("The file could not be read as an Excel workbook (%(error)s).")


def _excel_reader(data: bytes, deadline: guard.Deadline) -> Any:
    return guard.contained(
        lambda: fastexcel.read_excel(data), deadline=deadline, what=_unreadable()
    )


def _load(reader: Any, deadline: guard.Deadline, **options: Any) -> pl.DataFrame:
    frame: pl.DataFrame = guard.contained(
        lambda: reader.load_sheet(0, **options).to_polars(), deadline=deadline, what=_unreadable()
    )
    return frame


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_DETECT_BYTES = 1024 * 1024


def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with a BOM or without), UTF-16 with its BOM, GBK or
    GB18030 (GB18030 contains GBK and GB2312), or what charset-normalizer finds.

    Files from Chinese offices are UTF-8 or GBK: a file that decodes as GB18030 is read as
    GB18030 before any guess, because detectors often take short Chinese texts for Big5 or
    Shift-JIS. charset-normalizer names the encoding of the rest (a Windows-1252 export, UTF-16
    without a BOM), from the file's first megabyte."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:_DETECT_BYTES]).best()
    if best is not None:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise UnreadableFileError(_("The CSV file is neither UTF-8 nor GB18030 text."))


def _check_lines(text: str, limits: guard.Limits, deadline: guard.Deadline) -> None:
    """A CSV file's lines: at most max_rows of them, none longer than max_line_chars (a line is
    a row; polars would otherwise hold a one-line gigabyte). Found without splitting the text."""
    lines = text.count("\n") + 1
    if lines > limits.max_rows + HEADER_SEARCH_ROWS:
        raise UnreadableFileError(
            _("The file has more than %(max)s rows; at most %(max)s rows can be imported.")
            % {"max": limits.max_rows}
        )
    start = 0
    line = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line += 1
        if end - start > limits.max_line_chars:
            raise UnreadableFileError(
                _("Line %(line)s of the file is longer than %(max)s characters.")
                % {"line": line, "max": limits.max_line_chars}
            )
        start = end + 1
        if line % 65536 == 0:
            deadline.check()


def _read_csv(data: bytes, limits: guard.Limits, deadline: guard.Deadline) -> pl.DataFrame:
    text = decode_text(data)
    if "\x00" in text[:4096]:
        raise UnreadableFileError(_("The file is neither an Excel workbook nor a CSV file."))
    _check_lines(text, limits, deadline)
    deadline.check()
    encoded = text.encode("utf-8")
    del text
    frame: pl.DataFrame = guard.contained(
        lambda: pl.read_csv(
            io.BytesIO(encoded), has_header=False, infer_schema=False, truncate_ragged_lines=True
        ),
        deadline=deadline,
        what=_("The file could not be read as CSV (%(error)s)."),
    )
    for index, column in enumerate(frame.columns):
        longest = frame.get_column(column).str.len_chars().max()
        if isinstance(longest, int) and longest > limits.max_cell_chars:
            row = frame.select(pl.col(column).str.len_chars().arg_max()).item() + 1
            raise UnreadableFileError(
                _(
                    "Cell %(cell)s holds more than %(max)s characters; "
                    "a cell may hold at most %(max)s."
                )
                % {"cell": f"{guard.column_letters(index)}{row}", "max": limits.max_cell_chars}
            )
    return frame


_FIRST_SHEET = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]+)"')
_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*>(.*?)</row>', re.S)


def _first_filled_row(data: bytes) -> int | None:
    """The Excel row number of the first row with a value in the first sheet, read from the
    start of its XML (a few kilobytes), or None when the workbook is laid out otherwise."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet_id = _FIRST_SHEET.search(archive.read("xl/workbook.xml"))
            rels = archive.read("xl/_rels/workbook.xml.rels")
            if sheet_id is None:
                return None
            target = re.search(
                rb'<Relationship\b[^>]*?Id="'
                + re.escape(sheet_id.group(1))
                + rb'"[^>]*?Target="([^"]+)"',
                rels,
            ) or re.search(
                rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="'
                + re.escape(sheet_id.group(1))
                + rb'"',
                rels,
            )
            if target is None:
                return None
            path = target.group(1).decode().lstrip("/")
            path = path if path.startswith("xl/") else "xl/" + path
            with archive.open(path) as sheet:
                head = sheet.read(256 * 1024)
    except (KeyError, zipfile.BadZipFile, OSError, UnicodeDecodeError):
        return None
    for row in _ROW.finditer(head):
        if b"<v>" in row.group(2) or b"<v " in row.group(2) or b"<is>" in row.group(2):
            return int(row.group(1))
    return None


def _read_below_first_row(
    reader: Any, data: bytes, spec: FormSpec, deadline: guard.Deadline
) -> tuple[int, list[MatchedColumn], list[str], pl.DataFrame] | None:
    """The common layout, read in one pass: the headers in the sheet's first filled row."""
    first = _first_filled_row(data) if _is_zip(data) else None
    if first is None or first > HEADER_SEARCH_ROWS:
        return None
    body = _load(reader, deadline, header_row=0, schema_sample_rows=None)
    matched = [match_header(i, name, spec) for i, name in enumerate(body.columns)]
    if not any(m is not None and m.target == spec.anchor for m in matched):
        return None
    columns = [m for m in matched if m is not None]
    ignored = [name for name, m in zip(body.columns, matched, strict=True) if m is None]
    ignored = [name for name in ignored if not name.startswith("__UNNAMED__")]
    return first, columns, ignored, _number_rows(body, first + 1)


def _number_rows(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    frame = frame.rename({name: f"c{i}" for i, name in enumerate(frame.columns)})
    return frame.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))


def _too_many(rows: int, limits: guard.Limits) -> None:
    if rows > limits.max_rows:
        raise UnreadableFileError(
            _("The file has %(rows)s rows; at most %(max)s rows can be imported at once.")
            % {"rows": rows, "max": limits.max_rows}
        )


def read_sheet(file: IO[bytes], filename: str, spec: FormSpec) -> Sheet:
    """The file's table below its header row, the headers matched, and the file's checksum.

    Workbooks: the first rows are read as text to find the header row, then the body with
    each column's type inferred from ALL its rows (a column with any text cell stays text, so
    no cell is silently lost); numbers stay numbers, text is parsed later with messages.
    CSV files are read as text. ROW is the row number as Excel or an editor shows it.
    """
    limits = guard.Limits.from_settings()
    deadline = guard.Deadline(limits.seconds)
    data = file.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise UnreadableFileError(
            _("The file is larger than %(max)s MB.") % {"max": limits.max_bytes // guard.MB}
        )
    if not data.strip():
        raise UnreadableFileError(_("The file is empty."))
    name = filename.lower()
    if _is_zip(data) or name.endswith((".xlsx", ".xlsm", ".xls")):
        if _is_zip(data):
            guard.check_workbook(data, limits, deadline)
        elif data[:8] != guard.OLE:
            raise UnreadableFileError(guard.not_a_workbook(data))
        reader = _excel_reader(data, deadline)
        fast = _read_below_first_row(reader, data, spec, deadline)
        if fast is not None:
            header_row, columns, ignored, frame = fast
        else:
            head = _number_rows(
                _load(
                    reader,
                    deadline,
                    header_row=None,
                    skip_rows=0,
                    n_rows=HEADER_SEARCH_ROWS,
                    dtypes="string",
                ),
                1,
            )
            header_row, columns, ignored = locate_columns(head, spec)
            names = [f"c{i}" for i in range(head.width - 1)]
            body = _load(
                reader,
                deadline,
                header_row=None,
                column_names=names,
                skip_rows=header_row,
                schema_sample_rows=None,
            )
            frame = _number_rows(body, header_row + 1)
        _too_many(frame.height, limits)
    else:
        text = _number_rows(_read_csv(data, limits, deadline), 1)
        header_row, columns, ignored = locate_columns(text, spec)
        frame = text.slice(header_row)
        _too_many(frame.height, limits)
    return Sheet(
        frame=frame,
        header_row=header_row,
        columns=columns,
        ignored=ignored,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def read_upload(file: IO[bytes] | Path, filename: str, spec: FormSpec) -> Sheet:
    """read_sheet of an uploaded file or of a file on disk (the command line)."""
    if isinstance(file, Path):
        with file.open("rb") as handle:
            return read_sheet(handle, filename, spec)
    return read_sheet(file, filename, spec)


def locate_columns(
    frame: pl.DataFrame, spec: FormSpec
) -> tuple[int, list[MatchedColumn], list[str]]:
    """The header row (its row number, within the first rows), its matched and ignored headers."""
    value_columns = [c for c in frame.columns if c != ROW]
    head = frame.head(HEADER_SEARCH_ROWS)
    for row in head.iter_rows(named=True):
        matched = [match_header(i, row[c], spec) for i, c in enumerate(value_columns)]
        if any(m is not None and m.target == spec.anchor for m in matched):
            columns = [m for m in matched if m is not None]
            ignored = [
                str(row[c])
                for c, m in zip(value_columns, matched, strict=True)
                if m is None and row[c]
            ]
            return int(row[ROW]), columns, ignored
    raise UnreadableFileError(
        _(
            "No header row with the column %(header)s was found in the first %(rows)s rows; "
            "download the template to see the expected headers."
        )
        % {"header": spec.title(spec.anchor), "rows": HEADER_SEARCH_ROWS}
    )
