"""Which stored cells a page outside the statistics office must show as 保密 (disclosure control).

Decided for a whole month when the roll-up writes its cells (`month_suppression`, stored as
`IndicatorCell.suppressed`), so that every page and API call reads one answer instead of deciding
per request. `disclosure.suppress` decides on the breakdowns a reader outside the office can see
together:

1. the geography of the slice's province: province = its cities (+ zones directly under it),
   city = its zones. Every zone's status comes from this tree only, so a zone reads the same on
   every page (its own, its parks', its divisions');
2. for every zone, its two breakdowns: zone = its parks + the enterprises outside any park, and
   zone = its industry divisions (+ the enterprises without one). The zone keeps the status of
   step 1: it is marked hidden (as a cell of one enterprise) when step 1 hid it, so its parts get
   a complement where needed. When a breakdown hides the zone itself (its last resort), step 1
   runs again with that zone hidden from the start, until neither step hides anything new: a
   zone then reads the same on every page (the province's, the city's, its own).
   The two breakdowns are decided as two trees: they share nothing but the zone, so no
   combination of their equations isolates a hidden cell that neither isolates alone (with the
   zone published each stands alone; with it hidden, each keeps a hidden part). Deciding them
   apart avoids the linear algebra `suppress` runs on cross tables.

The remainder (outside any park, without a division) is not a stored cell: its figures are the
zone's minus its parts'. Its largest enterprise is bounded by the zone's largest (exact when
that is not in a park), so the bound can only suppress more, never less.

3. a zone's statistical categories (四上 rosters): 规上工业's is the zone itself and reads as the
   zone does; any other is decided by the primary rule (`_category_statuses`).

Industry sections, divisions and categories add up zones of every province; outside the office nobody sees
them (see slices.py), so their cross table with zones needs no protection here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from kaifaqu.indicators.disclosure import DEFAULT_RULE, DisclosureRule, suppress
from kaifaqu.indicators.engine import INDUSTRY
from kaifaqu.indicators.models import SliceKind

# Cell keys as suppress() wants them: one string per cell ('zone:12', 'zone_division:12:30').
_REST_OF_PARKS = "rest_of_parks"
_REST_OF_DIVISIONS = "rest_of_divisions"


def _cell(kind: str | pl.Expr, key: pl.Expr) -> pl.Expr:
    kind_expr = pl.lit(kind) if isinstance(kind, str) else kind
    return pl.concat_str(kind_expr, pl.lit(":"), key)


def _top_share() -> pl.Expr:
    return (
        pl.when(pl.col("abs_value") > 0)
        .then(pl.col("top_value") / pl.col("abs_value"))
        .otherwise(None)
        .alias("top_share")
    )


# One decision per stored cell: what `month_suppression` gives.
DECISION_SCHEMA = pl.Schema(
    {
        "slice_kind": pl.Utf8,
        "slice_key": pl.Utf8,
        "indicator": pl.Utf8,
        "suppressed": pl.Boolean,
    }
)
_KEY = ["slice_kind", "slice_key", "indicator"]
# The stored park and zone-division cells of these zones (the columns of `cells`).
PartsOf = Callable[[Sequence[int]], pl.DataFrame]


def month_suppression(
    cells: pl.DataFrame,
    *,
    zone_regions: dict[int, str],
    rule: DisclosureRule = DEFAULT_RULE,
    known: pl.DataFrame | None = None,
    parts_of: PartsOf | None = None,
) -> pl.DataFrame:
    """One row per geography and zone-level cell of one month (DECISION_SCHEMA): whether it
    is suppressed.

    `cells`: the stored cells (slice_kind, slice_key, zone_id, indicator, ytd_value, enterprises,
    top_value, abs_value) of the provinces, cities, zones, parks and zone×divisions.
    `zone_regions`: the region code of each zone.
    `known`: when only some zones' cells changed since the month was last decided, the stored
    decisions (DECISION_SCHEMA and zone_id) of the zone-level cells of the zones that did not
    change. Their breakdowns are then decided again only where their zone's status moves or
    where it is hidden (see `_zones_to_decide`); the result is the same as without `known`.
    `parts_of`: with `known`, when `cells` leaves out the parks and zone-divisions of the zones
    in `known`, reads them for the zones whose breakdowns are decided again (each zone once).
    The decisions of the other zones' parts are then not in the result: they stand as stored.

    Frames throughout (no dictionary of a month's 40,000 cells): a zone's publication decides
    its whole month, a hundred times at a province's month end.
    """
    # (zone key, indicator) hidden by a zone's breakdown
    forced = pl.DataFrame(schema={"slice_key": pl.Utf8, "indicator": pl.Utf8})
    read = _PartsRead(cells, known, parts_of)
    while True:
        geography = _decide(_geography(_forcing(cells, forced), zone_regions), rule, ("indicator",))
        parts = _zone_parts_decided(read, geography, rule, known)
        statuses = (
            pl.concat([geography, parts])
            .group_by(_KEY, maintain_order=True)
            .agg(pl.col("suppressed").any())
        )
        # Zones a breakdown hid although the geography showed them: decide the geography again
        # with them hidden, so that their complements are found there too.
        hidden_there = geography.filter(pl.col("suppressed")).select(_KEY)
        newly = (
            statuses.filter((pl.col("slice_kind") == SliceKind.ZONE.value) & pl.col("suppressed"))
            .join(hidden_there, on=_KEY, how="anti")
            .select("slice_key", "indicator")
        )
        if newly.is_empty():
            return pl.concat([statuses, _category_statuses(cells, statuses, rule)])
        forced = pl.concat([forced, newly]).unique()


class _PartsRead:
    """The cells of given zones, their parts read through `parts_of` once per zone where
    `cells` leaves them out (the zones of `known`)."""

    def __init__(
        self, cells: pl.DataFrame, known: pl.DataFrame | None, parts_of: PartsOf | None
    ) -> None:
        self.cells = cells
        self.parts_of = parts_of
        self.stored = set() if known is None else set(known["zone_id"].drop_nulls().to_list())
        self.read: set[int] = set()

    def of_zones(self, zones: Sequence[int]) -> pl.DataFrame:
        if self.parts_of is not None:
            wanted = sorted(set(zones) & self.stored - self.read)
            if wanted:
                parts = self.parts_of(wanted).select(self.cells.columns)
                self.cells = pl.concat([self.cells, parts.cast(self.cells.schema)])
                self.read.update(wanted)
        return self.cells.filter(pl.col("zone_id").is_in(zones))


def _zone_parts_decided(
    read: _PartsRead,
    geography: pl.DataFrame,
    rule: DisclosureRule,
    known: pl.DataFrame | None,
) -> pl.DataFrame:
    """The decisions of every zone's breakdowns given the geography's zone statuses: decided
    here for the zones `_zones_to_decide` names, the stored ones kept for the others."""
    cells = read.cells
    if known is None:
        return _decide(_all_zone_parts(cells, geography), rule, ("indicator", "breakdown"))
    zones = _zones_to_decide(cells, geography, known)
    decided = _decide(
        _all_zone_parts(read.of_zones(zones), geography),
        rule,
        ("indicator", "breakdown"),
    )
    kept = known.filter(
        pl.col("slice_kind").is_in([SliceKind.PARK.value, SliceKind.ZONE_DIVISION.value])
        & ~pl.col("zone_id").is_in(zones)
    ).select(DECISION_SCHEMA.names())
    return pl.concat([decided, kept.cast(DECISION_SCHEMA)])


def _zones_to_decide(
    cells: pl.DataFrame, geography: pl.DataFrame, known: pl.DataFrame
) -> list[int]:
    """The zones whose breakdowns must be decided again.

    A zone's breakdowns (its parks, its divisions, with the zone as their parent) depend on its
    own cells and on its status in the geography only, and the stored ones were decided with
    the zone's stored status (at the end of a decision the geography hides exactly the zones
    that end hidden). So a zone whose cells did not change and whose status in the geography is
    the stored one keeps its stored decisions — unless it is stored hidden: whether its
    breakdown would hide it were it shown (what makes a zone "forced" in the geography) is then
    not in the stored decisions, and it is decided again. The others: the zones without stored
    decisions (their cells changed), and those whose status moved."""
    zone = pl.col("slice_kind") == SliceKind.ZONE.value
    stored = known.filter(zone).select("slice_key", "indicator", "zone_id", "suppressed")
    now = geography.filter(zone).select("slice_key", "indicator", pl.col("suppressed").alias("now"))
    compared = stored.join(now, on=["slice_key", "indicator"], how="left")
    settled = (
        compared.group_by("zone_id")
        .agg(
            (
                (~pl.col("suppressed")) & (pl.col("now").fill_null(True) == pl.col("suppressed"))
            ).all()
        )
        .filter(pl.col("suppressed"))["zone_id"]
    )
    every = cells.filter(zone)["zone_id"].unique()
    return sorted(set(every.to_list()) - set(settled.to_list()))


def _category_statuses(
    cells: pl.DataFrame, statuses: pl.DataFrame, rule: DisclosureRule
) -> pl.DataFrame:
    """A zone's category cells. 规上工业's holds the zone's own enterprises (the returns are
    规上工业's): it reads as the zone does. Another category's enterprises are in no other
    published cell of the zone unless also on the 规上工业 roster, and no sum of published cells
    equals a part of one: the primary rule alone decides it."""
    categories = cells.filter(pl.col("slice_kind") == SliceKind.ZONE_CATEGORY)
    if categories.is_empty():
        return pl.DataFrame(schema=DECISION_SCHEMA)
    is_industry = pl.col("slice_key").str.split(":").list.last() == INDUSTRY
    zones = statuses.filter(pl.col("slice_kind") == SliceKind.ZONE.value).select(
        pl.col("slice_key").alias("zone"), "indicator", pl.col("suppressed")
    )
    as_zone = (
        categories.filter(is_industry)
        .select(
            "slice_kind",
            "slice_key",
            "indicator",
            pl.col("slice_key").str.split(":").list.first().alias("zone"),
        )
        .join(zones, on=["zone", "indicator"], how="left")
        .select(*_KEY, pl.col("suppressed").fill_null(True))
    )
    others = categories.filter(~is_industry).with_columns(
        _cell(pl.col("slice_kind"), pl.col("slice_key")).alias("cell"),
        pl.lit(None, dtype=pl.Utf8).alias("parent"),
        _top_share(),
    )
    return pl.concat([as_zone.cast(DECISION_SCHEMA), _decide(others, rule, ("indicator",))])


def _decide(table: pl.DataFrame, rule: DisclosureRule, by: tuple[str, ...]) -> pl.DataFrame:
    """Per stored cell of the table, hidden when any breakdown it is in hides it."""
    if table.is_empty():
        return pl.DataFrame(schema=DECISION_SCHEMA)
    decided = suppress(table, rule=rule, key="cell", value="ytd_value", parents=("parent",), by=by)
    return (
        decided.filter(pl.col("slice_kind").is_not_null())
        .group_by(_KEY, maintain_order=True)
        .agg(pl.col("suppressed").any())
        .cast(DECISION_SCHEMA)
    )


def _forcing(cells: pl.DataFrame, forced: pl.DataFrame) -> pl.DataFrame:
    """The cells with these zones' indicators made cells of one enterprise (primary suppressed)."""
    if forced.is_empty():
        return cells
    marks = forced.with_columns(
        pl.lit(True).alias("_forced"), pl.lit(SliceKind.ZONE.value).alias("slice_kind")
    )
    return (
        cells.join(marks, on=["slice_kind", "slice_key", "indicator"], how="left")
        .with_columns(
            pl.when(pl.col("_forced")).then(1).otherwise(pl.col("enterprises")).alias("enterprises")
        )
        .drop("_forced")
    )


