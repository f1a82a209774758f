"""A month's disclosure decided by hand (`masking.month_suppression`): the rule's primary
suppression reaches parks through each cell's share of its largest firm, every hidden park takes
a complement in its zone, and the cells of different kinds that share a key (park 1, zone 1)
are decided apart; on random provinces, no hidden zone is left alone in its city. The random provinces of test_masking_incremental.py check the incremental
path against the full one; this checks the full one against the rule."""

from __future__ import annotations

import random

import polars as pl
import pytest

from kaifaqu.indicators.disclosure import DEFAULT_RULE, DisclosureRule
from kaifaqu.indicators.masking import month_suppression
from kaifaqu.indicators.tests.test_masking_incremental import CITIES, _province, _zone_rows

# Zones 1 and 2 in the city 1401, zone 3 in the same city by another county's code.
REGIONS = {1: "140101", 2: "140101", 3: "140102"}


def _cell(
    kind: str, key: str, zone: int | None, value: int, firms: int, top: int
) -> dict[str, object]:
    return {
        "slice_kind": kind,
        "slice_key": key,
        "zone_id": zone,
        "indicator": "gross_output",
        "ytd_value": value,
        "enterprises": firms,
        "top_value": top,
        "abs_value": value,
    }


CELLS = pl.DataFrame(
    [
        _cell("province", "14", None, 2500, 26, 360),
        _cell("city", "1401", None, 2500, 26, 360),
        # Zone 1: park 3's largest firm makes 360 of its 400 (90 % > 85 %): hidden, and park 1,
        # the only other part of the zone, hidden with it (else 1,000 − 600 gives it away).
        _cell("zone", "1", 1, 1000, 10, 360),
        # Park 1 of zone 1: a key a zone has too, decided apart.
        _cell("park", "1", 1, 600, 6, 300),
        _cell("park", "3", 1, 400, 4, 360),
        _cell("zone_division", "1:13", 1, 1000, 10, 360),
        # Zone 2: park 5 has three firms and nothing to share (0 of 0 is no share): shown.
        _cell("zone", "2", 2, 500, 8, 100),
        _cell("park", "4", 2, 500, 5, 100),
        _cell("park", "5", 2, 0, 3, 0),
        _cell("zone_division", "2:13", 2, 500, 8, 100),
        # Zone 3: park 6 is 1 yuan, all of it one firm's (100 %): hidden, and park 7 with it.
        _cell("zone", "3", 3, 1000, 8, 100),
        _cell("park", "6", 3, 1, 3, 1),
        _cell("park", "7", 3, 999, 5, 100),
        _cell("zone_division", "3:13", 3, 1000, 8, 100),
    ]
)


def _hidden(cells: pl.DataFrame, rule: DisclosureRule = DEFAULT_RULE) -> set[tuple[str, str]]:
    decided = month_suppression(cells, zone_regions=REGIONS, rule=rule)
    assert decided.height == cells.height  # one decision per cell, none lost or repeated
    return set(decided.filter(pl.col("suppressed")).select("slice_kind", "slice_key").rows())


def test_dominant_parks_and_their_complements_are_hidden_and_nothing_else() -> None:
    assert _hidden(CELLS) == {("park", "1"), ("park", "3"), ("park", "6"), ("park", "7")}


def test_a_laxer_dominance_shows_the_dominated_parks() -> None:
    # One firm may make all of a cell: only the number of firms hides (none here has fewer
    # than three).
    assert _hidden(CELLS, DisclosureRule(dominance=1.0)) == set()


def test_a_zone_of_too_few_firms_is_hidden_with_a_complement_among_its_neighbours() -> None:
    # Zone 2 with two firms at most in each of its cells: hidden as few, with its parks and its
    # division. Its city shows 2,500, so one more zone is hidden with it: zone 1 (zones 1 and 3
    # are both 1,000; the first by key). Zone 1's sole division equals it and goes with it.
    # Park 1 is shown again: zone 1 and park 3 both hidden, 600 no longer gives park 3 away.
    few = CELLS.with_columns(
        pl.when(pl.col("zone_id") == 2)
        .then(pl.col("enterprises").clip(upper_bound=2))
        .otherwise(pl.col("enterprises"))
        .alias("enterprises")
    )
    assert _hidden(few) == {
        ("zone", "2"),
        ("park", "4"),
        ("park", "5"),
        ("zone_division", "2:13"),
        ("zone", "1"),
        ("zone_division", "1:13"),
        ("park", "3"),
        ("park", "6"),
        ("park", "7"),
    }


@pytest.mark.parametrize("rule", [DEFAULT_RULE, DisclosureRule(min_enterprises=2)])
@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_zone_is_left_alone_in_a_city_shown(seed: int, rule: DisclosureRule) -> None:
    """A zone hidden by its own breakdown (a park or division that cannot be protected without
    it) is hidden in the geography too, and takes a complement there: a city shown never has
    exactly one hidden zone, nor the province exactly one hidden city."""
    rng = random.Random(seed)
    cells = _province(
        {zone_id: _zone_rows(rng, zone_id, small=rng.random() < 0.4) for zone_id in CITIES}
    )
    decided = month_suppression(cells, zone_regions=CITIES, rule=rule)
    assert decided.height == cells.height
    hidden = {
        (kind, key, indicator) for kind, key, indicator, suppressed in decided.rows() if suppressed
    }
    for indicator in {row[2] for row in decided.rows()}:
        for city in {code[:4] for code in CITIES.values()}:
            zones = [str(zone) for zone, code in CITIES.items() if code[:4] == city]
            alone = sum(("zone", zone, indicator) in hidden for zone in zones) == 1
            assert not (alone and ("city", city, indicator) not in hidden), (city, indicator)
        cities = {code[:4] for code in CITIES.values()}
        alone = sum(("city", city, indicator) in hidden for city in cities) == 1
        assert not (alone and ("province", "14", indicator) not in hidden), indicator


