"""The estimate rule (估算) on small frames worked out by hand (no database).

Figures are whole units (yuan) as the rule carries them: 1 万元 = 10,000.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from kaifaqu.returns.estimates import BY_TREND, CARRIED_FORWARD, estimate_returns

MARCH = date(2025, 3, 1)
LAST_MARCH = date(2024, 3, 1)


def firm(enterprise_id: int, zone: int = 1, division: str = "30") -> dict[str, Any]:
    return {"enterprise_id": enterprise_id, "zone_id": zone, "division": division}


def row(
    enterprise_id: int, period: date, zone: int = 1, division: str = "30", **figures: int
) -> dict[str, Any]:
    return {**firm(enterprise_id, zone, division), "period": period, **figures}


def estimated(targets: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[Any, Any]:
    result = estimate_returns(pl.DataFrame(targets), pl.DataFrame(rows), period=MARCH)
    return {r["enterprise_id"]: r for r in result.estimates.to_dicts()} | {
        "not_estimable": result.not_estimable
    }


def test_it_applies_the_trend_of_the_division_in_the_zone() -> None:
    rows = [
        # The target, 1: 100 万元 last March, employees 40 in February.
        row(1, LAST_MARCH, gross_output=1_000_000, employees=38),
        row(1, date(2025, 2, 1), gross_output=950_000, employees=40),
        # Division 30 of zone 1 reported both months: (90 + 180) / (100 + 200) = 0.9.
        row(2, LAST_MARCH, gross_output=1_000_000, revenue=500_000),
        row(2, MARCH, gross_output=900_000, revenue=600_000),
        row(3, LAST_MARCH, gross_output=2_000_000),
        row(3, MARCH, gross_output=1_800_000),
        # Another division of the zone (trend 2) and the same division of zone 2 (trend 3):
        # neither is the firm's division in its zone.
        row(4, LAST_MARCH, division="31", gross_output=1_000_000),
        row(4, MARCH, division="31", gross_output=2_000_000),
        row(5, LAST_MARCH, zone=2, gross_output=1_000_000),
        row(5, MARCH, zone=2, gross_output=3_000_000),
        # A firm of the division that reported only this March: not in the trend.
        row(6, MARCH, gross_output=9_000_000),
    ]
    result = estimated([firm(1)], rows)
    one = result[1]
    assert one["basis"] == BY_TREND
    # 1,000,000 × 2,700,000 / 3,000,000 = 900,000 yuan (90 万元).
    assert one["gross_output"] == 900_000
    # Employees carried from the latest month (February's 40), not trended.
    assert one["employees"] == 40
    # No revenue last March: nothing to trend, no figure.
    assert one["revenue"] is None
    assert result["not_estimable"] == []


def test_it_falls_back_on_the_zone_then_on_last_years_figure() -> None:
    rows = [
        row(1, LAST_MARCH, division="32", gross_output=1_000_000, revenue=333_333),
        # No other firm of division 32 in zone 1; the zone's all-industry trend of gross output:
        # (1,200,000 + 300,000) / (1,000,000 + 200,000) = 1.25.
        row(2, LAST_MARCH, gross_output=1_000_000),
        row(2, MARCH, gross_output=1_200_000),
        row(3, LAST_MARCH, division="31", gross_output=200_000),
        row(3, MARCH, division="31", gross_output=300_000),
    ]
    one = estimated([firm(1, division="32")], rows)[1]
    assert one["gross_output"] == 1_250_000
    # Nobody in the zone reported revenue in both months: the factor is 1, last year carried.
    assert one["revenue"] == 333_333


def test_it_rounds_half_away_from_zero_to_the_yuan() -> None:
    rows = [
        row(1, LAST_MARCH, gross_output=5, total_profit=-5),
        # Trend 3 / 2 = 1.5 for both figures: 7.5 → 8 and −7.5 → −8.
        row(2, LAST_MARCH, gross_output=2, total_profit=2),
        row(2, MARCH, gross_output=3, total_profit=3),
    ]
    one = estimated([firm(1)], rows)[1]
    assert (one["gross_output"], one["total_profit"]) == (8, -8)


def test_a_firm_without_last_years_month_carries_its_latest_month_forward() -> None:
    rows = [
        row(1, date(2025, 1, 1), gross_output=700_000, employees=20),
        row(1, date(2025, 2, 1), gross_output=800_000, employees=21),
        # Last year's January of the firm is no same month: it does not count.
        row(1, date(2024, 1, 1), gross_output=100),
        row(2, LAST_MARCH, gross_output=1_000_000),
        row(2, MARCH, gross_output=5_000_000),
    ]
    one = estimated([firm(1)], rows)[1]
    assert one["basis"] == CARRIED_FORWARD
    assert (one["gross_output"], one["employees"]) == (800_000, 21)


def test_a_firm_with_neither_is_not_estimable() -> None:
    rows = [row(2, LAST_MARCH, gross_output=1), row(2, MARCH, gross_output=1)]
    result = estimated([firm(1), firm(7)], rows)
    assert result["not_estimable"] == [1, 7]
    assert set(result) == {"not_estimable"}


def test_large_zones_do_not_overflow() -> None:
    big = 10**12  # 1 万亿元 in yuan: big × 4 × big is far beyond Int64
    rows = [
        row(1, LAST_MARCH, gross_output=big),
        row(2, LAST_MARCH, gross_output=3 * big),
        row(2, MARCH, gross_output=4 * big),
    ]
    assert estimated([firm(1)], rows)[1]["gross_output"] == big * 4 // 3  # 1.333… rounds down
