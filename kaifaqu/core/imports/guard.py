"""The guard every uploaded file passes before a reader touches it (issue 15, item 7).

The native readers (fastexcel/calamine, polars) read a whole sheet into memory and a panic in
them is a `BaseException` no handler catches, so nothing hostile may reach them: a 67 KB
workbook can hold a 64 MiB cell and a 1 MB one three million rows. Here, before any of it is
decompressed, the zip's central directory is inspected (sizes, ratios, members, macros); then the
first sheet's XML and the shared strings are streamed in 4 MB chunks, with C-speed primitives
only (no parser: a DTD, and so any billion laughs, is refused outright, as no worksheet has one;
defusedxml is not in the lock), counting rows and measuring cells without keeping them, and
finding formulas without a cached value (read as blank, they would overwrite a stored figure with nothing). Only
a file known to be small and plain is handed to fastexcel, in a thread with a time limit, with
any failure of the native code (pyo3's PanicException included) turned into a clear refusal.

Every limit is a setting (`KFQ_IMPORT_*`, documented in docs/operations.md) read at call time.
A message quotes the file at most `EXCERPT` characters.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

from kaifaqu.core.imports.errors import UnreadableFileError, excerpt

T = TypeVar("T")
MB = 1024 * 1024

# Excel's own limit of a cell's text.
EXCEL_CELL_CHARS = 32_767


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # the uploaded file
    max_uncompressed: int  # all the members of a workbook, decompressed
    max_sheet_xml: int  # the first sheet's XML (and the shared strings), decompressed
    max_ratio: int  # a member's uncompressed size over its compressed size
    max_members: int
    max_rows: int
    max_cell_chars: int
    max_line_chars: int  # a CSV file's line
    seconds: float  # reading, all steps together

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=int(getattr(settings, "KFQ_IMPORT_MAX_MB", 100)) * MB,
            max_uncompressed=int(getattr(settings, "KFQ_IMPORT_MAX_UNCOMPRESSED_MB", 500)) * MB,
            max_sheet_xml=int(getattr(settings, "KFQ_IMPORT_MAX_SHEET_XML_MB", 400)) * MB,
            max_ratio=int(getattr(settings, "KFQ_IMPORT_MAX_RATIO", 100)),
            max_members=int(getattr(settings, "KFQ_IMPORT_MAX_MEMBERS", 1000)),
            max_rows=int(getattr(settings, "KFQ_IMPORT_MAX_ROWS", 500_000)),
            max_cell_chars=int(getattr(settings, "KFQ_IMPORT_MAX_CELL_CHARS", EXCEL_CELL_CHARS)),
            max_line_chars=int(getattr(settings, "KFQ_IMPORT_MAX_LINE_CHARS", 1_000_000)),
            seconds=float(getattr(settings, "KFQ_IMPORT_READ_SECONDS", 120)),
        )


class Deadline:
    """The time left for reading one file, checked between steps and while streaming."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def left(self) -> float:
        return self.ends - time.monotonic()

    def check(self) -> None:
        if self.left() <= 0:
            raise UnreadableFileError(too_slow(self.seconds))


def too_slow(seconds: float) -> str:
    return _(
        "Reading the file took longer than %(seconds)s seconds; split it into smaller files."
    ) % {"seconds": f"{seconds:g}"}


