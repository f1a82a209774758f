"""Disclosure control (统计法) on small tables typed by hand, each outcome reasoned in comments.

A row is (cell, parent, enterprises, top_share, value); top_share × value is the largest
enterprise's figure. Values are whole yuan as in the indicator tables.
"""

import random
from typing import Any

import polars as pl
import pytest
from django.utils import translation

from kaifaqu.indicators.disclosure import (
    DEFAULT_RULE,
    REASON_LABELS,
    DisclosureRule,
    exposed_cells,
    mask,
    masked,
    suppress,
)

SCHEMA = {
    "cell": pl.Utf8,
    "parent": pl.Utf8,
    "enterprises": pl.Int64,
    "top_share": pl.Float64,
    "value": pl.Int64,
}


def table(*rows: tuple[Any, ...]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA, orient="row")


def hidden(result: pl.DataFrame) -> dict[str, str]:
    return {r["cell"]: r["reason"] for r in result.iter_rows(named=True) if r["suppressed"]}


def assert_equations_hold(result: pl.DataFrame, parents: tuple[str, ...] = ("parent",)) -> None:
    """Written apart from the module: every parent = sum of its parts; hidden cells are safe."""
    by_key = {r["cell"]: r for r in result.iter_rows(named=True)}
    for column in parents:
        children: dict[str, list[dict[str, Any]]] = {}
        for r in by_key.values():
            if r[column] is not None:
                children.setdefault(r[column], []).append(r)
        for total, parts in children.items():
            assert by_key[total]["value"] == sum(p["value"] for p in parts), total
            hidden_parts = [p for p in parts if p["suppressed"]]
            if by_key[total]["suppressed"]:
                assert hidden_parts, f"{total} = the sum of its published parts"
            else:
                assert len(hidden_parts) != 1, f"{hidden_parts[0]['cell']} = {total} − the rest"
    assert exposed_cells(result, parents=parents) == []


# --- primary suppression ---------------------------------------------------------------------


def test_a_cell_of_fewer_than_three_enterprises_is_suppressed_as_few() -> None:
    # No parents: nothing adds up, so only the primary rule acts.
    result = suppress(
        table(
            ("one", None, 1, 1.0, 500),
            ("two", None, 2, 0.95, 500),  # also dominated, but 'few' is the reason given
            ("five", None, 5, 0.4, 500),
        )
    )
    assert hidden(result) == {"one": "few", "two": "few"}
    assert result["suppressed"].to_list() == [True, True, False]


def test_a_cell_dominated_by_one_enterprise_is_suppressed_as_dominant() -> None:
    result = suppress(table(("big", None, 10, 0.9, 1000), ("spread", None, 10, 0.3, 1000)))
    assert hidden(result) == {"big": "dominant"}


def test_the_limits_themselves_are_published() -> None:
    result = suppress(
        table(
            ("three", None, 3, 0.5, 300),  # 3 is not fewer than 3
            ("at_85", None, 10, 0.85, 100),  # 85 % is not more than 85 %
            ("quotient_85", None, 10, 85 / 100, 100),  # the same float when computed
            ("twentieths", None, 10, 17 / 20, 100),
            ("over", None, 10, 0.8501, 100),  # 85.01 % is
            ("empty", None, 0, None, 0),  # no enterprise, nobody to protect
        )
    )
    assert hidden(result) == {"over": "dominant"}


def test_a_stricter_rule_changes_the_limits() -> None:
    rule = DisclosureRule(min_enterprises=5, dominance=0.6)
    result = suppress(
        table(("four", None, 4, 0.3, 100), ("sixty_one", None, 9, 0.61, 100)), rule=rule
    )
    assert hidden(result) == {"four": "few", "sixty_one": "dominant"}


# --- complementary suppression in one breakdown ------------------------------------------------


