"""Writing one month of the stored indicator table (`IndicatorCell`): the cells as rows, the sums
above zones, and the month's disclosure decisions (rollups.py says when each is called).

A zone's publication writes its zone-level cells of the month (`write_zones_month`) and must
then give the cells above zones (province, city, section, division, category) and the whole
month's disclosure control as a rebuild would. Neither needs the other zones' 30,000 park and
division cells read back (a third of a zone's publication at province scale when they were):

- the sums above zones are sums of partial sums. The other zones' zone-division cells are summed
  by the database into one row per division and indicator (`_stored_division_sums`), the changed
  zones' in memory, and the two added up (`_combined`, `_finished`). Every measure is an exact
  Int64 sum, null where every part is null; a comparable-price measure is not available where
  any part with a value lacks it (a flag per part, or-ed);
- disclosure control (masking.month_suppression) decides a zone's parks and divisions again only
  where the zone changed or its status moved; the other zones' own and category cells are read
  whole (a few per zone), their parts only for the zones decided again (`parts_of`).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from django.db.models import Case, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import StrIndex, Substr

from kaifaqu.core.frames import insert_frame, queryset_frame
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.geo.models import Park, Zone
from kaifaqu.indicators.engine import COMPARABLE, MEASURES, TABLE_SCHEMA
from kaifaqu.indicators.masking import PartsOf, month_suppression
from kaifaqu.indicators.models import ZONE_KINDS, IndicatorCell, SliceKind

SUMMED = (*MEASURES, *COMPARABLE, "enterprises", "estimated", "abs_value")
CELL_COLUMNS = [*SUMMED, "top_value"]

# The cells disclosure control decides on; sections, divisions and categories add up every
# province's zones and are not shown outside the statistics office (selectors/indicators/
# slices.py): they stay hidden.
_DECIDED = [
    SliceKind.PROVINCE.value,
    SliceKind.CITY.value,
    SliceKind.ZONE.value,
    SliceKind.PARK.value,
    SliceKind.ZONE_DIVISION.value,
    SliceKind.ZONE_CATEGORY.value,
]
_KEY = ["slice_kind", "slice_key", "indicator"]
# A zone's breakdowns: read back only for the zones whose breakdowns are decided again.
_PARTS = [SliceKind.PARK, SliceKind.ZONE_DIVISION]
_ABOVE_ZONES = [
    SliceKind.PROVINCE,
    SliceKind.CITY,
    SliceKind.SECTION,
    SliceKind.DIVISION,
    SliceKind.CATEGORY,
]
# Per comparable-price measure: whether a part has the value without the comparable figure.
_MISSING = {name: f"{name}_missing" for name in COMPARABLE}
_UPDATE_CHUNK = 10_000


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=TABLE_SCHEMA)


def zone_of_keys() -> dict[str, object]:
    """What the zone-level cells' keys say about their zone, and the zones' regions."""
    return {
        "zones": pl.DataFrame(
            list(Zone.objects.values_list("id", "region__code")),
            schema={"zone_id": pl.Int64, "region_code": pl.Utf8},
            orient="row",
        ),
        "parks": pl.DataFrame(
            list(Park.objects.values_list("id", "zone_id")),
            schema={"park_id": pl.Int64, "zone_id": pl.Int64},
            orient="row",
        ),
        "sections": pl.DataFrame(
            list(
                IndustryClass.objects.filter(level=IndustryLevel.DIVISION).values_list(
                    "code", "parent_id"
                )
            ),
            schema={"division": pl.Utf8, "section": pl.Utf8},
            orient="row",
        ),
    }


def cell_rows(table: pl.DataFrame, month: Month, zone_of: dict[str, object]) -> pl.DataFrame:
    """The engine's table as IndicatorCell rows (the zone of each zone-level cell attached)."""
    parks = zone_of["parks"]
    assert isinstance(parks, pl.DataFrame)
    key = pl.col("slice_key")
    with_zone = table.with_columns(
        pl.when(pl.col("slice_kind") == SliceKind.ZONE.value)
        .then(key.cast(pl.Int64, strict=False))
        .when(
            pl.col("slice_kind").is_in(
                [SliceKind.ZONE_DIVISION.value, SliceKind.ZONE_CATEGORY.value]
            )
        )
        .then(key.str.split(":").list.first().cast(pl.Int64, strict=False))
        .alias("zone_id"),
        pl.when(pl.col("slice_kind") == SliceKind.PARK.value)
        .then(key.cast(pl.Int64, strict=False))
        .alias("park_id"),
    ).join(parks.rename({"zone_id": "park_zone"}), on="park_id", how="left")
    return with_zone.select(
        pl.lit(month.first_day).alias("month"),
        "slice_kind",
        "slice_key",
        pl.coalesce("zone_id", "park_zone").alias("zone_id"),
        "indicator",
        *CELL_COLUMNS,
    )