# ---------------------------------------------------------------------------------------------
# What a file is, from its first bytes


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (BIFF), or an encrypted .xlsx
_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<table|<\?xml[^>]*>\s*<html|<head|<body)", re.I)


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def not_a_workbook(data: bytes) -> str:
    """Why a file named .xlsx/.xls is not one, in words the user can act on."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if _HTML.match(head):
        return _(
            "This is not an Excel workbook: it is a web page (HTML) named like one. Open it in "
            "Excel and save it as an Excel workbook (.xlsx)."
        )
    if b"\x00" not in head[:1024]:
        return _(
            "This is not an Excel workbook: it is a text (CSV) file named like one. Give it the "
            "extension .csv, or open it in Excel and save it as an Excel workbook (.xlsx)."
        )
    return _("This is not an Excel workbook although its name says so.")


# ---------------------------------------------------------------------------------------------
# The zip's central directory, before anything is decompressed

# What a workbook holds besides its XML: pictures, printer settings, a thumbnail.
_PLAIN: tuple[str, ...] = (".xml", ".rels", ".vml", ".png", ".jpg", ".jpeg", ".gif", ".bmp")
_PLAIN += (".emf", ".wmf", ".tif", ".tiff", ".svg")
_MACROS = re.compile(r"(^|/)(vbaProject|vbaProjectSignature|vbaData)\.(bin|xml)$", re.I)
_PRINTER = re.compile(r"^xl/printerSettings/printerSettings\d+\.bin$")


def inspect_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The workbook's archive, refused unless every member is plain and small: sizes and ratios
    come from the central directory, so nothing is decompressed to refuse a bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UnreadableFileError(
            _("The workbook is damaged or incomplete (%(error)s); save it again in Excel.")
            % {"error": excerpt(str(error))}
        ) from error
    if len(members) > limits.max_members:
        raise UnreadableFileError(
            _("The workbook holds %(count)s parts; at most %(max)s are accepted.")
            % {"count": len(members), "max": limits.max_members}
        )
    if not any(m.filename == "xl/workbook.xml" for m in members):
        raise UnreadableFileError(
            _("This zip file is not an Excel workbook (it has no xl/workbook.xml).")
        )
    total = 0
    for member in members:
        name = member.filename
        if _MACROS.search(name):
            raise UnreadableFileError(
                _(
                    "The workbook contains macros (VBA), which are not accepted. Save it in "
                    "Excel as “Excel Workbook (*.xlsx)”, without macros, and import that file."
                )
            )
        lower = name.lower()
        nested = lower.startswith(("xl/embeddings/", "xl/activex/")) or lower.endswith(
            (".zip", ".xlsx", ".xlsm", ".docx", ".jar", ".exe", ".dll", ".cab", ".ole")
        )
        unsafe = name.startswith("/") or ".." in posixpath.normpath(name).split("/")
        if nested or unsafe:
            raise UnreadableFileError(
                _(
                    "The workbook contains an embedded file or object (%(name)s), which is not "
                    "accepted; copy its table into a plain workbook."
                )
                % {"name": excerpt(name)}
            )
        if not (name.endswith("/") or lower.endswith(_PLAIN) or _PRINTER.match(name)):
            raise UnreadableFileError(
                _("The workbook contains a part of an unknown kind (%(name)s).")
                % {"name": excerpt(name)}
            )
        if member.flag_bits & 0x1:
            raise UnreadableFileError(
                _("The workbook is encrypted; save it without a password and import that file.")
            )
        total += member.file_size
        if member.file_size > 1 * MB and member.file_size > limits.max_ratio * max(
            member.compress_size, 1
        ):
            raise UnreadableFileError(
                _(
                    "The workbook is compressed more than %(ratio)s times (%(name)s), as only a "
                    "decompression bomb is; it is not read."
                )
                % {"ratio": limits.max_ratio, "name": excerpt(name)}
            )
    if total > limits.max_uncompressed:
        raise UnreadableFileError(
            _("Decompressed, the workbook would take %(size)s MB; at most %(max)s MB are read.")
            % {"size": total // MB, "max": limits.max_uncompressed // MB}
        )
    return archive


_FIRST_SHEET = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]+)"')


def first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The member holding the workbook's first sheet (the one fastexcel reads as sheet 0)."""
    try:
        workbook = _read_small(archive, "xl/workbook.xml")
        rels = _read_small(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    sheet_id = _FIRST_SHEET.search(workbook)
    if sheet_id is None:
        return None
    for relation in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = relation.group(0)
        if re.search(rb'\bId="' + re.escape(sheet_id.group(1)) + rb'"', tag):
            target = re.search(rb'\bTarget="([^"]+)"', tag)
            if target is None:
                return None
            path = target.group(1).decode("utf-8", "replace")
            path = path.lstrip("/") if path.startswith("/") else posixpath.join("xl", path)
            return posixpath.normpath(path)
    return None


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 16 * MB) -> bytes:
    if archive.getinfo(name).file_size > limit:
        raise UnreadableFileError(_("The workbook's %(name)s is too large.") % {"name": name})
    return archive.read(name)


# ---------------------------------------------------------------------------------------------
# The sheet's XML, streamed
#
# Python callbacks per element (expat) took 19 s for a province's month (161 MB of XML); here
# every step is a C-speed primitive (decode, split, count, a regex that matches only what is
# refused), about a second for the same sheet. Pieces end at a row's (or a shared string's) end,
# so nothing straddles two pieces; what is left over is carried, and a carry that grows past
# CARRY_MAX is one row (or string) too large to be a table's.

