"""Checking every row of a roster file, then writing it through the roster service."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from kaifaqu.accounts.models import User
from kaifaqu.core.imports import ImportResult, RowError
from kaifaqu.core.imports.headers import NAME, USCC
from kaifaqu.core.imports.reading import ROW, Sheet
from kaifaqu.core.imports.values import CellError, date_of, is_empty, text_of
from kaifaqu.core.lib import uscc as uscc_lib
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.validators import uscc_message
from kaifaqu.enterprises.imports.spec import (
    CATEGORY,
    ENTERED_ON,
    ENTRY_KIND,
    EXIT_REASON,
    EXITED_ON,
    ROSTERS,
    YEAR,
)
from kaifaqu.enterprises.models import Enterprise, RosterEntry, RosterEntryKind, StatCategory
from kaifaqu.enterprises.services import roster_entries_import

# A province's rosters are tens of thousands of entries; a file beyond this is not a roster.
MAX_ROSTER_ROWS = 200_000
_REASON_LENGTH = RosterEntry._meta.get_field("exit_reason").max_length or 300
_LOOKUP_BATCH = 5_000
_PARENTHESIS = re.compile(r"\(([^()]+)\)")


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _choices(choices: Any, extra: dict[str, str]) -> dict[str, str]:
    """Every way a file names a choice: its code, its label in either language, the Chinese
    in the label's brackets (规上工业), and the names given in `extra`."""
    names: dict[str, str] = {_key(name): value for name, value in extra.items()}
    for value, label in choices:
        names[_key(value)] = value
        for language in ("en", "zh-hans"):
            with override(language):
                text = str(label)
            names[_key(text)] = value
            for inner in _PARENTHESIS.findall(unicodedata.normalize("NFKC", text)):
                names[_key(inner)] = value
    return names


def _categories() -> dict[str, str]:
    return _choices(StatCategory.choices, {})


def _entry_kinds() -> dict[str, str]:
    return _choices(
        RosterEntryKind.choices,
        {"年度": RosterEntryKind.ANNUAL, "月度": RosterEntryKind.MONTHLY, "新开业": "monthly"},
    )


def _same_name(one: str, other: str) -> bool:
    """Names compared as people type them: width, spaces and brackets do not count."""
    return _key(one).replace("(", "").replace(")", "") == _key(other).replace("(", "").replace(
        ")", ""
    )


@dataclass
class _Row:
    number: int
    uscc: str
    name: str
    year: int | None
    category: str | None
    entry_kind: str | None
    entered_on: date | None
    exited_on: date | None
    exit_reason: str


class _Reader:
    def __init__(self, sheet: Sheet) -> None:
        self.columns = {c.target: c for c in sheet.columns}
        self.errors: list[RowError] = []
        self.categories = _categories()
        self.kinds = _entry_kinds()

    def header(self, target: str) -> str:
        column = self.columns.get(target)
        return column.header if column else ROSTERS.title(target)

    def cell(self, row: dict[str, Any], target: str) -> object:
        column = self.columns.get(target)
        return None if column is None else row.get(f"c{column.index}")

    def error(self, row: int, target: str, code: str, message: str) -> None:
        self.errors.append(
            RowError(row=row, column=self.header(target), code=code, message=message)
        )

    def date(self, row: dict[str, Any], number: int, target: str) -> date | None:
        value = self.cell(row, target)
        if is_empty(value):
            return None
        try:
            return date_of(value)
        except CellError as error:
            self.error(number, target, "date", error.message)
            return None

    def rows(self, sheet: Sheet) -> Iterator[_Row]:
        for row in sheet.frame.iter_rows(named=True):
            if all(is_empty(value) for key, value in row.items() if key != ROW):
                continue
            yield self.read(row)

    def read(self, row: dict[str, Any]) -> _Row:
        number = row[ROW]
        code = uscc_lib.normalize(text_of(self.cell(row, USCC)))
        if not code:
            self.error(number, USCC, "uscc", _("The unified social credit code is missing."))
        else:
            try:
                uscc_lib.validate(code)
            except uscc_lib.UsccError as problem:
                self.error(number, USCC, "uscc", f"{code}: {uscc_message(problem)}")
                code = ""  # not looked up
        year_text = text_of(self.cell(row, YEAR))
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
        if year is None:
            self.error(
                number,
                YEAR,
                "year",
                _("“%(value)s” is not a year (write 2025).") % {"value": year_text}
                if year_text
                else _("The year is missing."),
            )
        category_text = text_of(self.cell(row, CATEGORY))
        category = self.categories.get(_key(category_text))
        if category is None:
            self.error(
                number,
                CATEGORY,
                "category",
                _("“%(value)s” is not a roster category (e.g. 规上工业 or industry).")
                % {"value": category_text}
                if category_text
                else _("The roster category is missing."),
            )
        kind_text = text_of(self.cell(row, ENTRY_KIND))
        entry_kind = self.kinds.get(_key(kind_text)) if kind_text else RosterEntryKind.ANNUAL
        if entry_kind is None:
            self.error(
                number,
                ENTRY_KIND,
                "entry_kind",
                _("“%(value)s” is not a kind of entry (年度 or 新开业月度入库).")
                % {"value": kind_text},
            )
        entered_on = self.date(row, number, ENTERED_ON)
        exited_on = self.date(row, number, EXITED_ON)
        reason = text_of(self.cell(row, EXIT_REASON))
        if entry_kind == RosterEntryKind.MONTHLY and entered_on is None:
            self.error(
                number,
                ENTERED_ON,
                "entered_on",
                _("A newly commissioned firm enters on a date: give it."),
            )
        if exited_on is not None and not reason:
            self.error(number, EXIT_REASON, "exit_reason", _("Give the reason for the exit."))
        if reason and exited_on is None and is_empty(self.cell(row, EXITED_ON)):
            self.error(
                number,
                EXITED_ON,
                "exited_on",
                _("A reason for an exit is given without the date of the exit."),
            )
        if len(reason) > _REASON_LENGTH:
            self.error(
                number,
                EXIT_REASON,
                "exit_reason",
                _("The reason is longer than %(length)s characters.") % {"length": _REASON_LENGTH},
            )
        if entered_on and exited_on and exited_on < entered_on:
            self.error(
                number,
                EXITED_ON,
                "exited_on",
                _("An enterprise cannot leave before it entered."),
            )
        return _Row(
            number=number,
            uscc=code,
            name=text_of(self.cell(row, NAME)),
            year=year,
            category=category,
            entry_kind=entry_kind,
            entered_on=entered_on,
            exited_on=exited_on,
            exit_reason=reason,
        )