def test_a_month_of_zones_without_parks_or_divisions_is_decided_on_its_geography() -> None:
    # Zone 2 with two firms, hidden as few, and zone 1 (the smallest other) as its complement.
    geography = CELLS.filter(pl.col("slice_kind").is_in(["province", "city", "zone"]))
    few = geography.with_columns(
        pl.when(pl.col("zone_id") == 2)
        .then(2)
        .otherwise(pl.col("enterprises"))
        .alias("enterprises")
    )
    assert _hidden(few) == {("zone", "1"), ("zone", "2")}


def test_firms_outside_every_park_are_protected_as_the_rest_of_the_zone() -> None:
    # Zone 3's park 7 holds 6 of its 8 firms: the other two (no park) are the zone minus the
    # park, 1 yuan between them. Shown, the zone and park 7 would give those two firms away:
    # park 7 is hidden (the rest is no cell of its own to hide). Zone 1 keeps its decision.
    outside = CELLS.filter(pl.col("slice_key") != "6").with_columns(
        pl.when(pl.col("slice_key") == "7")
        .then(6)
        .otherwise(pl.col("enterprises"))
        .alias("enterprises")
    )
    assert _hidden(outside) == {("park", "1"), ("park", "3"), ("park", "7")}
    # With the two firms in a park of their own, that park is hidden as few and park 7 with it.
    two = outside.vstack(
        pl.DataFrame([_cell("park", "8", 3, 1, 2, 1)]).cast(outside.schema)  # type: ignore[arg-type]
    )
    assert _hidden(two) == {("park", "1"), ("park", "3"), ("park", "7"), ("park", "8")}


def test_the_rest_of_a_zone_dominated_by_one_firm_is_protected() -> None:
    # Zone 3's park 7 holds 5 of its 8 firms and 999 of its 1,000: the three firms outside
    # every park make 1 yuan, and the zone's largest firm (100) could have made all of it
    # (the rest's largest is at most its whole: 1 of 1, dominant). Park 7 is hidden.
    outside = CELLS.filter(pl.col("slice_key") != "6")
    assert _hidden(outside) == {("park", "1"), ("park", "3"), ("park", "7")}
    # Three firms outside with 500 of the zone's 1,000 and a largest firm of 100: the rest is
    # neither few nor dominant, and park 7 (500) is shown.
    shared = outside.with_columns(
        pl.when(pl.col("slice_key") == "7")
        .then(500)
        .otherwise(pl.col("ytd_value"))
        .alias("ytd_value"),
        pl.when(pl.col("slice_key") == "7")
        .then(500)
        .otherwise(pl.col("abs_value"))
        .alias("abs_value"),
    )
    assert _hidden(shared) == {("park", "1"), ("park", "3")}


def test_a_dominant_park_is_not_protected_by_a_tiny_rest_alone() -> None:
    # Zone 3 anew: park 6's largest firm makes 850 of its 900 (dominant); park 7 makes 95; the
    # three firms outside every park make 5 (and one of them could make all of it: the rest is
    # hidden too). Park 6 and the rest together would be 905, which gives park 6's largest firm
    # away within 6 %: park 7 is hidden as well.
    others = CELLS.filter(
        (pl.col("zone_id") != 3) & ~pl.col("slice_kind").is_in(["province", "city"])
    )
    zone_3 = pl.DataFrame(
        [
            _cell("province", "14", None, 2500, 29, 850),
            _cell("city", "1401", None, 2500, 29, 850),
            _cell("zone", "3", 3, 1000, 11, 850),
            _cell("park", "6", 3, 900, 4, 850),
            _cell("park", "7", 3, 95, 4, 20),
            _cell("zone_division", "3:13", 3, 1000, 11, 850),
        ]
    ).cast(others.schema)  # type: ignore[arg-type]
    assert _hidden(pl.concat([others, zone_3])) == {
        ("park", "1"),
        ("park", "3"),
        ("park", "6"),
        ("park", "7"),
    }


def test_one_firm_outside_every_park_is_protected_and_a_zone_of_three_without_parks_shown() -> None:
    # Zone 3's park 7 holds 7 of its 8 firms: the one outside is the zone minus park 7, so
    # park 7 is hidden.
    one_outside = CELLS.filter(pl.col("slice_key") != "6").with_columns(
        pl.when(pl.col("slice_key") == "7")
        .then(7)
        .otherwise(pl.col("enterprises"))
        .alias("enterprises")
    )
    assert _hidden(one_outside) == {("park", "1"), ("park", "3"), ("park", "7")}
    # A zone of three firms with no park or division: nothing of it to hide.
    three = CELLS.filter(pl.col("slice_kind").is_in(["province", "city", "zone"])).with_columns(
        pl.when(pl.col("zone_id") == 3)
        .then(3)
        .otherwise(pl.col("enterprises"))
        .alias("enterprises")
    )
    assert _hidden(three) == set()
