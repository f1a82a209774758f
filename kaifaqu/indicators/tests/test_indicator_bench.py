"""The indicator benchmark: its reference on frames worked out by hand, equal to the engine, and
its code path on a tiny province, so that `python -m bench --only indicators` cannot rot."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from bench.indicator_reference import COLUMNS, INDICATORS, reference_table
from bench.indicators import KEYS, differences, require_equal, run
from kaifaqu.core.lib.periods import Month
from kaifaqu.indicators.catalogue import COMPUTED
from kaifaqu.indicators.engine import Facts, indicator_table
from kaifaqu.indicators.models import PriceIndex

G, P, E = "gross_output", "total_profit", "employees"


def firm(
    enterprise_id: int, zone: int, region: str, park: int | None, industry: str, section: str
) -> dict[str, Any]:
    return {
        "enterprise_id": enterprise_id,
        "zone_id": zone,
        "park_id": park,
        "region_code": region,
        "industry": industry,
        "division": industry[:2],
        "section": section,
    }


@pytest.fixture
def facts() -> Facts:
    """Zone 1 in 朔州 (1406); zone 2 directly under the province (140000: no city).

    1: zone 1, park 11, division 30; on the 2025 roster.
    2: zone 1, no park, division 26; enters the roster in 2025 (its 2024 is still its base).
    3: zone 2, division 06; on the 2024 roster only: not counted in 2025.
    4: zone 2, park 21, division 30; on the 2025 roster, reports nothing.
    5: zone 3 in 石家庄 (河北), division 30; on the 2025 roster.
    National rates: division 30 0.2850 in 2025 and 0.3000 in 2024; division 26 only 2024's
    0.2500 (in force in 2025). 河北's own: division 30 0.4000 in 2023 (in force in 2025, before
    the national 2025 rate). PPI of 山西: 2025-01 all industry 102.00, division 30 105.00;
    2025-02 all industry 102.40, division 30 98.50; 2025-03 all industry 100.00. 河北: none.
    """
    rows = [
        (1, 2024, 1, {G: 1000}),
        (1, 2024, 2, {G: 1000}),
        (1, 2024, 3, {G: 2000, E: 50}),
        (1, 2025, 1, {G: 100, E: 60}),
        (1, 2025, 2, {G: 2000}),
        (1, 2025, 3, {G: 3000, P: -300, E: 55}),
        (2, 2024, 3, {G: 400}),
        (2, 2025, 2, {G: 256}),
        (2, 2025, 3, {G: 700, P: 200}),
        (3, 2025, 3, {G: 9999, P: 5000, E: 9}),
        (5, 2024, 3, {G: 500}),
        (5, 2025, 3, {G: 1000}),
    ]
    return Facts.of(
        returns=pl.DataFrame(
            [{"enterprise_id": e, "period": date(y, m, 1), **values} for e, y, m, values in rows]
        ),
        enterprises=pl.DataFrame(
            [
                firm(1, 1, "140621", 11, "3011", "C"),
                firm(2, 1, "140621", None, "2611", "C"),
                firm(3, 2, "140000", None, "0610", "B"),
                firm(4, 2, "140000", 21, "3011", "C"),
                firm(5, 3, "130102", None, "3011", "C"),
            ]
        ),
        roster=pl.DataFrame(
            {"enterprise_id": [1, 2, 4, 5, 1, 3], "year": [2025, 2025, 2025, 2025, 2024, 2024]}
        ),
        rates=pl.DataFrame(
            [
                (None, 2025, "30", 0.2850),
                (None, 2024, "30", 0.3000),
                (None, 2024, "26", 0.2500),
                ("13", 2023, "30", 0.4000),
            ],
            schema=["province", "year", "division", "rate"],
            orient="row",
        ),
        ppi=pl.DataFrame(
            [
                ("14", date(2025, 1, 1), None, 102.00),
                ("14", date(2025, 1, 1), "30", 105.00),
                ("14", date(2025, 2, 1), None, 102.40),
                ("14", date(2025, 2, 1), "30", 98.50),
                ("14", date(2025, 3, 1), None, 100.00),
            ],
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


MEASURED = (
    "month_value",
    "month_base",
    "ytd_value",
    "ytd_base",
    "ytd_comparable",
    "month_comparable",
    "enterprises",
    "top_value",
    "abs_value",
)


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[name] for name in MEASURED)


def test_the_reference_values_value_added_as_worked_out_by_hand(facts: Facts) -> None:
    table = reference_table(facts, 2025, 3)
    # 1 in 2025 (rate 0.2850): 100 × 0.285 = 28.5 → 29 (half up), 570, 855; at last year's
    # prices 29/1.05 = 27.6 → 28, 570/0.985 = 578.7 → 579, 855/1.00 = 855: 1462.
    # 1 in 2024 at the same rate (in force in 2025): 285 + 285 + 570.
    # 2 (2025 without a rate: 2024's 0.25): 256 → 64, at all industry's 102.40: 62.5 → 63;
    # 700 → 175. Its 2024 (before it entered the roster): 400 → 100.
    zone = figures(cell(table, "zone", "1", "value_added"))
    assert zone == (855 + 175, 570 + 100, 29 + 570 + 855 + 64 + 175, 1140 + 100,
                    1462 + 63 + 175, 855 + 175, 2, 1454, 1693)  # fmt: skip
    assert figures(cell(table, "division", "26", "value_added")) == (
        175, 100, 239, 100, 238, 175, 1, 239, 239,
    )  # fmt: skip
    # The province: zone 1's figures (3 left the roster, 4 reported nothing).
    assert figures(cell(table, "province", "14", "value_added")) == zone
    assert cell(table, "zone", "1", "value_added")["top_share"] == 1454 / 1693
    # 5 in 河北: its province's own 2023 rate, 1000 × 0.40 = 400 against 500 × 0.40 = 200; no
    # index of 河北: no comparable value, for it and for every cell it is in.
    hebei = figures(cell(table, "province", "13", "value_added"))
    assert hebei == (400, 200, 400, 200, None, None, 1, 400, 400)
    assert cell(table, "division", "30", "value_added")["ytd_comparable"] is None


def test_the_reference_follows_the_conventions_worked_out_by_hand(facts: Facts) -> None:
    table = reference_table(facts, 2025, 3)
    # Employees, a stock: 1–3月 is March's 55, against March 2024's 50; 2 reported none.
    assert figures(cell(table, "zone", "1", E)) == (55, 50, 55, 50, None, None, 1, 55, 55)
    # Profit: a loss counts negative; the largest absolute value is the loss.
    profit = cell(table, "zone", "1", P)
    assert (profit["ytd_value"], profit["enterprises"], profit["top_share"]) == (-100, 2, 0.6)
    # 4 alone: a cell with nobody reporting sums to 0, counts 0, has no top.
    empty = cell(table, "zone", "2", G)
    assert (empty["ytd_value"], empty["enterprises"], empty["top_value"]) == (0, 0, None)
    assert empty["abs_value"] == 0 and empty["top_share"] is None
    assert set(table.filter(pl.col("slice_kind") == "city")["slice_key"]) == {"1406", "1301"}
    assert set(table.filter(pl.col("slice_kind") == "park")["slice_key"]) == {"11", "21"}
    assert set(table.filter(pl.col("slice_kind") == "zone_division")["slice_key"]) == {
        "1:30",
        "1:26",
        "2:30",
        "3:30",
    }
    assert set(table.filter(pl.col("slice_kind") == "division")["slice_key"]) == {"30", "26"}
    # February: 1–2月 only; January: nothing.
    february = cell(reference_table(facts, 2025, 2), "zone", "1", "value_added")
    assert figures(february) == (None, None, 29 + 570 + 64, 570, 28 + 579 + 63, None, 2, 599, 663)
    assert reference_table(facts, 2025, 1).is_empty()


def test_the_reference_covers_every_additive_indicator_of_the_catalogue() -> None:
    assert set(INDICATORS) == {indicator.code for indicator in COMPUTED}


def test_the_engine_equals_the_reference_in_every_month(facts: Facts) -> None:
    for number in range(1, 13):
        engine = indicator_table(facts, Month(2025, number))
        reference = reference_table(facts, 2025, number)
        assert differences(engine, reference) == [], number
        assert engine.sort(KEYS).equals(reference.sort(KEYS))
        assert engine.schema == reference.schema


def test_a_disagreement_is_named_by_indicator_slice_and_column(facts: Facts) -> None:
    reference = reference_table(facts, 2025, 3)
    engine = indicator_table(facts, Month(2025, 3))
    wrong = engine.with_columns(
        pl.when(
            (pl.col("slice_kind") == "park")
            & (pl.col("slice_key") == "11")
            & (pl.col("indicator") == "value_added")
        )
        .then(pl.col("ytd_comparable") + 1)
        .otherwise(pl.col("ytd_comparable"))
        .alias("ytd_comparable")
    )
    found = differences(wrong, reference)
    assert len(found) == 1
    assert "column ytd_comparable: 1 cells differ (value_added × park: 1)" in found[0]
    assert "('park', '11', 'value_added', 1463, 1462)" in found[0]
    with pytest.raises(SystemExit, match="disagree in 2025-03"):
        require_equal(wrong, reference, Month(2025, 3))
    missing = differences(engine.filter(pl.col("slice_kind") != "city"), reference)
    assert any("cells only in the reference's table" in text for text in missing)
    assert list(COLUMNS) == engine.columns


def test_the_benchmark_runs_on_a_tiny_province(db: None) -> None:
    lines: list[str] = []
    result = run(enterprises=300, months=14, zones=3, echo=lines.append)
    assert (result.zones, result.enterprises, result.months, result.returns) == (3, 300, 14, 4200)
    assert (result.first, result.last, result.month) == ("2023-11", "2024-12", "2024-12")
    # 13 published months: 2023-11, 2023-12 and 2024-02 … 2024-12.
    assert result.published == 13 and result.cells > 0
    assert PriceIndex.objects.exists()
    report = result.report()
    assert "engine = reference exactly" in report
    assert "b/a = " in report and "(target ≤ 3)" in report
    assert "d/c = " in report and "(target ≤ 10)" in report
    assert "no database write" in report