def test_one_suppressed_park_makes_the_next_smallest_park_a_complement() -> None:
    # Z = P1 + P2 + P3 = 1000. P1 has 2 enterprises. Published alone, Z − P2 − P3 = P1, so one
    # more park goes: P2 (300) is smaller than P3 (600). Z − P3 = 400 = P1 + P2 is then a sum of
    # 6 enterprises whose largest (0.3 × 300 = 90) is 22.5 %: safe.
    result = suppress(
        table(
            ("Z", None, 12, 0.2, 1000),
            ("P1", "Z", 2, 0.6, 100),
            ("P2", "Z", 4, 0.3, 300),
            ("P3", "Z", 6, 0.2, 600),
        )
    )
    assert hidden(result) == {"P1": "few", "P2": "complement"}
    assert_equations_hold(result)


def test_two_suppressed_parks_need_no_complement() -> None:
    # P1 and P2 (2 enterprises each) are both suppressed; Z − P3 − P4 = 250 = P1 + P2 is a sum
    # of 4 enterprises, the largest 0.5 × 150 = 75 (30 %): it may be published, nothing more goes.
    result = suppress(
        table(
            ("Z", None, 15, 0.2, 1000),
            ("P1", "Z", 2, 0.6, 100),
            ("P2", "Z", 2, 0.5, 150),
            ("P3", "Z", 5, 0.3, 350),
            ("P4", "Z", 6, 0.3, 400),
        )
    )
    assert hidden(result) == {"P1": "few", "P2": "few"}
    assert_equations_hold(result)


def test_the_complement_is_the_smallest_park_not_the_first() -> None:
    # Visible siblings 500, 120, 330: the complement is P3 (120), the least information lost.
    result = suppress(
        table(
            ("Z", None, 14, 0.2, 1000),
            ("P1", "Z", 2, 0.5, 50),
            ("P2", "Z", 4, 0.3, 500),
            ("P3", "Z", 4, 0.3, 120),
            ("P4", "Z", 4, 0.3, 330),
        )
    )
    assert hidden(result) == {"P1": "few", "P3": "complement"}
    assert_equations_hold(result)


def test_two_single_firm_parks_get_a_third_because_each_firm_would_learn_the_other() -> None:
    # P1 and P2 have one enterprise each: Z − P3 − P4 = P1 + P2 would tell each firm the other's
    # figure (2 enterprises < 3). The smallest visible park, P3 (200), joins them: 3 enterprises.
    result = suppress(
        table(
            ("Z", None, 8, 0.3, 1000),
            ("P1", "Z", 1, 1.0, 100),
            ("P2", "Z", 1, 1.0, 150),
            ("P3", "Z", 1 + 2, 0.5, 200),
            ("P4", "Z", 4, 0.3, 550),
        )
    )
    assert hidden(result) == {"P1": "few", "P2": "few", "P3": "complement"}
    assert_equations_hold(result)


def test_a_dominant_park_with_a_tiny_complement_gets_another() -> None:
    # P1's largest firm has 900 of 1000 (90 %). The smallest sibling P2 (50) gives
    # Z − P3 − P4 = 1050, still 900/1050 = 85.7 % one firm: a reader knows the firm to within 50.
    # The next smallest, P3 (250), makes 1300 with 900/1300 = 69 %: enough.
    result = suppress(
        table(
            ("Z", None, 24, 0.45, 2000),
            ("P1", "Z", 4, 0.9, 1000),
            ("P2", "Z", 3, 0.4, 50),
            ("P3", "Z", 5, 0.3, 250),
            ("P4", "Z", 12, 0.1, 700),
        )
    )
    assert hidden(result) == {"P1": "dominant", "P2": "complement", "P3": "complement"}
    assert_equations_hold(result)


def test_a_complement_is_never_an_empty_cell() -> None:
    # P2 has no enterprise: hiding its 0 protects nobody (the count is published), so the
    # complement is P3 although P2's value is the smallest.
    result = suppress(
        table(
            ("Z", None, 7, 0.3, 500),
            ("P1", "Z", 2, 0.5, 100),
            ("P2", "Z", 0, None, 0),
            ("P3", "Z", 5, 0.3, 400),
        )
    )
    assert hidden(result) == {"P1": "few", "P3": "complement"}


def test_a_sole_part_takes_its_parent_with_it() -> None:
    # Z has one park, which is all of it: with P suppressed, Z = P must go too.
    result = suppress(table(("Z", None, 2, 0.6, 300), ("P", "Z", 2, 0.6, 300)))
    assert hidden(result) == {"Z": "few", "P": "few"}


