"""A ledger's cells as values: text, numbers, dates, as Excel or a CSV file holds them.

Each reader returns the value or raises `CellError` with a message for the user. A workbook
column may hold numbers, dates or text (fastexcel infers each column's type from all its
rows), so every reader accepts each of them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from kaifaqu.core.imports.errors import excerpt
from kaifaqu.core.lib.money import MoneyUnit, to_wan

_EXCEL_EPOCH = date(1899, 12, 30)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER_NOISE = re.compile(r"[\s,，]")
_EMPTY = {"", "-", "—", "/", "无", "nan", "none", "null"}


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    return isinstance(value, str) and value.strip().lower() in _EMPTY


def text_of(value: object) -> str:
    """A cell as text: 2025.0 read from a number column is '2025'."""
    if is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def decimal_of(value: object) -> Decimal:
    """An exact number from a cell: 4.5, '45,000', '4.5E+4'; negative numbers are refused."""
    if isinstance(value, bool):
        raise CellError(_("Not a number."))
    if isinstance(value, int | float):
        # repr of a float is the shortest text that reads back as it: 0.1 stays 0.1.
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = _NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", str(value)))
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(
                _("“%(text)s” is not a number.") % {"text": excerpt(str(value).strip())}
            ) from None
    if not number.is_finite():
        raise CellError(_("Not a number."))
    if number < 0:
        raise CellError(_("The figure cannot be negative."))
    return number


def money_of(value: object, unit: MoneyUnit) -> Decimal:
    """An amount in 万元 (four places, exact to the yuan) from a cell in `unit`."""
    return to_wan(decimal_of(value), unit)


def whole_of(value: object) -> int:
    number = decimal_of(value)
    if number != number.to_integral_value():
        raise CellError(_("A whole number is expected."))
    return int(number)


def date_of(value: object) -> date:
    """A day from a cell: a date, an Excel day number, 2025-03-15, 2025/3/15, 2025年3月15日,
    2025.3.15 or 20250315."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20_000 <= value <= 80_000:  # an Excel day number (1954–2119)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        value = text_of(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise CellError(
        _("“%(text)s” is not a date; write it as 2025-03-15 or 2025年3月15日.")
        % {"text": excerpt(text)}
    )
