"""Value added = gross output × the division's value-added rate, and the shipped rates."""

from decimal import Decimal

import pytest

from kaifaqu.core.models import IndustryClass
from kaifaqu.indicators.models import ValueAddedRate
from kaifaqu.indicators.rates import load_value_added_rates, read_rates
from kaifaqu.indicators.valueadded import value_added


def test_it_multiplies_gross_output_by_the_rate() -> None:
    assert value_added(Decimal("1000"), Decimal("0.2850")) == Decimal("285.0000")


def test_it_rounds_half_up_to_the_yuan() -> None:
    # 1234.5678 × 0.285 = 351.851823 → 351.8518; 0.0005 × 0.5 = 0.00025 → 0.0003
    assert value_added(Decimal("1234.5678"), Decimal("0.285")) == Decimal("351.8518")
    assert value_added(Decimal("0.0005"), Decimal("0.5")) == Decimal("0.0003")


def test_it_keeps_a_zero_output_at_zero() -> None:
    assert value_added(Decimal("0"), Decimal("0.45")) == Decimal("0.0000")


def test_it_refuses_floats() -> None:
    with pytest.raises(TypeError):
        value_added(1000.0, Decimal("0.2850"))  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", [Decimal("-0.1"), Decimal("1.01")])
def test_it_refuses_a_rate_outside_0_and_1(rate: Decimal) -> None:
    with pytest.raises(ValueError):
        value_added(Decimal("1000"), rate)


def test_the_table_covers_every_mining_manufacturing_and_utility_division_for_2023_to_2025() -> (
    None
):
    rows = read_rates()
    divisions = {row["division"] for row in rows}
    assert divisions == {f"{n:02d}" for n in range(6, 47)}  # 06 … 46: B, C and D
    assert {row["year"] for row in rows} == {"2023", "2024", "2025"}
    assert len(rows) == 41 * 3
    assert all(Decimal("0.1") <= Decimal(row["rate"]) <= Decimal("0.8") for row in rows)
    assert all("illustrative" in row["note"] for row in rows)


@pytest.mark.django_db
def test_the_migration_loaded_the_rates_and_loading_again_adds_nothing() -> None:
    load_value_added_rates()  # a flushed test database may have lost the migration's rows
    assert ValueAddedRate.objects.count() == 123
    assert ValueAddedRate.objects.get(division_id="30", year=2024).rate == Decimal("0.2850")
    assert ValueAddedRate.objects.get(division_id="44", year=2024).rate == Decimal("0.3200")
    assert load_value_added_rates() == 0
    assert ValueAddedRate.objects.count() == 123


@pytest.mark.django_db
def test_loading_again_keeps_a_rate_the_office_entered() -> None:
    load_value_added_rates()
    ValueAddedRate.objects.filter(division_id="30", year=2024).update(rate=Decimal("0.3012"))
    assert load_value_added_rates() == 0
    assert ValueAddedRate.objects.get(division_id="30", year=2024).rate == Decimal("0.3012")


@pytest.mark.django_db
def test_it_adds_a_missing_rate_back() -> None:
    load_value_added_rates()
    ValueAddedRate.objects.filter(division_id="13", year=2025).delete()
    assert load_value_added_rates() == 1
    assert ValueAddedRate.objects.get(division_id="13", year=2025).rate == Decimal("0.2000")


@pytest.mark.django_db
def test_a_rate_belongs_to_a_division() -> None:
    division = IndustryClass.objects.get(code="30")
    assert {r.year for r in division.value_added_rates.all()} >= {2023, 2024, 2025}
