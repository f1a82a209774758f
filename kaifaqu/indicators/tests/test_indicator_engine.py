"""The indicator engine on small frames whose figures are worked out by hand (no database).

Figures are whole units (yuan, persons) as the engine carries them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from kaifaqu.core.lib.periods import Month
from kaifaqu.indicators.engine import (
    Facts,
    contributions,
    indicator_table,
    is_published,
    ratio_table,
    with_growth,
)

# zone 1 in 朔州 (1406, parks 11 and 12), zone 2 in 大同 (1402, no park), zone 3 in 石家庄 (河北).
ZONES = {1: "140621", 2: "140202", 3: "130102", 4: "140000"}


def enterprise(
    enterprise_id: int, zone: int = 1, park: int | None = 11, industry: str = "3011"
) -> dict[str, Any]:
    return {
        "enterprise_id": enterprise_id,
        "zone_id": zone,
        "park_id": park,
        "region_code": ZONES[zone],
        "industry": industry,
        "division": industry[:2],
        "section": "C",
    }


def returns(rows: list[tuple[int, int, int, dict[str, int]]]) -> pl.DataFrame:
    """(enterprise, year, month, {field: value}) rows."""
    return pl.DataFrame(
        [{"enterprise_id": e, "period": date(y, m, 1), **values} for e, y, m, values in rows]
    )


def facts(
    enterprises: list[dict[str, Any]],
    rows: list[tuple[int, int, int, dict[str, int]]],
    roster: dict[int, list[int]],
    rates: list[tuple[Any, ...]] | None = None,
    ppi: list[tuple[Any, ...]] | None = None,
) -> Facts:
    """rates: (year, division, rate) national, or (province, year, division, rate); ppi:
    (period, division, index) of 山西 (14), or (province, period, division, index)."""
    return Facts.of(
        returns=returns(rows),
        enterprises=pl.DataFrame(enterprises),
        roster=pl.DataFrame(
            [{"enterprise_id": e, "year": year} for year, ids in roster.items() for e in ids]
        ),
        rates=pl.DataFrame(
            [rate if len(rate) == 4 else (None, *rate) for rate in rates or []],
            schema={"province": pl.Utf8, "year": pl.Int32, "division": pl.Utf8, "rate": pl.Float64},
            orient="row",
        ),
        ppi=pl.DataFrame(
            [index if len(index) == 4 else ("14", *index) for index in ppi or []],
            schema={
                "province": pl.Utf8,
                "period": pl.Date,
                "division": pl.Utf8,
                "index": pl.Float64,
            },
            orient="row",
        ),
    )


def cell(table: pl.DataFrame, kind: str, key: str, indicator: str) -> dict[str, Any]:
    rows = table.filter(
        (pl.col("slice_kind") == kind)
        & (pl.col("slice_key") == key)
        & (pl.col("indicator") == indicator)
    ).to_dicts()
    assert len(rows) == 1, (kind, key, indicator, rows)
    return rows[0]


def keys(table: pl.DataFrame, kind: str) -> set[str]:
    return set(table.filter(pl.col("slice_kind") == kind)["slice_key"].to_list())


# --- 1–N月 and the 1–2月 rule ---------------------------------------------------------------


@pytest.fixture
def one_firm() -> Facts:
    g = "gross_output"
    return facts(
        [enterprise(1)],
        [
            (1, 2024, 1, {g: 80, "employees": 9}),
            (1, 2024, 2, {g: 120, "employees": 10}),
            (1, 2024, 3, {g: 150, "employees": 11}),
            (1, 2025, 1, {g: 100, "employees": 10}),
            (1, 2025, 2, {g: 200, "employees": 12}),
            (1, 2025, 3, {g: 300, "employees": 15}),
        ],
        {2025: [1]},
    )


def test_it_publishes_nothing_for_january_alone(one_firm: Facts) -> None:
    assert not is_published(Month(2025, 1))
    assert indicator_table(one_firm, Month(2025, 1)).is_empty()
    assert contributions(one_firm, Month(2025, 1), indicator="gross_output").is_empty()


def test_it_publishes_february_as_1_2_months_only(one_firm: Facts) -> None:
    row = cell(indicator_table(one_firm, Month(2025, 2)), "zone", "1", "gross_output")
    # 1–2月: 100 + 200 = 300 against 80 + 120 = 200; no month of February on its own.
    assert (row["ytd_value"], row["ytd_base"]) == (300, 200)
    assert row["month_value"] is None and row["month_base"] is None
    assert contributions(
        one_firm, Month(2025, 2), indicator="gross_output", cumulative=False
    ).is_empty()


def test_it_adds_the_months_from_january_for_1_n_months(one_firm: Facts) -> None:
    table = with_growth(indicator_table(one_firm, Month(2025, 3)))
    row = cell(table, "zone", "1", "gross_output")
    # March: 300 against 150; 1–3月: 100 + 200 + 300 = 600 against 80 + 120 + 150 = 350.
    assert (row["month_value"], row["month_base"]) == (300, 150)
    assert (row["ytd_value"], row["ytd_base"]) == (600, 350)
    assert row["month_growth"] == pytest.approx(100.0)  # 300 / 150 − 1
    assert row["ytd_growth"] == pytest.approx(71.428571, rel=1e-6)  # 600 / 350 − 1


def test_it_takes_employees_at_the_last_month_not_a_sum(one_firm: Facts) -> None:
    row = cell(indicator_table(one_firm, Month(2025, 3)), "zone", "1", "employees")
    # A head count: March 15 against March 11, not 10 + 12 + 15.
    assert (row["ytd_value"], row["ytd_base"]) == (15, 11)
    assert (row["month_value"], row["month_base"]) == (15, 11)
    february = cell(indicator_table(one_firm, Month(2025, 2)), "zone", "1", "employees")
    assert (february["ytd_value"], february["ytd_base"]) == (12, 10)


# --- 同口径 -------------------------------------------------------------------------------------


def test_firms_entering_or_leaving_the_roster_create_no_growth() -> None:
    g = "gross_output"
    table = with_growth(
        indicator_table(
            facts(
                [enterprise(1), enterprise(2), enterprise(3)],
                [
                    # 1 stays on the roster: 90 + 90 = 180 → 100 + 100 = 200.
                    (1, 2024, 1, {g: 90}),
                    (1, 2024, 2, {g: 90}),
                    (1, 2025, 1, {g: 100}),
                    (1, 2025, 2, {g: 100}),
                    # 2 enters the 2025 roster; it reported in 2024 while below the threshold:
                    # 50 + 50 = 100 → 55 + 45 = 100, no change.
                    (2, 2024, 1, {g: 50}),
                    (2, 2024, 2, {g: 50}),
                    (2, 2025, 1, {g: 55}),
                    (2, 2025, 2, {g: 45}),
                    # 3 left after 2024 (still reporting, but off the roster): counted in neither
                    # year, so 2,000 falling to 500 is no decline of the zone.
                    (3, 2024, 1, {g: 1000}),
                    (3, 2024, 2, {g: 1000}),
                    (3, 2025, 1, {g: 250}),
                    (3, 2025, 2, {g: 250}),
                ],
                {2024: [1, 3], 2025: [1, 2]},
            ),
            Month(2025, 2),
        )
    )
    row = cell(table, "zone", "1", "gross_output")
    # Same enterprises (1 and 2) both years: 200 + 100 = 300 against 180 + 100 = 280.
    assert (row["ytd_value"], row["ytd_base"]) == (300, 280)
    assert row["ytd_growth"] == pytest.approx(7.142857, rel=1e-6)  # 300 / 280 − 1
    assert row["enterprises"] == 2


# --- value added --------------------------------------------------------------------------------


def test_value_added_uses_each_division_and_year_rate_rounded_to_the_yuan() -> None:
    g = "gross_output"
    table = indicator_table(
        facts(
            [
                enterprise(1, industry="3011"),
                enterprise(2, industry="3110"),
                enterprise(3, 1, 11, "3211"),
            ],
            [
                (1, 2024, 1, {g: 900}),
                (1, 2024, 2, {g: 950}),
                (1, 2025, 1, {g: 100}),
                (1, 2025, 2, {g: 1001}),
                (2, 2024, 1, {g: 1500}),
                (2, 2024, 2, {g: 1502}),
                (2, 2025, 1, {g: 2000}),
                (2, 2025, 2, {g: 3003}),
                (3, 2025, 1, {g: 700}),
            ],
            {2025: [1, 2, 3]},
            # Division 31 has no 2024 rate; 32 has none at all.
            rates=[(2024, "30", 0.2800), (2025, "30", 0.2850), (2025, "31", 0.1900)],
        ),
        Month(2025, 2),
    )
    # Both years at the rate in force in 2025 (a change of rate is no growth).
    # Division 30: 100 × 0.285 = 28.5 → 29 (half up); 1001 × 0.285 = 285.285 → 285; = 314.
    # Base: 900 × 0.285 = 256.5 → 257; 950 × 0.285 = 270.75 → 271; = 528.
    d30 = cell(table, "division", "30", "value_added")
    assert (d30["ytd_value"], d30["ytd_base"]) == (314, 528)
    # Division 31: 2000 × 0.19 = 380; 3003 × 0.19 = 570.57 → 571; = 951.
    # Base: 1500 × 0.19 = 285; 1502 × 0.19 = 285.38 → 285; = 570.
    d31 = cell(table, "division", "31", "value_added")
    assert (d31["ytd_value"], d31["ytd_base"]) == (951, 570)
    zone = cell(table, "zone", "1", "value_added")
    # 314 + 951 = 1265 against 528 + 570 = 1098; firm 3 (no rate) has no value added.
    assert (zone["ytd_value"], zone["ytd_base"]) == (1265, 1098)
    assert zone["enterprises"] == 2
    assert cell(table, "zone", "1", "gross_output")["enterprises"] == 3
    # Without a price index there is no value added at comparable prices (never deflated by 100).
    assert zone["ytd_comparable"] is None
    assert cell(table, "zone", "1", "gross_output")["ytd_comparable"] is None


def test_a_change_of_rate_is_no_growth_of_value_added() -> None:
    """Division 30 at 0.25 in 2024 and 0.30 in 2025, gross output 1,000 万元 in both Marches:
    value added 300 万元 in both years, growth 0.0 % (each year at its own rate: +20 %)."""
    wan = 10_000  # whole yuan per 万元
    table = with_growth(
        indicator_table(
            facts(
                [enterprise(1)],
                [
                    (1, 2024, 3, {"gross_output": 1000 * wan}),
                    (1, 2025, 3, {"gross_output": 1000 * wan}),
                ],
                {2025: [1]},
                rates=[(2024, "30", 0.25), (2025, "30", 0.30)],
            ),
            Month(2025, 3),
        )
    )
    zone = cell(table, "zone", "1", "value_added")
    assert (zone["month_value"], zone["month_base"]) == (300 * wan, 300 * wan)
    assert zone["ytd_growth"] == pytest.approx(0.0, abs=1e-9)


def test_the_rate_in_force_is_the_latest_up_to_the_year_and_the_provinces_own_first() -> None:
    g = "gross_output"
    rows = [(e, year, 3, {g: 1000}) for e in (1, 3) for year in (2025, 2026)]
    rates = [
        (2024, "30", 0.20),  # national, 2024
        (2025, "30", 0.25),  # national, 2025: in force in 2026 too (no 2026 rate)
        (2027, "30", 0.90),  # a later year is never used
        ("14", 2024, "30", 0.40),  # 山西's own, 2024: in force in 2026 for 山西's zones
    ]
    table = indicator_table(
        facts([enterprise(1), enterprise(3, zone=3, park=None)], rows, {2026: [1, 3]}, rates),
        Month(2026, 3),
    )
    # 山西 (zone 1): its own 2024 rate 0.40 over the national 2025 rate; 1000 × 0.40 = 400.
    shanxi = cell(table, "zone", "1", "value_added")
    assert (shanxi["month_value"], shanxi["month_base"]) == (400, 400)
    # 河北 (zone 3) has no rate of its own: the national 2025 rate, 1000 × 0.25 = 250.
    hebei = cell(table, "zone", "3", "value_added")
    assert (hebei["month_value"], hebei["month_base"]) == (250, 250)


def test_comparable_value_added_divides_by_the_division_or_all_industry_ppi() -> None:
    g = "gross_output"
    rates = [(year, division, 0.25) for year in (2024, 2025) for division in ("30", "31")]
    rows = [(e, 2024, m, {g: 400}) for e in (1, 2) for m in (1, 2, 3)]
    rows += [
        # Value added 105, 105, 100 (× 0.25).
        (1, 2025, 1, {g: 420}),
        (1, 2025, 2, {g: 420}),
        (1, 2025, 3, {g: 400}),
        # Value added 98, 98, 100.
        (2, 2025, 1, {g: 392}),
        (2, 2025, 2, {g: 392}),
        (2, 2025, 3, {g: 400}),
    ]
    # January and February: division 30 at 105; all industry at 98 (division 31 has none).
    # March: all industry at 100.
    ppi: list[tuple[Any, ...]] = [
        (date(2025, m, 1), division, index)
        for m in (1, 2)
        for division, index in (("30", 105.0), (None, 98.0))
    ] + [(date(2025, 3, 1), None, 100.0)]
    table = with_growth(
        indicator_table(
            facts(
                [enterprise(1, industry="3011"), enterprise(2, industry="3110")],
                rows,
                {2025: [1, 2]},
                rates=rates,
                ppi=ppi,
            ),
            Month(2025, 3),
        )
    )
    zone = cell(table, "zone", "1", "value_added")
    # Current prices: 105 + 105 + 100 + 98 + 98 + 100 = 606 against 6 × 100 = 600: +1 %.
    assert (zone["ytd_value"], zone["ytd_base"]) == (606, 600)
    assert zone["ytd_growth"] == pytest.approx(1.0)
    # Comparable: 105/1.05 + 105/1.05 + 100 + 98/0.98 + 98/0.98 + 100 = 600: no real growth.
    assert zone["ytd_comparable"] == pytest.approx(600.0)
    assert zone["ytd_comparable_growth"] == pytest.approx(0.0, abs=1e-9)
    assert zone["month_comparable"] == pytest.approx(200.0)  # March: 100 + 100 at index 100
    d30 = cell(table, "division", "30", "value_added")
    assert d30["ytd_value"] == 310 and d30["ytd_comparable"] == pytest.approx(300.0)


def _deflated(ppi: list[tuple[Any, ...]], *, zone: int = 1) -> dict[str, Any]:
    """Firm 1 (division 30) in a zone: value added 100 in March 2024 and 105 in March 2025."""
    table = with_growth(
        indicator_table(
            facts(
                [enterprise(1, zone=zone, park=None)],
                [(1, 2024, 3, {"gross_output": 400}), (1, 2025, 3, {"gross_output": 420})],
                {2025: [1]},
                rates=[(2025, "30", 0.25)],
                ppi=ppi,
            ),
            Month(2025, 3),
        )
    )
    return cell(table, "zone", str(zone), "value_added")


def test_value_added_is_deflated_by_its_provinces_division_index() -> None:
    march = date(2025, 3, 1)
    # 105 ÷ 1.05 = 100 (the division's index wins over all industry's 110).
    zone = _deflated([(march, "30", 105.0), (march, None, 110.0)])
    assert zone["ytd_comparable"] == 100
    assert zone["ytd_comparable_growth"] == pytest.approx(0.0, abs=1e-9)


def test_value_added_falls_back_on_its_provinces_all_industry_index() -> None:
    march = date(2025, 3, 1)
    # Division 31 has an index, not 30: all industry's, 105 ÷ 1.05 = 100.
    zone = _deflated([(march, "31", 120.0), (march, None, 105.0)])
    assert zone["ytd_comparable"] == 100


def test_without_an_index_comparable_value_added_is_not_available() -> None:
    zone = _deflated([])
    assert zone["ytd_value"] == 105
    assert zone["ytd_comparable"] is None and zone["month_comparable"] is None
    assert zone["ytd_comparable_growth"] is None


def test_another_provinces_index_is_never_used() -> None:
    march = date(2025, 3, 1)
    # 河北's indexes (13) for a firm of 山西 (zone 1): none of its own province.
    zone = _deflated([("13", march, "30", 105.0), ("13", march, None, 105.0)])
    assert zone["ytd_comparable"] is None
    # The same indexes deflate a firm of 河北 (zone 3).
    hebei = _deflated([("13", march, "30", 105.0)], zone=3)
    assert hebei["ytd_comparable"] == 100


def test_a_cell_with_a_firm_without_an_index_has_no_comparable_value() -> None:
    g = "gross_output"
    march = date(2025, 3, 1)
    table = indicator_table(
        facts(
            [enterprise(1), enterprise(2, zone=3, park=None)],
            [(e, year, 3, {g: 400}) for e in (1, 2) for year in (2024, 2025)],
            {2025: [1, 2]},
            rates=[(2025, "30", 0.25)],
            ppi=[(march, None, 100.0)],  # 山西's only: firm 2 (河北) has none
        ),
        Month(2025, 3),
    )
    assert cell(table, "zone", "1", "value_added")["ytd_comparable"] == 100
    assert cell(table, "zone", "3", "value_added")["ytd_comparable"] is None
    # The division adds up both firms: not available, rather than 100 against a base of 200.
    division = cell(table, "division", "30", "value_added")
    assert (division["ytd_value"], division["ytd_base"]) == (200, 200)
    assert division["ytd_comparable"] is None


def test_a_firm_with_a_month_without_an_index_has_no_comparable_value() -> None:
    g = "gross_output"
    table = indicator_table(
        facts(
            [enterprise(1)],
            [(1, year, m, {g: 400}) for year in (2024, 2025) for m in (2, 3)],
            {2025: [1]},
            rates=[(2025, "30", 0.25)],
            ppi=[(date(2025, 3, 1), None, 100.0)],  # none for February
        ),
        Month(2025, 3),
    )
    zone = cell(table, "zone", "1", "value_added")
    # March alone has its index: the month is deflated, 1–3月 is not (not 100 of 200).
    assert zone["month_comparable"] == 100
    assert zone["ytd_comparable"] is None


# --- contribution to growth ---------------------------------------------------------------------


@pytest.fixture
def three_firms() -> Facts:
    g = "gross_output"
    return facts(
        [enterprise(1), enterprise(2, park=12), enterprise(3, park=12), enterprise(4)],
        [
            (1, 2024, 2, {g: 100, "total_profit": 50}),
            (1, 2025, 2, {g: 150, "total_profit": 300}),
            (2, 2024, 2, {g: 200, "total_profit": 10}),
            (2, 2025, 2, {g: 180, "total_profit": -100}),
            (3, 2024, 2, {g: 100}),
            (3, 2025, 2, {g: 120}),
        ],
        # 4 is on the roster but has not reported.
        {2025: [1, 2, 3, 4]},
    )


def test_contributions_add_up_to_the_growth_and_to_100_per_cent(three_firms: Facts) -> None:
    frame = contributions(
        three_firms, Month(2025, 2), indicator="gross_output", slice_kind="zone", slice_key="1"
    )
    # Cell: C = 150 + 180 + 120 = 450, B = 100 + 200 + 100 = 400, growth 12.5 %.
    # 拉动 = change / B × 100: +50 → 12.5, −20 → −5, +20 → 5 (points; sum 12.5).
    # 贡献率 = change / (C − B) × 100: 50/50 → 100, −20/50 → −40, 20/50 → 40 (sum 100).
    by_firm = {row["enterprise_id"]: row for row in frame.to_dicts()}
    assert frame["enterprise_id"].to_list() == [1, 3, 2]  # largest change first
    assert {e: (r["value"], r["base"], r["change"]) for e, r in by_firm.items()} == {
        1: (150, 100, 50),
        2: (180, 200, -20),
        3: (120, 100, 20),
    }
    assert [by_firm[e]["pull_pp"] for e in (1, 2, 3)] == pytest.approx([12.5, -5.0, 5.0])
    assert [by_firm[e]["contribution_pct"] for e in (1, 2, 3)] == pytest.approx([100, -40, 40])
    assert frame["pull_pp"].sum() == pytest.approx(12.5)
    assert frame["contribution_pct"].sum() == pytest.approx(100.0)
    assert by_firm[1]["share"] == pytest.approx(150 / 450)
    row = cell(
        with_growth(indicator_table(three_firms, Month(2025, 2))), "zone", "1", "gross_output"
    )
    assert row["ytd_growth"] == pytest.approx(12.5)


def test_contributions_are_limited_to_the_cell(three_firms: Facts) -> None:
    frame = contributions(
        three_firms, Month(2025, 2), indicator="gross_output", slice_kind="park", slice_key="12"
    )
    # Park 12: firms 2 and 3: C = 300, B = 300: no growth, so no 贡献率.
    assert sorted(frame["enterprise_id"].to_list()) == [2, 3]
    assert frame["pull_pp"].to_list() == pytest.approx([20 / 300 * 100, -20 / 300 * 100])
    assert frame["contribution_pct"].to_list() == [None, None]
    with pytest.raises(ValueError):
        contributions(three_firms, Month(2025, 2), indicator="sales_rate")


def test_it_counts_reporting_firms_and_the_largest_share(three_firms: Facts) -> None:
    table = indicator_table(three_firms, Month(2025, 2))
    gross = cell(table, "zone", "1", "gross_output")
    # Firm 4 reported nothing: 3 firms; the largest, 180 of 450, is 40 %.
    assert gross["enterprises"] == 3
    assert gross["top_share"] == pytest.approx(0.4)
    profit = cell(table, "zone", "1", "total_profit")
    # 300 and −100 (a loss): 2 firms; the share is of absolute values, 300 / 400.
    assert (profit["ytd_value"], profit["enterprises"]) == (200, 2)
    assert profit["top_share"] == pytest.approx(0.75)
    assert cell(table, "park", "11", "total_profit")["top_share"] == pytest.approx(1.0)
    assert cell(table, "zone", "1", "taxes")["enterprises"] == 0
    assert cell(table, "zone", "1", "taxes")["top_share"] is None


# --- slices -------------------------------------------------------------------------------------


def test_it_rolls_up_parks_zones_divisions_cities_and_provinces() -> None:
    g = "gross_output"
    firms = [
        enterprise(1, 1, 11, "3011"),
        enterprise(2, 1, 12, "3110"),
        enterprise(3, 1, 12, "3011"),
        enterprise(4, 2, None, "3110"),
        enterprise(5, 3, None, "3011"),
        enterprise(6, 4, None, "3011"),
    ]
    values = {1: 10, 2: 20, 3: 40, 4: 80, 5: 160, 6: 320}
    table = indicator_table(
        facts(
            firms,
            [(e, 2025, m, {g: v}) for e, v in values.items() for m in (1, 2)],
            {2025: list(values)},
        ),
        Month(2025, 2),
    )

    def ytd(kind: str, key: str) -> int:
        return int(cell(table, kind, key, "gross_output")["ytd_value"])

    # Each firm reports its value in January and February: 1–2月 is twice it.
    assert ytd("park", "11") == 20
    assert ytd("park", "12") == 2 * (20 + 40)
    assert keys(table, "park") == {"11", "12"}  # firms outside a park are in no park's cell
    assert ytd("zone", "1") == 2 * (10 + 20 + 40)
    assert ytd("zone_division", "1:30") == 2 * (10 + 40)
    assert ytd("zone_division", "1:31") == 2 * 20
    assert ytd("zone_division", "2:31") == 2 * 80
    assert ytd("division", "30") == 2 * (10 + 40 + 160 + 320)
    assert ytd("section", "C") == 2 * 630
    assert ytd("city", "1406") == 2 * 70
    assert ytd("city", "1402") == 2 * 80
    # Zone 4 sits directly under the province (140000): in 山西 but in no city.
    assert keys(table, "city") == {"1406", "1402", "1301"}
    assert ytd("province", "14") == 2 * (70 + 80 + 320)
    assert ytd("province", "13") == 2 * 160
    zone_cells = table.filter(
        (pl.col("slice_kind") == "zone") & (pl.col("indicator") == "gross_output")
    )
    assert zone_cells["ytd_value"].sum() == ytd("section", "C")  # exact: whole yuan, Int64
    assert table.schema["ytd_value"] == pl.Int64


def test_a_category_counts_its_rosters_firms_and_the_other_slices_only_industry_firms() -> None:
    r = "revenue"
    firms = [
        enterprise(1, 1, 11, "3011"),  # 规上工业 and 限上批发
        enterprise(2, 1, 12, "3011"),  # 规上工业
        enterprise(3, 1, None, "5191"),  # 限上批发 only
        enterprise(4, 2, None, "5191"),  # 限上批发 only, in another zone, new this year
    ]
    this_year = {1: 100, 2: 200, 3: 50, 4: 30}
    last_year = {1: 90, 2: 150, 3: 40}
    roster = [
        (1, "industry"),
        (2, "industry"),
        (1, "wholesale"),
        (3, "wholesale"),
        (4, "wholesale"),
    ]
    table = indicator_table(
        Facts.of(
            returns=returns(
                [(e, 2025, m, {r: v}) for e, v in this_year.items() for m in (1, 2)]
                + [(e, 2024, m, {r: v}) for e, v in last_year.items() for m in (1, 2)]
            ),
            enterprises=pl.DataFrame(firms),
            roster=pl.DataFrame(
                [{"enterprise_id": e, "year": 2025, "category": c} for e, c in roster]
            ),
        ),
        Month(2025, 2),
    )

    def ytd(kind: str, key: str) -> tuple[int, int, int]:
        row = cell(table, kind, key, r)
        return row["ytd_value"], row["ytd_base"], row["enterprises"]

    # The zone and everything but the categories: 规上工业 only (firms 1 and 2), 1–2月 twice a
    # month: 2 × 300 against 2 × 240.
    assert ytd("zone", "1") == (600, 480, 2)
    assert ytd("province", "14") == (600, 480, 2)
    assert keys(table, "zone") == {"1"}  # zone 2 has no 规上工业 firm
    assert keys(table, "division") == {"30"}  # 51 批发业 is no industry division of 规上工业
    # 规上工业 as a category is the zone itself; 限上批发 holds firm 1 as well (on both rosters).
    assert ytd("zone_category", "1:industry") == ytd("zone", "1")
    assert ytd("zone_category", "1:wholesale") == (2 * (100 + 50), 2 * (90 + 40), 2)
    assert ytd("zone_category", "2:wholesale")[::2] == (60, 1)
    assert ytd("category", "industry") == (600, 480, 2)
    assert ytd("category", "wholesale")[::2] == (2 * (100 + 50 + 30), 3)
    assert keys(table, "category") == {"industry", "wholesale"}
    drilled = contributions(
        Facts.of(
            returns=returns([(e, 2025, m, {r: v}) for e, v in this_year.items() for m in (1, 2)]),
            enterprises=pl.DataFrame(firms),
            roster=pl.DataFrame(
                [{"enterprise_id": e, "year": 2025, "category": c} for e, c in roster]
            ),
        ),
        Month(2025, 2),
        indicator=r,
        slice_kind="zone_category",
        slice_key="1:wholesale",
    )
    assert sorted(drilled["enterprise_id"].to_list()) == [1, 3]


def test_the_sales_rate_is_a_ratio_of_the_sums_not_a_sum() -> None:
    table = indicator_table(
        facts(
            [enterprise(1), enterprise(2)],
            [
                (1, 2024, 2, {"gross_output": 400, "sales_output": 300}),
                (1, 2025, 2, {"gross_output": 400, "sales_output": 380}),
                (2, 2024, 2, {"gross_output": 100, "sales_output": 100}),
                (2, 2025, 2, {"gross_output": 100, "sales_output": 70}),
            ],
            {2025: [1, 2]},
        ),
        Month(2025, 2),
    )
    rate = ratio_table(table).filter(
        (pl.col("slice_kind") == "zone") & (pl.col("slice_key") == "1")
    )
    # (380 + 70) / (400 + 100) = 90 %; the year before (300 + 100) / 500 = 80 %.
    assert rate["indicator"].to_list() == ["sales_rate"]
    assert rate["ytd_value"].item() == pytest.approx(90.0)
    assert rate["ytd_base"].item() == pytest.approx(80.0)
    assert rate["enterprises"].item() == 2


def test_a_month_not_reported_this_year_keeps_its_place_in_the_base() -> None:
    # Firm 1 reports 100 a month both years. Firm 2 reported 50 a month last year and this year
    # January and February only (no March return, and no employees figure in February).
    rows = [
        (1, y, m, {"gross_output": 100, "employees": 10}) for y in (2024, 2025) for m in (1, 2, 3)
    ]
    rows += [(2, 2024, m, {"gross_output": 50, "employees": 5}) for m in (1, 2, 3)]
    rows += [(2, 2025, 1, {"gross_output": 50, "employees": 5}), (2, 2025, 2, {"gross_output": 50})]
    table = with_growth(
        indicator_table(facts([enterprise(1), enterprise(2)], rows, {2025: [1, 2]}), Month(2025, 3))
    )
    gross = cell(table, "zone", "1", "gross_output")
    # March: 100 against 100 + 50 (firm 2's March of last year stays in the base): a fall.
    assert (gross["month_value"], gross["month_base"]) == (100, 150)
    # 1–3月: 300 + 100 = 400 against 300 + 150 = 450 (the whole same period): −11.1 %.
    assert (gross["ytd_value"], gross["ytd_base"]) == (400, 450)
    assert gross["ytd_growth"] == pytest.approx(-11.111111, rel=1e-6)
    employees = cell(table, "zone", "1", "employees")
    # A stock, month 3: firm 1's 10 against 10 + 5 (firm 2's March of last year).
    assert (employees["ytd_value"], employees["ytd_base"]) == (10, 15)
    assert gross["estimated"] == 0


# Division 30: firm A (1) 100 → 90 in both months, both reported; firm B (2) 100 a month last
# year, nothing reported this year.
DIVISION_30 = [
    (1, 2024, 1, {"gross_output": 100}),
    (1, 2024, 2, {"gross_output": 100}),
    (1, 2025, 1, {"gross_output": 90}),
    (1, 2025, 2, {"gross_output": 90}),
    (2, 2024, 1, {"gross_output": 100}),
    (2, 2024, 2, {"gross_output": 100}),
]


def _division_30(rows: list[tuple[int, int, int, dict[str, Any]]]) -> dict[str, Any]:
    firms = [enterprise(1, industry="3011"), enterprise(2, industry="3021")]
    table = with_growth(indicator_table(facts(firms, rows, {2025: [1, 2]}), Month(2025, 2)))
    return cell(table, "division", "30", "gross_output")


def test_a_firm_without_returns_this_year_keeps_its_whole_base() -> None:
    row = _division_30(DIVISION_30)
    # 1–2月: A's 90 + 90 = 180 against A's and B's (100 + 100) × 2 = 400; a month at a time
    # (90 − 200) / 200, the same −55.0 %. The old rule (B's months out of the base) said −10 %.
    assert (row["ytd_value"], row["ytd_base"]) == (180, 400)
    assert row["ytd_growth"] == pytest.approx(-55.0)
    assert row["estimated"] == 0


def test_an_estimate_fills_the_gap_and_flags_the_cell() -> None:
    # Firm B estimated at 90 a month (its 100 × the division's trend 90 / 100).
    estimated = [(2, 2025, m, {"gross_output": 90, "is_estimate": True}) for m in (1, 2)]
    row = _division_30(DIVISION_30 + estimated)
    # 90 × 4 = 360 against 400: −10.0 %; one enterprise of the cell is estimated.
    assert (row["ytd_value"], row["ytd_base"]) == (360, 400)
    assert row["ytd_growth"] == pytest.approx(-10.0)
    assert (row["enterprises"], row["estimated"]) == (2, 1)
    drilled = contributions(
        facts(
            [enterprise(1, industry="3011"), enterprise(2, industry="3021")],
            DIVISION_30 + estimated,
            {2025: [1, 2]},
        ),
        Month(2025, 2),
        indicator="gross_output",
    )
    flags = dict(zip(drilled["enterprise_id"], drilled["is_estimate"], strict=True))
    assert flags == {1: False, 2: True}