def unchanged(rows: pl.DataFrame, month: Month) -> bool:
    """Whether the month's stored cells are these rows (decisions included)."""
    stored = queryset_frame(
        IndicatorCell.objects.filter(month=month.first_day),
        {
            "slice_kind": ("slice_kind", pl.Utf8),
            "slice_key": ("slice_key", pl.Utf8),
            "zone_id": ("zone_id", pl.Int64),
            "indicator": ("indicator", pl.Utf8),
            **{name: (name, pl.Int64) for name in CELL_COLUMNS},
            "suppressed": ("suppressed", pl.Boolean),
        },
    )
    fresh = rows.select(stored.columns).cast(stored.schema)
    return stored.sort(_KEY).equals(fresh.sort(_KEY))


# --- disclosure ---------------------------------------------------------------------------------


def with_disclosure(rows: pl.DataFrame, zone_of: dict[str, object]) -> pl.DataFrame:
    """The month's cell rows (all of them) with their decision; a cell without one stays
    hidden."""
    if rows.is_empty():
        return rows.with_columns(pl.lit(True).alias("suppressed"))
    return _decided(rows, _decisions(rows, zone_of))


def store_disclosure(month: Month, zone_of: dict[str, object]) -> None:
    """Decide the month's stored cells again and store the decisions (ids kept)."""
    stored = _stored_cells(IndicatorCell.objects.filter(month=month.first_day))
    decided = with_disclosure(stored.drop("was_suppressed"), zone_of).join(
        stored.select("id", "was_suppressed"), on="id"
    )
    # Only the cells whose decision changed are written: a zone's month end moves a few
    # decisions, not the province's 100,000 cells.
    _store_decisions(decided.filter(pl.col("suppressed") != pl.col("was_suppressed")))