# --- suppressed parents and hierarchies --------------------------------------------------------


def test_a_suppressed_parent_needs_no_complement_among_its_parts() -> None:
    # One firm has 900 of Z's 1000 (90 %) and 900 of PA's 950: both dominant. Z − PA = PB + PC
    # is already published, nothing can be derived, so PB and PC stay.
    result = suppress(
        table(
            ("Z", None, 12, 0.9, 1000),
            ("PA", "Z", 4, 900 / 950, 950),
            ("PB", "Z", 3, 0.5, 20),
            ("PC", "Z", 5, 0.3, 30),
        )
    )
    assert hidden(result) == {"Z": "dominant", "PA": "dominant"}
    assert_equations_hold(result)


HIERARCHY = table(
    # City C = Z1 + Z2 + Z3; each zone = its parks.
    ("C", None, 39, 4370 / 6800, 6800),
    ("Z1", "C", 15, 0.15, 1000),
    ("P11", "Z1", 2, 0.6, 100),
    ("P12", "Z1", 5, 0.3, 300),
    ("P13", "Z1", 8, 0.2, 600),
    ("Z2", "C", 10, 0.2, 800),
    ("P21", "Z2", 4, 0.5, 200),
    ("P22", "Z2", 6, 0.3, 600),
    ("Z3", "C", 14, 4370 / 5000, 5000),  # one firm: 4370
    ("P31", "Z3", 4, 4370 / 4600, 4600),
    ("P32", "Z3", 10, 0.1, 400),
)


def test_park_zone_city_hierarchy_reaches_a_stable_protected_result() -> None:
    # Primary: P11 (2 firms), Z3 and P31 (one firm has 4370: 87.4 % of Z3, 95 % of P31).
    # Round 1: C − Z1 − Z2 = Z3 and Z1 − P12 − P13 = P11. Z1 mends both (a part of C, the parent
    #   of P11), so Z1 is hidden rather than Z2 (800, smaller) and P12.
    # Round 2: C − Z2 = Z1 + Z3 = (P11 + 900) + (P31 + 400): the hidden sum is really
    #   P11 + P31 = 4700, of which the firm is 93 %. The next part of C, Z2, is hidden.
    # Round 3: Z2 hidden with both parks published is their sum: P21 (200 < 600) is hidden.
    # Round 4: C − 600 − 600 − 400 = P11 + P21 + P31 = 4900, the firm still 89 %. C has no
    #   visible part left; rather than hide the city's total, P12 (300), the smallest visible
    #   park under a hidden zone, is hidden: the sum becomes 5200 and 4370/5200 = 84 %.
    # Round 5: nothing fails. The city total stays published.
    result = suppress(HIERARCHY)
    expected = {
        "P11": "few",
        "Z3": "dominant",
        "P31": "dominant",
        "Z1": "complement",
        "Z2": "complement",
        "P21": "complement",
        "P12": "complement",
    }
    assert hidden(result) == expected
    assert_equations_hold(result)
    # The same table in another order gives the same cells, and a second pass changes nothing.
    shuffled = HIERARCHY.sample(fraction=1.0, shuffle=True, seed=7)
    assert hidden(suppress(shuffled)) == expected
    assert hidden(suppress(result)) == expected


# --- cross tables (several breakdowns) ---------------------------------------------------------

CROSS_PARENTS = ("zone_total", "division_total")


CrossRow = tuple[str, str | None, str | None, int, float, int]


def cross_table(rows: list[CrossRow]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "cell": pl.Utf8,
            "zone_total": pl.Utf8,  # parent in the breakdown by division: the zone
            "division_total": pl.Utf8,  # parent in the breakdown by zone: the division
            "enterprises": pl.Int64,
            "top_share": pl.Float64,
            "value": pl.Int64,
        },
        orient="row",
    )


