"""Pure helpers: money in 万元 and months."""

from datetime import date
from decimal import Decimal

import pytest

from kaifaqu.core.lib.money import MoneyUnit, to_wan
from kaifaqu.core.lib.periods import Month, ytd_total


def test_it_converts_every_declared_unit_to_wan() -> None:
    assert to_wan(Decimal("12345"), MoneyUnit.YUAN) == Decimal("1.2345")
    assert to_wan(Decimal("1500"), MoneyUnit.THOUSAND) == Decimal("150.0000")
    assert to_wan(Decimal("6.3"), MoneyUnit.YI) == Decimal("63000.0000")


def test_it_rounds_to_the_yuan_half_up() -> None:
    assert to_wan(Decimal("0.5"), MoneyUnit.YUAN) == Decimal("0.0001")
    assert to_wan(Decimal("0.49"), MoneyUnit.YUAN) == Decimal("0.0000")


@pytest.mark.parametrize("text", ["2025-03", "2025/3", "2025年3月", "202503", " 2025 年 03 月 "])
def test_it_parses_the_usual_ways_of_writing_a_month(text: str) -> None:
    assert Month.parse(text) == Month(2025, 3)


def test_it_rejects_what_is_not_a_month() -> None:
    with pytest.raises(ValueError):
        Month.parse("2025-13")
    with pytest.raises(ValueError):
        Month.parse("March")


def test_month_arithmetic_crosses_years() -> None:
    assert Month(2025, 1).shift(-1) == Month(2024, 12)
    assert Month(2024, 11).shift(14) == Month(2026, 1)
    assert Month(2025, 3).year_to_date() == [Month(2025, 1), Month(2025, 2), Month(2025, 3)]
    assert Month.of(date(2025, 3, 31)).first_day == date(2025, 3, 1)


def test_the_year_to_date_sums_the_months_up_to_n_only() -> None:
    # 1–3月 of {1: 100, 3: 50.5, 4: 7}: 150.5 (April is after N; February reported nothing).
    by_month = {1: Decimal("100"), 3: Decimal("50.5"), 4: Decimal("7")}
    assert ytd_total(by_month, 3) == Decimal("150.5")
    assert ytd_total(by_month, 4) == Decimal("157.5")
    assert ytd_total(by_month, 1) == Decimal("100")


def test_nothing_reported_up_to_n_is_no_figure_not_zero() -> None:
    assert ytd_total({4: Decimal("7")}, 3) is None
    assert ytd_total({}, 12) is None
    # A reported zero is a figure.
    assert ytd_total({2: Decimal("0")}, 2) == Decimal("0")