def _decided(rows: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    return rows.join(decisions, on=_KEY, how="left").with_columns(
        pl.col("suppressed").fill_null(True)
    )


def _decisions(
    cells: pl.DataFrame,
    zone_of: dict[str, object],
    known: pl.DataFrame | None = None,
    parts_of: PartsOf | None = None,
) -> pl.DataFrame:
    """slice_kind, slice_key, indicator, suppressed of the month's cells that are decided on
    (`known`, `parts_of`: the other zones' stored decisions and their parts on demand, see
    month_suppression)."""
    zones = zone_of["zones"]
    assert isinstance(zones, pl.DataFrame)
    return month_suppression(
        cells.filter(pl.col("slice_kind").is_in(_DECIDED)),
        zone_regions=dict(
            zip(zones["zone_id"].to_list(), zones["region_code"].to_list(), strict=True)
        ),
        known=known,
        parts_of=parts_of,
    )


def _stored_cells(cells: QuerySet[IndicatorCell]) -> pl.DataFrame:
    """Stored cells with their ids and their decisions (`was_suppressed`)."""
    return queryset_frame(
        cells,
        {
            "id": ("id", pl.Int64),
            "slice_kind": ("slice_kind", pl.Utf8),
            "slice_key": ("slice_key", pl.Utf8),
            "zone_id": ("zone_id", pl.Int64),
            "indicator": ("indicator", pl.Utf8),
            **{name: (name, pl.Int64) for name in CELL_COLUMNS},
            "was_suppressed": ("suppressed", pl.Boolean),
        },
    )


def _store_decisions(moved: pl.DataFrame) -> None:
    """Write the decisions that moved (`id`, `suppressed`), in chunks of ids."""
    for hidden in (True, False):
        ids = moved.filter(pl.col("suppressed") == hidden)["id"].to_list()
        for start in range(0, len(ids), _UPDATE_CHUNK):
            IndicatorCell.objects.filter(pk__in=ids[start : start + _UPDATE_CHUNK]).update(
                suppressed=hidden
            )


# --- a zone's publication -----------------------------------------------------------------------


def write_zones_month(
    month: Month, zone_ids: list[int], fresh: pl.DataFrame, zone_of: dict[str, object]
) -> None:
    """Store the changed zones' new zone-level cells of the month (`fresh`), the cells above
    zones summed again, and every decision of the month's disclosure control that moved.

    Read back from the month: the other zones' own and category cells (with their ids and
    decisions), the sums of their division cells by division, and the parks and divisions of
    the zones whose breakdowns are decided again. Written: the changed zones' cells and the
    cells above zones replaced, the other cells' decisions updated where they moved."""
    of_month = IndicatorCell.objects.filter(month=month.first_day)
    others_cells = of_month.filter(slice_kind__in=ZONE_KINDS).exclude(zone_id__in=zone_ids)
    others = _stored_cells(
        others_cells.filter(slice_kind__in=[SliceKind.ZONE, SliceKind.ZONE_CATEGORY])
    )
    columns = fresh.columns
    parts_read: list[pl.DataFrame] = []

    def parts_of(ids: Sequence[int]) -> pl.DataFrame:
        parts = _stored_cells(others_cells.filter(slice_kind__in=_PARTS, zone_id__in=ids))
        parts_read.append(parts)
        return parts.with_columns(pl.lit(month.first_day).alias("month")).select(columns)

    stored = others.with_columns(pl.lit(month.first_day).alias("month"))
    zone_level = pl.concat([stored.select(columns).cast(fresh.schema), fresh], how="vertical")
    above = _above_zones(month, zone_level, zone_of, _stored_division_sums(others_cells)).cast(
        fresh.schema
    )
    # The other zones' stored decisions: their breakdowns are decided again only where their
    # status moves (masking.month_suppression), not a hundred zones' at each publication.
    known = others.select(*_KEY, "zone_id", pl.col("was_suppressed").alias("suppressed"))
    rows = pl.concat([zone_level, above])
    decisions = _decisions(rows, zone_of, known, parts_of)
    decided = _decided(rows, decisions)
    kinds = [kind.value for kind in ZONE_KINDS]
    is_zone_level = pl.col("slice_kind").is_in(kinds)
    new_zone_cells = decided.filter(is_zone_level & pl.col("zone_id").is_in(zone_ids))
    new_above = decided.filter(~is_zone_level)
    moved = _decided(
        pl.concat([others, *parts_read]).select(*_KEY, "id", "was_suppressed"), decisions
    ).filter(pl.col("suppressed") != pl.col("was_suppressed"))
    of_month.filter(slice_kind__in=ZONE_KINDS, zone_id__in=zone_ids).delete()
    insert_frame(IndicatorCell, new_zone_cells)
    of_month.filter(slice_kind__in=_ABOVE_ZONES).delete()
    insert_frame(IndicatorCell, new_above)
    _store_decisions(moved)


# --- the sums above zones -----------------------------------------------------------------------


def _sum_or_null(name: str) -> pl.Expr:
    # The engine leaves a measure null where it is not published (February's month, comparable
    # prices of other indicators than value added): a sum of nothing stays nothing.
    return pl.when(pl.col(name).is_not_null().any()).then(pl.col(name).sum()).alias(name)


def _partial_sums(frame: pl.DataFrame) -> pl.DataFrame:
    """Cells keyed by `key` summed per key and indicator, as parts of a sum: each measure summed
    (null where every cell's is), the largest top value, and per comparable-price measure
    whether a cell had the value without it."""
    return frame.group_by("key", "indicator").agg(
        *(_sum_or_null(name) for name in SUMMED),
        pl.col("top_value").max(),
        *(
            (pl.col(name).is_null() & pl.col(_value_of(name)).is_not_null())
            .any()
            .alias(_MISSING[name])
            for name in COMPARABLE
        ),
    )


def _combined(partials: pl.DataFrame) -> pl.DataFrame:
    """Partial sums of the same key and indicator added up (still partial sums)."""
    return partials.group_by("key", "indicator").agg(
        *(_sum_or_null(name) for name in SUMMED),
        pl.col("top_value").max(),
        *(pl.col(flag).any() for flag in _MISSING.values()),
    )


def _finished(partials: pl.DataFrame, month: Month, kind: SliceKind) -> pl.DataFrame:
    """The cells of these sums: value added at comparable prices only where every part with
    value added has it (a part without a price index makes the whole not available, as the
    engine decides for a province)."""
    return _combined(partials).select(
        pl.lit(month.first_day).alias("month"),
        pl.lit(kind.value).alias("slice_kind"),
        pl.col("key").alias("slice_key"),
        pl.lit(None, dtype=pl.Int64).alias("zone_id"),
        "indicator",
        *(
            pl.when(~pl.col(_MISSING[name])).then(pl.col(name)).alias(name)
            if name in COMPARABLE
            else pl.col(name)
            for name in CELL_COLUMNS
        ),
    )


def _value_of(comparable: str) -> str:
    return comparable.replace("_comparable", "_value")


def _stored_division_sums(others: QuerySet[IndicatorCell]) -> pl.DataFrame:
    """The stored zone-division cells of these zones summed by the database per division and
    indicator (`_partial_sums`' columns, keyed by the division)."""
    missing = {
        _MISSING[name]: Max(
            Case(
                When(Q(**{f"{name}__isnull": True, f"{_value_of(name)}__isnull": False}), then=1),
                default=0,
                output_field=IntegerField(),
            )
        )
        for name in COMPARABLE
    }
    rows = (
        others.filter(slice_kind=SliceKind.ZONE_DIVISION)
        .annotate(key=Substr("slice_key", StrIndex("slice_key", Value(":")) + 1))
        .order_by()
        .values("key", "indicator")
        # Aliases of their own: an annotation named as a column would shadow it in the flags.
        .annotate(**{f"sum_{name}": Sum(name) for name in SUMMED}, top=Max("top_value"), **missing)
        .values_list("key", "indicator", *(f"sum_{name}" for name in SUMMED), "top", *missing)
    )
    integers = [*SUMMED, "top_value"]
    schema = {
        "key": pl.Utf8,
        "indicator": pl.Utf8,
        **dict.fromkeys(integers, pl.Int64),
        **dict.fromkeys(missing, pl.Boolean),
    }
    # PostgreSQL sums bigints as numeric (Decimal): whole numbers, made ints here.
    return pl.DataFrame(
        [
            (
                key,
                indicator,
                *(None if value is None else int(value) for value in values[: len(integers)]),
                *(bool(flag) for flag in values[len(integers) :]),
            )
            for key, indicator, *values in rows
        ],
        schema=schema,
        orient="row",
    )


def _above_zones(
    month: Month,
    zone_level: pl.DataFrame,
    zone_of: dict[str, object],
    division_sums: pl.DataFrame,
) -> pl.DataFrame:
    """Province, city, section, division and category cells of the month as sums of the
    zone-level cells (IndicatorCell rows): `zone_level` holds every zone's own and category
    cells and the division cells of the changed zones, `division_sums` the other zones'
    division cells summed (`_stored_division_sums`)."""
    zones, sections = zone_of["zones"], zone_of["sections"]
    assert isinstance(zones, pl.DataFrame) and isinstance(sections, pl.DataFrame)
    region = pl.col("region_code")
    kind = pl.col("slice_kind")
    by_zone = zone_level.filter(kind == SliceKind.ZONE.value).join(zones, on="zone_id", how="inner")
    changed_divisions = _partial_sums(
        zone_level.filter(kind == SliceKind.ZONE_DIVISION.value).with_columns(
            pl.col("slice_key").str.split(":").list.last().alias("key")
        )
    )
    divisions = _combined(
        pl.concat([changed_divisions, division_sums.cast(changed_divisions.schema)])
    )
    in_sections = (
        divisions.join(sections.rename({"division": "key"}), on="key", how="left")
        .drop("key")
        .rename({"section": "key"})
        .select(divisions.columns)
    )
    parts = [
        (SliceKind.PROVINCE, by_zone.with_columns(region.str.slice(0, 2).alias("key"))),
        (
            SliceKind.CITY,
            by_zone.filter(region.str.slice(2, 2) != "00").with_columns(
                region.str.slice(0, 4).alias("key")
            ),
        ),
        (
            SliceKind.CATEGORY,
            zone_level.filter(kind == SliceKind.ZONE_CATEGORY.value).with_columns(
                pl.col("slice_key").str.split(":").list.last().alias("key")
            ),
        ),
    ]
    partials = [(kind_, _partial_sums(frame)) for kind_, frame in parts]
    partials += [(SliceKind.SECTION, in_sections), (SliceKind.DIVISION, divisions)]
    frames = [
        _finished(frame.filter(pl.col("key").is_not_null()), month, kind_)
        for kind_, frame in partials
    ]
    return pl.concat([frame.cast({name: pl.Int64 for name in CELL_COLUMNS}) for frame in frames])