def test_a_cross_table_closes_rows_and_columns_on_one_corner() -> None:
    #          d1        d2        d3     | zone
    #   A   2e  50    4e 100    5e 300    |  450
    #   B   4e 120    5e 400    6e 500    | 1020
    #   C   3e 200    3e  80    4e 600    |  880
    #   div    370       580      1400    | P 2350
    # A·d1 (2 firms) is hidden. Row A takes its smallest, A·d2 (100); column d1 its smallest,
    # B·d1 (120). Then row B and column d2 each have one hidden cell: B·d2 is in both and closes
    # the rectangle, though C·d2 (80) is smaller: one cell instead of two.
    rows: list[CrossRow] = [("P", None, None, 36, 0.3, 2350)]
    grid = {
        ("A", "d1"): (2, 50),
        ("A", "d2"): (4, 100),
        ("A", "d3"): (5, 300),
        ("B", "d1"): (4, 120),
        ("B", "d2"): (5, 400),
        ("B", "d3"): (6, 500),
        ("C", "d1"): (3, 200),
        ("C", "d2"): (3, 80),
        ("C", "d3"): (4, 600),
    }
    for zone in "ABC":
        cells = [grid[zone, d] for d in ("d1", "d2", "d3")]
        rows.append((zone, None, "P", sum(e for e, _ in cells), 0.3, sum(v for _, v in cells)))
    for division in ("d1", "d2", "d3"):
        cells = [grid[z, division] for z in "ABC"]
        rows.append((division, "P", None, sum(e for e, _ in cells), 0.3, sum(v for _, v in cells)))
    for (zone, division), (enterprises, value) in grid.items():
        rows.append((f"{zone}·{division}", zone, division, enterprises, 0.5, value))
    result = suppress(cross_table(rows), parents=CROSS_PARENTS)
    assert hidden(result) == {
        "A·d1": "few",
        "A·d2": "complement",
        "B·d1": "complement",
        "B·d2": "complement",
    }
    assert_equations_hold(result, CROSS_PARENTS)


def four_by_four(hide: set[tuple[int, int]], enterprises: int) -> pl.DataFrame:
    """A 4×4 table of 100s with row, column and grand totals; `hide` cells have `enterprises`."""
    rows: list[CrossRow] = [("T", None, None, 160, 0.1, 1600)]
    for i in range(4):
        rows.append((f"r{i}", None, "T", 40, 0.1, 400))
        rows.append((f"c{i}", "T", None, 40, 0.1, 400))
    for i in range(4):
        for j in range(4):
            count = enterprises if (i, j) in hide else 10
            rows.append((f"{i}{j}", f"r{i}", f"c{j}", count, 0.5, 100))
    return cross_table(rows)


# Two closed rectangles joined by one cell: every row and column has 0 or ≥2 hidden cells, yet
# (rows 0+1) − (columns 0+1) of the hidden cells leaves cell 02 alone: it is determined.
RECTANGLES = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}
BRIDGE = (0, 2)


def test_exposed_cells_finds_a_cell_that_combined_equations_determine() -> None:
    frame = four_by_four(RECTANGLES | {BRIDGE}, 10)
    marked = frame.with_columns(
        pl.col("cell").is_in([f"{i}{j}" for i, j in RECTANGLES | {BRIDGE}]).alias("suppressed")
    )
    exposed = exposed_cells(marked, parents=CROSS_PARENTS)
    assert marked["cell"].gather(exposed).to_list() == ["02"]


def test_suppress_hides_one_more_cell_where_combined_equations_would_expose_one() -> None:
    # The nine cells have 2 firms each (any two of them together have 4: the per-line rule is
    # met), so only the exact check adds the complement that breaks the bridge.
    result = suppress(four_by_four(RECTANGLES | {BRIDGE}, 2), parents=CROSS_PARENTS)
    reasons = hidden(result)
    complements = [cell for cell, reason in reasons.items() if reason == "complement"]
    assert len(reasons) == 10
    assert len(complements) == 1
    assert complements[0][0] == "0" or complements[0][1] == "2"  # in the bridge's row or column
    assert_equations_hold(result, CROSS_PARENTS)


# --- several tables, errors, masking, text ------------------------------------------------------


