"""How numbers are written, everywhere: pages, exports, messages. No Django imports.

One convention (the statistics office's): money in 万元 to 2 places and in 亿元 to 4, counts as
whole numbers, percentages to 1 place with %; thousands grouped; rounded half up (as statistics
are published — Python's own formatting of a Decimal rounds half to even, 0.125 → 0.12); a value
that rounds to zero is never written -0.00; nothing is a dash. Figures are kept in 万元 (money)
and 万千瓦时 (electricity); `amount_text` writes money in any unit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

from kaifaqu.core.lib.money import YUAN_PER_UNIT, MoneyUnit, from_wan

EMPTY = "—"
# How many places each money unit is written with.
PLACES = {MoneyUnit.YUAN: 2, MoneyUnit.THOUSAND: 2, MoneyUnit.WAN: 2, MoneyUnit.YI: 4}
# Enough digits for any figure a file can carry (a Decimal's default is 28).
_PRECISION = Context(prec=60)

Number = Decimal | int | float | str


def as_decimal(value: Number | None) -> Decimal | None:
    """The exact number, or None for nothing or text that is not one. A float is taken as it
    is written (0.1 → 0.1), not as its binary value (0.1000000000000000055…)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def fixed(value: Number | None, places: int) -> str:
    """`places` decimals, rounded half up, thousands grouped: 1234.005 → '1,234.01'."""
    if type(value) is int:
        # Counts, the tables' most frequent number: exact without a Decimal (a province's page
        # of a hundred zones writes a thousand of them).
        grouped = f"{value:,}"
        return f"{grouped}.{'0' * places}" if places > 0 else grouped
    number = as_decimal(value)
    if number is None:
        return EMPTY
    with localcontext(_PRECISION):
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)
    return f"{rounded:,.{places}f}"


def amount_text(amount_wan: Number | None, unit: MoneyUnit) -> str:
    """Money kept in 万元 written in `unit` with that unit's places: 45000 in 亿元 → '4.5000'."""
    number = as_decimal(amount_wan)
    if number is None:
        return EMPTY
    with localcontext(_PRECISION):
        return fixed(from_wan(number, unit), PLACES[unit])


def wan_text(amount_wan: Number | None) -> str:
    """万元, 2 places: 45000 → '45,000.00'."""
    return amount_text(amount_wan, MoneyUnit.WAN)


def yi_text(amount_wan: Number | None) -> str:
    """An amount kept in 万元 written in 亿元, 4 places: 45000 → '4.5000'."""
    return amount_text(amount_wan, MoneyUnit.YI)


def count_text(value: Number | None) -> str:
    """A count (people, firms, rows): a whole number, grouped: 12345 → '12,345'."""
    return fixed(value, 0)


def percent_text(value: Number | None) -> str:
    """A percentage, 1 place, with its sign: 12.345 → '12.3%'."""
    text = fixed(value, 1)
    return text if text == EMPTY else f"{text}%"


def with_unit(text: str, unit: str) -> str:
    """'1,234.50' and '千元' → '1,234.50 千元'; a dash stays a dash."""
    return text if text == EMPTY or not unit else f"{text} {unit}"


def as_written(whole: int | None, per_unit: int, places: int = 2) -> str:
    """A figure carried in whole units (yuan, kWh) in the unit the file wrote it in: whole / per
    unit, with at least `places` decimals and as many more as it has (no digit a file gave is
    rounded away): 1234500 yuan in 千元 → '1,234.50', 1234567 in 千元 → '1,234.567'."""
    if whole is None:
        return EMPTY
    with localcontext(_PRECISION):
        value = Decimal(whole) / Decimal(per_unit)
        exponent = int(value.normalize().as_tuple().exponent)
        return fixed(value, max(places, -exponent))


def money_as_written(whole_yuan: int | None, unit: MoneyUnit) -> str:
    """Whole yuan in the file's money unit, with the unit: 1234500 in 千元 → '1,234.50 千元'."""
    return with_unit(as_written(whole_yuan, YUAN_PER_UNIT[unit], PLACES[unit]), unit.value)
