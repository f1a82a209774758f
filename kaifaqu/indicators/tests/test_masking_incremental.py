"""A zone's publication decides its month's disclosure again with the other zones' stored
decisions (`masking.month_suppression(known=…)`): their breakdowns are decided again only where
their status moves or where they are hidden. The result must be the full decision's, whatever
the change: checked on random provinces in which one zone changes, zones are hidden for few or
dominant firms, and complements move between zones."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl
import pytest

from kaifaqu.indicators.masking import month_suppression

INDICATORS = ["gross_output", "revenue"]
CITIES = {1: "140101", 2: "140102", 3: "140201", 4: "140202", 5: "140203", 6: "140301", 7: "140302"}
KEY = ["slice_kind", "slice_key", "indicator"]


def _zone_rows(rng: random.Random, zone_id: int, small: bool) -> list[dict[str, object]]:
    """A zone's own cells: the zone, its parks and its divisions (parts adding up to at most
    the zone), for each indicator."""
    rows: list[dict[str, object]] = []
    for indicator in INDICATORS:
        parks = [
            (rng.randint(0, 2 if small else 6), rng.randint(1, 900))
            for _ in range(rng.randint(1, 3))
        ]
        rest = (rng.randint(0, 2), rng.randint(1, 300))
        firms = sum(count for count, _value in parks) + rest[0]
        if firms == 0:
            firms, rest = 1, (1, rest[1])
        values = [value if count else 0 for count, value in parks]
        total = sum(values) + (rest[1] if rest[0] else 0)
        top = max([*values, rest[1] if rest[0] else 0]) * rng.choice([0.3, 0.5, 0.9])
        rows.append(_row("zone", str(zone_id), zone_id, indicator, total, firms, top))
        for number, ((count, _value), value) in enumerate(zip(parks, values, strict=True)):
            park = zone_id * 10 + number
            share = rng.choice([0.2, 0.6, 0.95])
            rows.append(_row("park", str(park), zone_id, indicator, value, count, value * share))
        division_firms = firms
        division_value = total
        for division in ("13", "26", "34")[: rng.randint(1, 3)]:
            count = rng.randint(0, division_firms)
            value = round(division_value * rng.random()) if count else 0
            division_firms -= count
            division_value -= value
            rows.append(
                _row(
                    "zone_division",
                    f"{zone_id}:{division}",
                    zone_id,
                    indicator,
                    value,
                    count,
                    value * rng.choice([0.4, 0.9]),
                )
            )
    return rows


def _row(
    kind: str, key: str, zone_id: int | None, indicator: str, value: float, firms: int, top: float
) -> dict[str, object]:
    return {
        "slice_kind": kind,
        "slice_key": key,
        "zone_id": zone_id,
        "indicator": indicator,
        "ytd_value": int(value),
        "enterprises": firms,
        "top_value": int(min(top, value)),
        "abs_value": int(value),
    }


def _province(zones: dict[int, list[dict[str, object]]]) -> pl.DataFrame:
    """The zones' cells with their cities and province summed from them."""
    rows = [row for zone_rows in zones.values() for row in zone_rows]
    frame = pl.DataFrame(rows)
    zone_cells = frame.filter(pl.col("slice_kind") == "zone").with_columns(
        pl.col("zone_id").replace_strict(CITIES, return_dtype=pl.Utf8).alias("region")
    )
    above = [
        zone_cells.with_columns(
            pl.lit(kind).alias("slice_kind"), pl.col("region").str.slice(0, width).alias("key")
        )
        .group_by("slice_kind", "key", "indicator")
        .agg(
            pl.col("ytd_value").sum(),
            pl.col("enterprises").sum(),
            pl.col("top_value").max(),
            pl.col("abs_value").sum(),
        )
        .select(
            "slice_kind",
            pl.col("key").alias("slice_key"),
            pl.lit(None, dtype=pl.Int64).alias("zone_id"),
            "indicator",
            "ytd_value",
            "enterprises",
            "top_value",
            "abs_value",
        )
        for kind, width in (("province", 2), ("city", 4))
    ]
    return pl.concat([frame.cast(above[0].schema), *above], how="vertical")


def _decided(cells: pl.DataFrame, known: pl.DataFrame | None = None) -> pl.DataFrame:
    return month_suppression(cells, zone_regions=CITIES, known=known).sort(KEY)


@pytest.mark.parametrize("seed", range(40))
def test_deciding_with_the_unchanged_zones_stored_decisions_gives_the_full_decision(
    seed: int,
) -> None:
    rng = random.Random(seed)
    zones = {zone_id: _zone_rows(rng, zone_id, small=rng.random() < 0.4) for zone_id in CITIES}
    before = _province(zones)
    stored = before.join(_decided(before), on=KEY).filter(pl.col("zone_id").is_not_null())

    changed = rng.choice(list(CITIES))
    zones[changed] = _zone_rows(rng, changed, small=rng.random() < 0.5)
    after = _province(zones)
    known = stored.filter(pl.col("zone_id") != changed).select(*KEY, "zone_id", "suppressed")

    assert _decided(after, known).equals(_decided(after))