CHUNK = 4 * MB
CARRY_MAX = 32 * MB
_PREFIX = r"(?:[A-Za-z_][\w.-]*:)?"
_STRING_TAG = re.compile(rf"<{_PREFIX}si[\s>/]")
_DECLARATION = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.I)
# A formula with no cached value after it: `<f>…</f>` or `<f …/>`, then no `<v>` or an empty one,
# then the cell's end (Excel writes f, then v, inside c).
_BARE_FORMULA = re.compile(
    rf"(?:</{_PREFIX}f>|<{_PREFIX}f\b[^>]*/>)\s*(?:<{_PREFIX}v\s*/>|<{_PREFIX}v>\s*</{_PREFIX}v>)?"
    rf"\s*</{_PREFIX}c>"
)
_RUN_TEXT = re.compile(rf"<{_PREFIX}t\b[^>]*>([^<]*)</{_PREFIX}t>")
_CELL_OPEN = re.compile(rf"<{_PREFIX}c\b([^>]*)>")
_REF = re.compile(r'\br="([A-Za-z]{1,3}\d{1,7})"')
_EMPTY_VALUE = re.compile(rf"<{_PREFIX}v\s*/>|<{_PREFIX}v>\s*</{_PREFIX}v>")
_ENCODING = re.compile(rb'^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["\']([^"\']+)["\']')


@functools.cache
def _long_run(limit: int) -> re.Pattern[str]:
    return re.compile(f"<[^<]{{{limit + 1},}}")


def _rows_in(text: str) -> int:
    """Row elements in `text`, counted at C speed (a prefix such as x:row counted too)."""
    return _rows_in_bytes(text.encode())


def _rows_in_bytes(data: bytes) -> int:
    return sum(data.count(tag) for tag in (b"<row ", b"<row>", b":row ", b":row>"))


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Scan:
    """What is known of one member while it streams: its rows (or strings) so far."""

    def __init__(self, limits: Limits, *, strings: bool) -> None:
        self.limits = limits
        self.strings = strings
        self.count = 0  # rows of a sheet, strings of the shared strings

    def piece(self, text: str, data: bytes) -> None:
        if _DECLARATION.search(text):
            raise UnreadableFileError(
                _(
                    "The workbook's XML declares entities (a DTD), as no Excel file does; "
                    "it is not read."
                )
            )
        self._long_text(text)
        if self.strings:
            if "<r>" in text:  # rich text: a string is the sum of its runs
                self._rich_strings(text)
            self.count += len(_STRING_TAG.findall(text))
            return
        if "f" in text:
            bare = self._bare_formula(text)
            if bare is not None:
                raise UnreadableFileError(
                    _(
                        "%(cell)s is a formula without a calculated value: calculate the "
                        "workbook in Excel, save it and import it again."
                    )
                    % {"cell": bare}
                )
        self.count += _rows_in_bytes(data)
        if self.count > self.limits.max_rows:
            raise UnreadableFileError(
                _("The file has more than %(max)s rows; at most %(max)s rows can be imported.")
                % {"max": self.limits.max_rows}
            )

    def _long_text(self, text: str) -> None:
        """A run of text between two tags longer than a cell may be (characters as stored: an
        entity such as &amp; counts as written). The pattern starts at a "<" and cannot match
        inside a run, so each run is scanned once, however hostile."""
        limit = self.limits.max_cell_chars
        if len(text) <= limit:
            return
        long = _long_run(limit)
        for match in long.finditer("<" + text):
            content = match.group(0).partition(">")[2]
            if len(content) <= limit:
                continue  # a long tag with a short text
            before = text[: max(match.start() - 1, 0) + len(match.group(0)) - len(content)]
            if self.strings:
                index = self.count + len(_STRING_TAG.findall(before))
                raise UnreadableFileError(
                    _(
                        "A text used in the sheet (shared string %(index)s) holds more than "
                        "%(max)s characters; a cell may hold at most %(max)s."
                    )
                    % {"index": max(index, 1), "max": limit}
                )
            raise UnreadableFileError(
                _(
                    "Cell %(cell)s holds more than %(max)s characters; "
                    "a cell may hold at most %(max)s."
                )
                % {"cell": self._address(before), "max": limit}
            )

    def _rich_strings(self, text: str) -> None:
        """Shared strings made of formatted runs (<r><t>…</t></r>…): each run may be short and
        the string long. Only pieces with runs come here (they are rare), one string at a time."""
        limit = self.limits.max_cell_chars
        for index, string in enumerate(text.split("</si>")):
            if "<r>" in string and sum(map(len, _RUN_TEXT.findall(string))) > limit:
                raise UnreadableFileError(
                    _(
                        "A text used in the sheet (shared string %(index)s) holds more than "
                        "%(max)s characters; a cell may hold at most %(max)s."
                    )
                    % {"index": self.count + index + 1, "max": limit}
                )

    def _bare_formula(self, text: str) -> str | None:
        for match in _BARE_FORMULA.finditer(text):
            before = text[: match.start()]
            start = before.rfind("<c")
            opened = _CELL_OPEN.match(before, start) if start >= 0 else None
            attributes = opened.group(1) if opened else ""
            if 't="str"' in attributes and _EMPTY_VALUE.search(match.group(0)):
                continue  # a formula whose result is the empty string: its value is ""
            return self._address(before)
        return None

    def _address(self, before: str) -> str:
        """The address of the cell that `before` ends in (its r attribute), else its row."""
        start = before.rfind("<c ")
        ref = _REF.search(before, start) if start >= 0 else None
        if ref is not None:
            return ref.group(1)
        row = self.count + _rows_in(before)
        return _("row %(row)s") % {"row": row}


