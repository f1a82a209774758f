"""Money is Decimal, stored in 万元 with four places (exact to the yuan). No Django imports.

How money is written (places, grouping, rounding) is `core.lib.formatting`'s.
"""

from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

WAN_PLACES = Decimal("0.0001")


class MoneyUnit(Enum):
    YUAN = "元"
    THOUSAND = "千元"
    WAN = "万元"
    YI = "亿元"


# How many 万元 one unit is worth.
_TO_WAN = {
    MoneyUnit.YUAN: Decimal("0.0001"),
    MoneyUnit.THOUSAND: Decimal("0.1"),
    MoneyUnit.WAN: Decimal("1"),
    MoneyUnit.YI: Decimal("10000"),
}
# Whole yuan per unit (imports carry money as whole yuan, exactly).
YUAN_PER_UNIT = {
    MoneyUnit.YUAN: 1,
    MoneyUnit.THOUSAND: 1_000,
    MoneyUnit.WAN: 10_000,
    MoneyUnit.YI: 100_000_000,
}


def to_wan(amount: Decimal | int | str, unit: MoneyUnit) -> Decimal:
    return (Decimal(amount) * _TO_WAN[unit]).quantize(WAN_PLACES, rounding=ROUND_HALF_UP)


def from_wan(amount_wan: Decimal, unit: MoneyUnit) -> Decimal:
    return Decimal(amount_wan) / _TO_WAN[unit]