def test_tables_in_by_groups_are_suppressed_apart() -> None:
    # The same parks for two indicators: P1 is dominated in output only, so electricity is
    # published whole, while output hides P1 and its complement P2.
    frame = pl.concat(
        [
            table(
                ("Z", None, 12, 0.4, 1000),
                ("P1", "Z", 4, 0.9, 400),
                ("P2", "Z", 4, 0.3, 250),
                ("P3", "Z", 4, 0.3, 350),
            ).with_columns(indicator=pl.lit("gross_output")),
            table(
                ("Z", None, 12, 0.2, 90),
                ("P1", "Z", 4, 0.4, 30),
                ("P2", "Z", 4, 0.3, 30),
                ("P3", "Z", 4, 0.3, 30),
            ).with_columns(indicator=pl.lit("electricity")),
        ]
    )
    result = suppress(frame, by=["indicator"])
    output = result.filter(pl.col("indicator") == "gross_output")
    electricity = result.filter(pl.col("indicator") == "electricity")
    # P1 + P2 = 650 with the firm's 360 (55 %): safe.
    assert hidden(output) == {"P1": "dominant", "P2": "complement"}
    assert hidden(electricity) == {}


def test_a_parent_without_a_row_or_a_repeated_key_is_refused() -> None:
    with pytest.raises(ValueError, match="parents without a row"):
        suppress(table(("P1", "Z", 5, 0.2, 10), ("P2", "Z", 5, 0.2, 10)))
    with pytest.raises(ValueError, match="not unique"):
        suppress(table(("Z", None, 5, 0.2, 10), ("Z", None, 5, 0.2, 10)))
    with pytest.raises(ValueError, match="lack the columns"):
        suppress(table(("Z", None, 5, 0.2, 10)).drop("top_share"))


def test_random_park_zone_city_tables_are_always_protected() -> None:
    # Invariants, not figures: every primary cell is hidden, every published cell passes the
    # rule, and no hidden cell can be worked out (the helper above checks the equations).
    rng = random.Random(20250401)
    for _ in range(40):
        rows: list[tuple[Any, ...]] = []
        city_parts = []
        for z in range(rng.randint(2, 4)):
            parks = []
            for p in range(rng.randint(1, 4)):
                firms = [rng.choice([5, 50, 500, 5000]) for _ in range(rng.randint(1, 6))]
                parks.append((f"Z{z}P{p}", f"Z{z}", firms))
            zone_firms = [f for *_, firms in parks for f in firms]
            city_parts.extend(zone_firms)
            rows.append((f"Z{z}", "C", zone_firms))
            rows.extend(parks)
        rows.append(("C", None, city_parts))
        frame = table(*((c, p, len(f), max(f) / sum(f), sum(f)) for c, p, f in rows))
        result = suppress(frame)
        for r in result.iter_rows(named=True):
            primary = r["enterprises"] < 3 or r["top_share"] > 0.85
            assert r["suppressed"] or not primary
            assert (r["reason"] in ("few", "dominant")) == primary
        assert_equations_hold(result)


def test_masked_and_mask_hide_suppressed_figures() -> None:
    assert masked(1234, True) is None
    assert masked(1234, False) == 1234
    assert masked(1234, None) is None  # a cell the suppression table does not know is hidden
    result = suppress(table(("one", None, 1, 1.0, 500), ("many", None, 9, 0.2, 700)))
    unknown = pl.DataFrame(
        {"value": [800], "suppressed": [None]}, schema_overrides={"suppressed": pl.Boolean}
    )
    result = pl.concat([result, unknown], how="diagonal")
    shown = mask(result.with_columns(base=pl.col("value") - 100), ["value", "base"])
    assert shown.select("value", "base").rows() == [(None, None), (700, 600), (None, None)]
    assert shown.schema["value"] == pl.Int64


def test_the_rule_describes_its_thresholds() -> None:
    with translation.override("en"):
        text = DEFAULT_RULE.description()
        assert "fewer than 3 enterprises" in text
        assert "more than 85 % of the total" in text
        assert "Statistics Law (统计法)" in text
        assert "more than 60 %" in DisclosureRule(dominance=0.6).description()
        assert str(REASON_LABELS["dominant"]) == "Dominated by one enterprise"
    with pytest.raises(ValueError):
        DisclosureRule(dominance=1.5)