def scan_member(
    archive: zipfile.ZipFile, name: str, limits: Limits, deadline: Deadline, *, strings: bool
) -> int:
    """Stream one member in 4 MB chunks, keeping nothing; the rows (or strings) it has."""
    info = archive.getinfo(name)
    if info.file_size > limits.max_sheet_xml:
        raise UnreadableFileError(
            _("The sheet takes %(size)s MB once decompressed; at most %(max)s MB are read.")
            % {"size": info.file_size // MB, "max": limits.max_sheet_xml // MB}
        )
    scan = _Scan(limits, strings=strings)
    end = "</si>" if strings else "</row>"
    carry = b""
    read = 0
    first = True
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK)
                read += len(chunk)
                if read > limits.max_sheet_xml:  # the directory lied about the size
                    raise UnreadableFileError(
                        _("The sheet takes more than %(max)s MB once decompressed.")
                        % {"max": limits.max_sheet_xml // MB}
                    )
                if first:
                    _check_encoding(chunk)
                    first = False
                buffer = carry + chunk
                if not chunk:
                    scan.piece(_decoded(buffer), buffer)
                    break
                cut = buffer.rfind(end.encode())
                cut = cut + len(end) if cut >= 0 else 0
                # A cut inside a multi-byte character cannot happen: "</row>" is ASCII.
                piece, carry = buffer[:cut], buffer[cut:]
                scan.piece(_decoded(piece), piece)
                if len(carry) > CARRY_MAX:
                    scan.piece(_decoded(carry, partial=True), b"")  # names a long cell if any
                    raise UnreadableFileError(
                        _("A row of the sheet takes more than %(max)s MB; it is not read.")
                        % {"max": CARRY_MAX // MB}
                    )
                deadline.check()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise UnreadableFileError(
            _("The workbook is damaged or incomplete (%(error)s); save it again in Excel.")
            % {"error": excerpt(str(error))}
        ) from error
    return scan.count


def _check_encoding(head: bytes) -> None:
    declared = _ENCODING.match(head[:200])
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (
        declared is not None and declared.group(1).lower().replace(b"_", b"-") != b"utf-8"
    ):
        raise UnreadableFileError(
            _("The workbook's sheet is not well-formed XML (%(error)s).")
            % {"error": _("it is not UTF-8")}
        )


def _decoded(data: bytes, *, partial: bool = False) -> str:
    try:
        return data.decode("utf-8", "ignore" if partial else "strict")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            _("The workbook's sheet is not well-formed XML (%(error)s).")
            % {"error": _("it is not UTF-8")}
        ) from error


def check_workbook(data: bytes, limits: Limits, deadline: Deadline) -> None:
    """Refuse a hostile or lossy .xlsx before fastexcel reads it."""
    archive = inspect_zip(data, limits)
    with archive:
        names = set(archive.namelist())
        sheet = first_sheet_path(archive)
        sheets = (
            [sheet]
            if sheet in names
            else [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        )
        for name in sheets:
            scan_member(archive, name, limits, deadline, strings=False)
        if "xl/sharedStrings.xml" in names:
            scan_member(archive, "xl/sharedStrings.xml", limits, deadline, strings=True)


# ---------------------------------------------------------------------------------------------
# Native readers: contained and timed


def contained(call: Callable[[], T], *, deadline: Deadline, what: str) -> T:
    """Run a native reader in a thread of its own, at most until the deadline.

    A panic in Rust code reaches Python as pyo3's PanicException, a BaseException that `except
    Exception` lets through and that would end the worker: it is caught here (KeyboardInterrupt
    and SystemExit excepted) and becomes a refusal. A reader still running at the deadline is
    left to finish in its daemon thread (a thread cannot be stopped) and its result dropped;
    the guard before it makes that a reader of a small file. `what` is the message (already
    translated in the caller's language: a thread does not share the request's language)."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # PanicException is a BaseException
            failure.append(error)

    worker = threading.Thread(target=run, name="kfq-import-reader", daemon=True)
    worker.start()
    worker.join(max(deadline.left(), 0.0))
    if worker.is_alive():
        raise UnreadableFileError(too_slow(deadline.seconds))
    if failure:
        error = failure[0]
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise error
        raise UnreadableFileError(what % {"error": excerpt(str(error))}) from error
    return outcome[0]
