"""Hard review rules on candidate frames, each firing and not firing, with figures typed by hand."""

import json
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from kaifaqu.returns.models import MONTHLY_FIELDS, StatisticsSettings
from kaifaqu.returns.review import finding_message, hard_violations

TODAY = date(2025, 6, 15)


def candidates(*rows: dict[str, Any]) -> pl.DataFrame:
    filled = []
    for number, row in enumerate(rows, start=1):
        base: dict[str, Any] = {
            "row": number,
            "period": date(2025, 3, 1),
            "established_on": None,
            **dict.fromkeys(MONTHLY_FIELDS, 10.0),
        }
        base.update(row)
        filled.append(base)
    return pl.DataFrame(
        filled,
        schema={
            "row": pl.Int64,
            "period": pl.Date,
            "established_on": pl.Date,
            **dict.fromkeys(MONTHLY_FIELDS, pl.Float64),
        },
    )


def found(frame: pl.DataFrame) -> list[tuple[int, str, str]]:
    return [(r["row"], r["rule"], r["field"]) for r in frame.iter_rows(named=True)]


def test_clean_returns_have_no_violation() -> None:
    assert hard_violations(candidates({}), settings=None, today=TODAY).is_empty()


def test_output_columns_are_row_field_rule_params() -> None:
    result = hard_violations(candidates({"revenue": -1.0}), settings=None, today=TODAY)
    assert result.columns == ["row", "field", "rule", "params"]
    assert json.loads(result["params"][0]) == {"field": "revenue", "value": -1.0}


def test_a_negative_value_is_a_violation_of_its_field() -> None:
    frame = candidates(
        {"gross_output": -0.0001, "sales_output": 0.0},
        {"employees": -3.0},
        {"gross_output": 0.0, "sales_output": 0.0},
    )
    assert found(hard_violations(frame, settings=None, today=TODAY)) == [
        (1, "negative_value", "gross_output"),
        (2, "negative_value", "employees"),
    ]


def test_a_loss_is_not_a_negative_value_violation() -> None:
    frame = candidates({"total_profit": -250.0})
    assert hard_violations(frame, settings=None, today=TODAY).is_empty()


def test_sales_above_output_times_the_limit_is_a_violation() -> None:
    frame = candidates(
        {"gross_output": 100.0, "sales_output": 121.0},
        {"gross_output": 100.0, "sales_output": 120.0},
        {"gross_output": 100.0, "sales_output": 120.0001},
    )
    assert found(hard_violations(frame, settings=None, today=TODAY)) == [
        (1, "sales_above_output", "sales_output"),
        (3, "sales_above_output", "sales_output"),
    ]


def test_decimal_inputs_are_accepted() -> None:
    frame = candidates({}).with_columns(
        pl.Series("gross_output", [Decimal("100.0000")], dtype=pl.Decimal(16, 4)),
        pl.Series("sales_output", [Decimal("121.0000")], dtype=pl.Decimal(16, 4)),
    )
    assert found(hard_violations(frame, settings=None, today=TODAY)) == [
        (1, "sales_above_output", "sales_output")
    ]


def test_the_zone_limit_on_sales_over_output_changes_the_outcome() -> None:
    frame = candidates({"gross_output": 100.0, "sales_output": 121.0})
    lenient = StatisticsSettings(sales_over_output_max=Decimal("1.25"))
    strict = StatisticsSettings(sales_over_output_max=Decimal("1.10"))
    assert hard_violations(frame, settings=lenient, today=TODAY).is_empty()
    strict_frame = candidates({"gross_output": 100.0, "sales_output": 111.0})
    assert found(hard_violations(strict_frame, settings=strict, today=TODAY)) == [
        (1, "sales_above_output", "sales_output")
    ]


def test_a_month_after_the_current_month_is_a_violation() -> None:
    frame = candidates({"period": date(2025, 7, 1)}, {"period": date(2025, 6, 1)})
    assert found(hard_violations(frame, settings=None, today=TODAY)) == [
        (1, "period_in_future", "period")
    ]


def test_a_month_before_the_month_of_establishment_is_a_violation() -> None:
    frame = candidates(
        {"period": date(2025, 2, 1), "established_on": date(2025, 3, 20)},
        {"period": date(2025, 3, 1), "established_on": date(2025, 3, 20)},
        {"period": date(2025, 3, 1), "established_on": None},
    )
    assert found(hard_violations(frame, settings=None, today=TODAY)) == [
        (1, "period_before_established", "period")
    ]


def params_of(frame: pl.DataFrame) -> list[tuple[str, dict[str, Any]]]:
    return [(r["rule"], json.loads(r["params"])) for r in frame.iter_rows(named=True)]


def test_each_hard_finding_carries_the_figures_its_message_quotes() -> None:
    frame = candidates(
        {"gross_output": 100.0, "sales_output": 121.5},
        {"period": date(2025, 7, 1)},
        {"period": date(2025, 2, 1), "established_on": date(2025, 3, 20)},
    )
    assert params_of(hard_violations(frame, settings=None, today=TODAY)) == [
        ("sales_above_output", {"sales_output": 121.5, "gross_output": 100.0, "limit": 1.2}),
        ("period_in_future", {"period": "2025-07", "current": "2025-06"}),
        ("period_before_established", {"period": "2025-02", "established_on": "2025-03-20"}),
    ]


def test_sales_without_any_output_are_above_the_limit() -> None:
    # 1.2 × 0 万元 of output is 0 万元: any sales are above it.
    frame = candidates(
        {"gross_output": 0.0, "sales_output": 5.0}, {"gross_output": 0.0, "sales_output": 0.0}
    )
    assert found(hard_violations(frame, settings=None, today=TODAY)) == [
        (1, "sales_above_output", "sales_output")
    ]


def test_sales_exactly_at_the_limit_are_compared_to_the_yuan() -> None:
    # 0.6 万元 = 1.2 × 0.5 万元 exactly; one yuan more is above (4 decimals of 万元 are yuan).
    frame = candidates(
        {"gross_output": 0.5, "sales_output": 0.6},
        {"gross_output": 0.5, "sales_output": 0.6001},
        {"gross_output": 12345.6785, "sales_output": 14814.8142},
        {"gross_output": 12345.6785, "sales_output": 14814.8143},
    )
    assert found(hard_violations(frame, settings=None, today=TODAY)) == [
        (2, "sales_above_output", "sales_output"),
        (4, "sales_above_output", "sales_output"),
    ]


@pytest.mark.parametrize(
    ("rule", "params", "expected"),
    [
        (
            "sales_above_output",
            {"sales_output": 121.0, "gross_output": 100.0, "limit": 1.2},
            "Industrial sales output 121.00 万元 is more than 1.2 times gross industrial output 100.00 万元.",
        ),
        (
            "negative_value",
            {"field": "revenue", "value": -1.5},
            "operating revenue (万元) cannot be negative (reported -1.50 万元).",
        ),
    ],
)
def test_messages_render_the_figures(
    rule: str, params: dict[str, Any], expected: str, settings: Any
) -> None:
    from django.utils import translation

    with translation.override("en"):
        assert finding_message(rule, params) == expected