def test_the_random_provinces_hide_zones_and_move_complements() -> None:
    """The check above would prove little if no zone were ever hidden or no decision of an
    unchanged zone moved: across the seeds both happen."""
    hidden_zones = moved = 0
    for seed in range(40):
        rng = random.Random(seed)
        zones = {zone_id: _zone_rows(rng, zone_id, small=rng.random() < 0.4) for zone_id in CITIES}
        before = _decided(_province(zones))
        changed = rng.choice(list(CITIES))
        zones[changed] = _zone_rows(rng, changed, small=rng.random() < 0.5)
        after = _decided(_province(zones))
        hidden_zones += before.filter(
            (pl.col("slice_kind") == "zone") & pl.col("suppressed")
        ).height
        both = before.join(after, on=KEY, suffix="_after")
        moved += both.filter(
            (pl.col("suppressed") != pl.col("suppressed_after"))
            & ~pl.col("slice_key").str.starts_with(str(changed))
            & (pl.col("slice_kind") == "zone")
        ).height
    assert hidden_zones > 10
    assert moved > 0


_IS_PART = pl.col("slice_kind").is_in(["park", "zone_division"])


@dataclass
class OnDemand:
    """One zone's publication decided as `write_zones_month` decides it: the other zones' own
    cells and stored decisions given, their parts read through `parts_of` (the zones asked kept
    in `asked`, in order)."""

    stored: pl.DataFrame  # the cells before the change, with their decisions
    after: pl.DataFrame  # the cells after it
    changed: int
    given: pl.DataFrame = field(init=False)
    asked: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        unchanged_zone = pl.col("zone_id").is_not_null() & (pl.col("zone_id") != self.changed)
        known = self.stored.filter(unchanged_zone & ~_IS_PART)
        self.given = month_suppression(
            self.after.filter(~(_IS_PART & unchanged_zone)),
            zone_regions=CITIES,
            known=known.select(*KEY, "zone_id", "suppressed"),
            parts_of=self.parts_of,
        )

    def parts_of(self, zone_ids: Sequence[int]) -> pl.DataFrame:
        assert not set(zone_ids) & set(self.asked)  # each zone read once
        self.asked.extend(zone_ids)
        return self.after.filter(_IS_PART & pl.col("zone_id").is_in(zone_ids))


def _published_on_demand(seed: int) -> OnDemand:
    """A random province, then one of its zones changed and published."""
    rng = random.Random(seed)
    zones = {zone_id: _zone_rows(rng, zone_id, small=rng.random() < 0.4) for zone_id in CITIES}
    stored = _province(zones).join(_decided(_province(zones)), on=KEY)
    changed = rng.choice(list(CITIES))
    zones[changed] = _zone_rows(rng, changed, small=rng.random() < 0.5)
    return OnDemand(stored=stored, after=_province(zones), changed=changed)


@pytest.mark.parametrize("seed", range(40))
def test_the_other_zones_parts_read_on_demand_give_the_full_decision(seed: int) -> None:
    """A zone's publication does not read back the other zones' parks and divisions: they are
    read (`parts_of`) only for the zones whose breakdowns are decided again. Every decision
    given is the full decision's; a part left out is an unchanged zone's, and its stored
    decision is the full one."""
    published = _published_on_demand(seed)
    given, stored, changed = published.given, published.stored, published.changed
    full = _decided(published.after)
    assert given.join(full, on=KEY, how="anti").is_empty()
    assert (
        given.join(full, on=KEY)
        .filter(pl.col("suppressed") != pl.col("suppressed_right"))
        .is_empty()
    )
    left_out = full.join(given, on=KEY, how="anti")
    kept = left_out.join(stored.select(*KEY, "zone_id", pl.col("suppressed").alias("was")), on=KEY)
    assert kept.height == left_out.height
    assert kept.filter(pl.col("zone_id") == changed).is_empty()
    assert (kept["suppressed"] == kept["was"]).all()
    assert changed not in published.asked


def test_the_parts_read_on_demand_are_few() -> None:
    """Across the seeds, publications read the parts of some other zones (the hidden ones, those
    whose status moved) and not of the others: the check above covers both paths."""
    reads = [len(_published_on_demand(seed).asked) for seed in range(40)]
    assert 0 < sum(reads) < 40 * (len(CITIES) - 1)
    assert min(reads) < len(CITIES) - 1
