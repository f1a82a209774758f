"""core.lib.formatting: the one way numbers are written (pages, exports, import messages)."""

from decimal import Decimal

import pytest

from kaifaqu.core.lib.formatting import (
    EMPTY,
    amount_text,
    as_decimal,
    as_written,
    count_text,
    fixed,
    money_as_written,
    percent_text,
    wan_text,
    with_unit,
    yi_text,
)
from kaifaqu.core.lib.money import MoneyUnit


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0.005"), "0.01"),  # half up; Python's own format would give 0.00 (half even)
        (Decimal("0.015"), "0.02"),
        (Decimal("0.0049"), "0.00"),
        (Decimal("-0.005"), "-0.01"),  # half away from zero, as statistics are published
        (Decimal("-0.004"), "0.00"),  # never "-0.00"
        (Decimal("0"), "0.00"),
        (0, "0.00"),
        (Decimal("-1234567.891"), "-1,234,567.89"),
        (Decimal("1234.5"), "1,234.50"),
        (1.005, "1.01"),  # a float as written, not as its binary value 1.00499…
        ("2.675", "2.68"),
        (
            Decimal("123456789012345678901234567890.125"),
            "123,456,789,012,345,678,901,234,567,890.13",
        ),
        (None, EMPTY),
        ("", EMPTY),
        ("abc", EMPTY),
        (Decimal("NaN"), EMPTY),
        (Decimal("Infinity"), EMPTY),
        (True, EMPTY),
    ],
)
def test_wan_text_is_two_places_half_up_grouped(value: object, shown: str) -> None:
    assert wan_text(value) == shown  # type: ignore[arg-type]


def test_fixed_keeps_the_places_asked_for() -> None:
    assert fixed(Decimal("1234.5"), 0) == "1,235"
    assert fixed(Decimal("2.5"), 0) == "3"
    assert fixed(Decimal("1.23456"), 4) == "1.2346"
    assert fixed(Decimal("999.995"), 2) == "1,000.00"


def test_yi_text_is_four_places_of_yi() -> None:
    assert yi_text(Decimal("45000")) == "4.5000"
    assert yi_text(Decimal("123456789")) == "12,345.6789"
    assert yi_text(Decimal("0.5")) == "0.0001"  # half up at the fourth place of 亿元 (5,000 元)
    assert yi_text(Decimal("0.4999")) == "0.0000"
    assert yi_text(Decimal("-45000")) == "-4.5000"
    assert yi_text(None) == EMPTY


def test_amount_text_in_every_unit() -> None:
    assert amount_text(Decimal("1.2345"), MoneyUnit.YUAN) == "12,345.00"
    assert amount_text(Decimal("150"), MoneyUnit.THOUSAND) == "1,500.00"
    assert amount_text(Decimal("150"), MoneyUnit.WAN) == "150.00"
    assert amount_text(Decimal("63000"), MoneyUnit.YI) == "6.3000"
    assert amount_text(None, MoneyUnit.YI) == EMPTY


def test_counts_are_whole_and_grouped() -> None:
    assert count_text(12345) == "12,345"
    assert count_text(0) == "0"
    assert count_text(-1234) == "-1,234"
    assert count_text(Decimal("2.5")) == "3"
    assert count_text(None) == EMPTY


@pytest.mark.parametrize(
    "value", [0, 7, -7, 999, 1_000, -1_234_567, 2**53 + 1, -(10**30) - 3, 123_456_789_012_345]
)
@pytest.mark.parametrize("places", [0, 1, 2, 4])
def test_a_whole_number_is_written_as_its_decimal_is(value: int, places: int) -> None:
    # Whole numbers take a shorter way than a Decimal's quantize (counts fill the tables):
    # every digit kept beyond a float's 2**53, the places asked for, no "-0".
    assert fixed(value, places) == fixed(Decimal(value), places)
    assert fixed(value, places).replace(",", "").split(".")[0] == str(value)


def test_percentages_have_one_place_and_the_sign() -> None:
    assert percent_text(Decimal("12.25")) == "12.3%"
    assert percent_text(Decimal("-0.04")) == "0.0%"
    assert percent_text(Decimal("-7")) == "-7.0%"
    assert percent_text(1234.56) == "1,234.6%"
    assert percent_text(None) == EMPTY


def test_with_unit() -> None:
    assert with_unit("1.00", "千元") == "1.00 千元"
    assert with_unit(EMPTY, "千元") == EMPTY
    assert with_unit("1.00", "") == "1.00"


def test_as_written_keeps_every_digit_the_file_gave() -> None:
    assert as_written(1_234_500, 1_000) == "1,234.50"
    assert as_written(1_234_567, 1_000) == "1,234.567"
    assert as_written(-1_234_567, 1_000) == "-1,234.567"
    assert as_written(5, 10_000, 2) == "0.0005"
    assert as_written(12, 1, 0) == "12"
    assert as_written(0, 1_000) == "0.00"
    assert as_written(None, 1_000) == EMPTY
    assert as_written(10**30, 1) == "1,000,000,000,000,000,000,000,000,000,000.00"


def test_money_as_written_names_the_unit() -> None:
    assert money_as_written(1_234_500, MoneyUnit.THOUSAND) == "1,234.50 千元"
    assert money_as_written(1_234_500, MoneyUnit.YUAN) == "1,234,500.00 元"
    assert money_as_written(1_234_500, MoneyUnit.WAN) == "123.45 万元"
    assert money_as_written(1_234_500, MoneyUnit.YI) == "0.012345 亿元"
    assert money_as_written(100_000_000, MoneyUnit.YI) == "1.0000 亿元"
    assert money_as_written(None, MoneyUnit.YI) == EMPTY


def test_as_decimal() -> None:
    assert as_decimal(0.1) == Decimal("0.1")
    assert as_decimal("1e3") == Decimal("1e3")
    assert as_decimal(None) is None
    assert as_decimal(False) is None
    assert as_decimal(object()) is None  # type: ignore[arg-type]


def test_numbers_longer_than_a_decimals_default_precision_keep_every_digit() -> None:
    # Python's Decimal context keeps 28 digits: without a wider one these would be rounded
    # (or refused) before they are written.
    assert fixed(Decimal("1234567890123456789012345678.5"), 2) == (
        "1,234,567,890,123,456,789,012,345,678.50"
    )
    assert as_written(123_456_789_012_345_678_901_234_567_891, 1_000) == (
        "123,456,789,012,345,678,901,234,567.891"
    )