def _all_zone_parts(cells: pl.DataFrame, statuses: pl.DataFrame) -> pl.DataFrame:
    """Every zone's two breakdowns, each an independent table ('breakdown': parks or divisions
    and the zone): the zone, its parts, and the remainder that completes them. All zones at
    once: a province has a hundred."""
    hidden = (
        statuses.filter((pl.col("slice_kind") == SliceKind.ZONE.value) & pl.col("suppressed"))
        .select("slice_key", "indicator")
        .with_columns(pl.lit(True).alias("_hidden"))
    )
    # Hidden by its province's tree: carried in as a cell of one enterprise, so that each
    # breakdown keeps at least one of its parts hidden under it.
    zones = (
        cells.filter(pl.col("slice_kind") == SliceKind.ZONE)
        .join(hidden, on=["slice_key", "indicator"], how="left")
        .with_columns(
            pl.when(pl.col("_hidden"))
            .then(1)
            .otherwise(pl.col("enterprises"))
            .alias("enterprises"),
            pl.col("slice_key").cast(pl.Int64).alias("zone_id"),
            _cell("zone", pl.col("slice_key")).alias("zone_cell"),
        )
        .drop("_hidden")
    )
    frames = []
    for kind, rest in (
        (SliceKind.PARK, _REST_OF_PARKS),
        (SliceKind.ZONE_DIVISION, _REST_OF_DIVISIONS),
    ):
        parts = cells.filter(pl.col("slice_kind") == kind).join(
            zones.select("zone_id", "indicator", "zone_cell"), on=["zone_id", "indicator"]
        )
        if parts.is_empty():
            continue
        breakdown = pl.concat_str(pl.lit(f"{kind.value}:"), pl.col("zone_id").cast(pl.Utf8))
        parents = zones.join(parts.select("zone_id").unique(), on="zone_id", how="semi")
        members = [
            parents.with_columns(pl.lit(None, dtype=pl.Utf8).alias("parent")),
            parts.with_columns(pl.col("zone_cell").alias("parent")),
            _remainders(parents, parts, rest),
        ]
        frames += [
            frame.with_columns(breakdown.alias("breakdown")).select(*_PART_COLUMNS, "breakdown")
            for frame in members
        ]
    if not frames:
        return pl.DataFrame()
    return pl.concat([frame.cast(frames[0].schema) for frame in frames]).with_columns(
        pl.when(pl.col("slice_kind").is_not_null())
        .then(_cell(pl.col("slice_kind"), pl.col("slice_key")))
        .otherwise(pl.concat_str(pl.lit("rest:"), pl.col("slice_key")))
        .alias("cell"),
        _top_share(),
    )


