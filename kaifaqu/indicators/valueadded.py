"""Value added from gross output: a pure function, no Django imports."""

from decimal import ROUND_HALF_UP, Decimal

WAN_PLACES = Decimal("0.0001")  # 4 decimal places of 万元: exact to the yuan


def value_added(gross_output_wan: Decimal, rate: Decimal) -> Decimal:
    """Gross output (万元, current prices) × the industry's value-added rate, to the yuan.

    >>> value_added(Decimal("1000"), Decimal("0.2850"))
    Decimal('285.0000')
    """
    if not isinstance(gross_output_wan, Decimal) or not isinstance(rate, Decimal):
        raise TypeError("value_added takes Decimals, never floats")
    if not Decimal("0") <= rate <= Decimal("1"):
        raise ValueError(f"a value-added rate lies between 0 and 1, not {rate}")
    return (gross_output_wan * rate).quantize(WAN_PLACES, rounding=ROUND_HALF_UP)