def _enterprises(codes: set[str], by: User | None) -> tuple[dict[str, tuple[int, str]], set[str]]:
    """The enterprises of the codes the user may see (id, name), and the codes registered but
    outside the user's scope."""
    visible = Enterprise.objects.all() if by is None else Enterprise.objects.for_user(by)
    ordered = sorted(codes)
    found: dict[str, tuple[int, str]] = {}
    registered: set[str] = set()
    for start in range(0, len(ordered), _LOOKUP_BATCH):
        batch = ordered[start : start + _LOOKUP_BATCH]
        for pk, code, name in visible.filter(uscc__in=batch).values_list("pk", "uscc", "name"):
            found[code] = (pk, name)
        missing = [code for code in batch if code not in found]
        if missing and by is not None:
            registered |= set(
                Enterprise.objects.filter(uscc__in=missing).values_list("uscc", flat=True)
            )
    return found, registered


def write(sheet: Sheet, *, by: User | None, filename: str, unit: MoneyUnit) -> ImportResult:
    """Every row checked, every error reported; the entries written only when none is wrong."""
    if sheet.frame.height > MAX_ROSTER_ROWS:
        return ImportResult.rejected(
            _("A roster file has at most %(max)s rows; this file has %(rows)s.")
            % {"max": MAX_ROSTER_ROWS, "rows": sheet.frame.height}
        )
    reader = _Reader(sheet)
    missing = [key for key in ROSTERS.required if key not in reader.columns]
    if missing:
        return ImportResult(
            errors=[
                RowError(
                    row=None,
                    column=ROSTERS.title(key),
                    code="missing_column",
                    message=_("The file has no column %(column)s.")
                    % {"column": ROSTERS.title(key)},
                )
                for key in missing
            ]
        )
    rows = list(reader.rows(sheet))
    if not rows:
        return ImportResult.rejected(_("The file has no roster rows below its header row."))
    enterprises, elsewhere = _enterprises({r.uscc for r in rows if r.uscc}, by)
    seen: dict[tuple[str, int, str], int] = {}
    entries: list[RosterEntry] = []
    for row in rows:
        found = enterprises.get(row.uscc)
        if row.uscc and found is None:
            message = (
                _("The enterprise %(uscc)s is outside your scope.")
                if row.uscc in elsewhere
                else _("No enterprise with the code %(uscc)s is registered on the platform.")
            )
            reader.error(row.number, USCC, "enterprise", message % {"uscc": row.uscc})
        if found is not None and row.name and not _same_name(row.name, found[1]):
            reader.error(
                row.number,
                NAME,
                "name",
                _("“%(name)s” is not the name of the enterprise %(uscc)s (%(registered)s).")
                % {"name": row.name, "uscc": row.uscc, "registered": found[1]},
            )
        if not row.uscc or row.year is None or row.category is None:
            continue
        key = (row.uscc, row.year, row.category)
        if key in seen:
            reader.error(
                row.number,
                USCC,
                "duplicate",
                _("%(uscc)s is already on the %(year)s roster of this category in row %(first)s.")
                % {"uscc": row.uscc, "year": row.year, "first": seen[key]},
            )
            continue
        seen[key] = row.number
        if found is not None and row.entry_kind is not None:
            entries.append(
                RosterEntry(
                    enterprise_id=found[0],
                    year=row.year,
                    category=row.category,
                    entry_kind=row.entry_kind,
                    entered_on=row.entered_on,
                    exited_on=row.exited_on,
                    exit_reason=row.exit_reason,
                )
            )
    if reader.errors:
        return ImportResult(rows=len(rows), errors=sorted(reader.errors))
    created, updated, unchanged = roster_entries_import(by=by, entries=entries)
    return ImportResult(rows=len(rows), created=created, updated=updated, unchanged=unchanged)