def _geography(cells: pl.DataFrame, zone_regions: dict[int, str]) -> pl.DataFrame:
    """Province, cities and zones with each one's parent in the tree."""
    geo = cells.filter(
        pl.col("slice_kind").is_in([SliceKind.PROVINCE, SliceKind.CITY, SliceKind.ZONE])
    )
    if geo.is_empty():
        return geo
    regions = pl.DataFrame(
        {
            "slice_key": [str(zone) for zone in zone_regions],
            "region_code": list(zone_regions.values()),
        },
        schema={"slice_key": pl.Utf8, "region_code": pl.Utf8},
    )
    present = set(geo.select(_cell(pl.col("slice_kind"), pl.col("slice_key"))).to_series())
    kind, key, code = pl.col("slice_kind"), pl.col("slice_key"), pl.col("region_code")
    city_of_zone = pl.when(code.str.slice(2, 2) != "00").then(_cell("city", code.str.slice(0, 4)))
    parent = (
        pl.when(kind == SliceKind.CITY)
        .then(_cell("province", key.str.slice(0, 2)))
        .when(kind == SliceKind.ZONE)
        .then(
            pl.when(city_of_zone.is_in(list(present)))
            .then(city_of_zone)
            .otherwise(_cell("province", code.str.slice(0, 2)))
        )
    )
    framed = geo.join(
        regions.with_columns(pl.lit(SliceKind.ZONE.value).alias("slice_kind")),
        on=["slice_kind", "slice_key"],
        how="left",
    ).with_columns(_cell(kind, key).alias("cell"), parent.alias("parent"), _top_share())
    # A parent without a row of the same indicator here (outside the neighbourhood) is no
    # equation: suppress() needs each parent's own row.
    rows = framed.select("indicator", pl.col("cell").alias("parent"), pl.lit(True).alias("_has"))
    return (
        framed.join(rows, on=["indicator", "parent"], how="left")
        .with_columns(pl.when(pl.col("_has")).then(pl.col("parent")).alias("parent"))
        .drop("_has")
    )


_PART_COLUMNS = [
    "slice_kind",
    "slice_key",
    "indicator",
    "ytd_value",
    "enterprises",
    "top_value",
    "abs_value",
    "parent",
]


def _remainders(zones: pl.DataFrame, parts: pl.DataFrame, name: str) -> pl.DataFrame:
    """zone − parts per zone and indicator, where it holds an enterprise (an empty one adds
    nothing); keyed '<name>:<zone id>'."""
    summed = parts.group_by("zone_id", "indicator").agg(
        pl.col("ytd_value").sum().alias("parts_value"),
        pl.col("enterprises").sum().alias("parts_enterprises"),
        pl.col("abs_value").sum().alias("parts_abs"),
    )
    rest = zones.join(summed, on=["zone_id", "indicator"], how="left").select(
        pl.lit(None, dtype=pl.Utf8).alias("slice_kind"),
        pl.concat_str(pl.lit(f"{name}:"), pl.col("zone_id").cast(pl.Utf8)).alias("slice_key"),
        "indicator",
        (pl.col("ytd_value").fill_null(0) - pl.col("parts_value").fill_null(0)).alias("ytd_value"),
        (pl.col("enterprises") - pl.col("parts_enterprises").fill_null(0)).alias("enterprises"),
        (pl.col("abs_value").fill_null(0) - pl.col("parts_abs").fill_null(0)).alias("abs_value"),
        pl.col("top_value"),
        pl.col("zone_cell").alias("parent"),
        "zone_id",
    )
    return rest.filter(pl.col("enterprises") > 0).with_columns(
        pl.min_horizontal("top_value", "abs_value").alias("top_value")
    )
