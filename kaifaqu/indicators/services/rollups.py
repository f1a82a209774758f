"""Keeping the stored indicator table (`IndicatorCell`) equal to what the engine computes.

- `rollup_rebuild(months)`: every cell of those months from the engine, one year's facts read once.
- `rollup_zones(zone_ids, years)`: the incremental path, after returns of a few zones change. The
  zone, park, zone×division and zone×category cells of those zones are recomputed from their own
  enterprises; the cells above zones (province, city, section, division, category) of the same
  months are then the sums of the zone-level cells (the other zones' as stored, read once per
  month with their decisions). Every measure is an exact Int64 sum,
  enterprises and estimated (含估算) counts, and top_value a maximum, so the sums equal what the engine gives the whole province.
  `years` maps each year to the first month whose figures changed: only that month and the later
  ones of the year are written (1–N月 of a month before it does not read the changed month), and
  the facts read stop at the year's last counted month (a month's table reads January … N of the
  year and the year before; nothing after N).
- `rollup_after_change(zone_ids, periods)`: which zones and months a change of counted returns
  touches (`touched_months`): of each period's year the period and the months after it (their
  1–N月), of the year after the same months (their bases).
- `rollup_marked()`: the same for the (zone, month) pairs the returns services marked
  (`returns.ChangedMonth`), run by the background task (indicators/tasks.py); it removes the marks
  it handled, and only those: a month marked again while it ran stays marked for the next run.

Each path also decides the month's disclosure control (`indicators/masking.py`) and stores it with
the cells (`suppressed`): complementary suppression can move anywhere in a province when one zone
changes, so the whole month is decided again. `rollup_disclosure(months)` does that alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from kaifaqu.core.frames import insert_frame, queryset_frame
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.geo.models import Park, Zone
from kaifaqu.indicators.engine import (
    COMPARABLE,
    MEASURES,
    TABLE_SCHEMA,
    indicator_table,
    is_published,
)
from kaifaqu.indicators.facts import load_facts
from kaifaqu.indicators.masking import month_suppression
from kaifaqu.indicators.models import ZONE_KINDS, IndicatorCell, SliceKind
from kaifaqu.returns.models import ChangedMonth, Return, ReturnStatus

Echo = Callable[[str], None]
# The label of the roll-up jobs' progress (core.JobProgress), read by the table's status element.
ROLLUP_JOB = "indicators.rollup"
Progress = Callable[[int, int], None]  # (done, total)
SUMMED = (*MEASURES, *COMPARABLE, "enterprises", "estimated", "abs_value")
CELL_COLUMNS = [*SUMMED, "top_value"]


def counted_months(year: int) -> list[Month]:
    """The months of a year the table is published for: February (1–2月) to the last month
    with an accepted return anywhere."""
    last = Return.objects.filter(status=ReturnStatus.ACCEPTED, period__year=year).aggregate(
        Max("period")
    )["period__max"]
    if last is None:
        return []
    return [Month(year, number) for number in range(2, last.month + 1)]


def rollup_rebuild(
    *,
    months: Sequence[Month] | None = None,
    echo: Echo | None = None,
    progress: Progress | None = None,
) -> int:
    """Recompute every cell of these months (all months with accepted returns when None);
    `progress(done, total)` is called as months are done."""
    if months is None:
        months = all_counted_months()
    written = 0
    done = 0
    if progress:
        progress(done, len(months))
    by_year: dict[int, list[Month]] = {}
    for month in months:
        by_year.setdefault(month.year, []).append(month)
    for year, year_months in sorted(by_year.items()):
        facts = load_facts(years=[year])
        zone_of = _zone_of_keys()
        for month in sorted(year_months):
            table = indicator_table(facts, month) if is_published(month) else _empty()
            rows = _with_disclosure(_rows(table, month, zone_of), zone_of)
            if _unchanged(rows, month):
                # A rebuild that changes nothing writes nothing (ids and all stay).
                if echo:
                    echo(f"{month}: {table.height} cells, unchanged")
            else:
                with transaction.atomic():
                    IndicatorCell.objects.filter(month=month.first_day).delete()
                    written += insert_frame(IndicatorCell, rows)
                if echo:
                    echo(f"{month}: {table.height} cells")
            done += 1
            if progress:
                progress(done, len(months))
    return written


def all_counted_months() -> list[Month]:
    """Every month the table is published for, of every year with accepted returns."""
    years = sorted(
        {
            d.year
            for d in Return.objects.filter(status=ReturnStatus.ACCEPTED).dates("period", "year")
        }
    )
    return [month for year in years for month in counted_months(year)]


def rollup_zones(
    *,
    zone_ids: Iterable[int],
    years: Iterable[int] | Mapping[int, int],
    step: Callable[[], None] | None = None,
    pace: Callable[[], None] | None = None,
) -> None:
    """Bring the cells of these zones, and the cells above zones, up to date: `years` maps a year
    to the first month number changed (a plain list of years: each from January). `step` is
    called after each month written; `pace` after each piece of work (a year's facts read, a
    month written): the background worker's `core.lib.pacing.Pacer`."""
    zone_ids = sorted(set(zone_ids))
    firsts = dict(years) if isinstance(years, Mapping) else dict.fromkeys(years, 1)
    zone_of = _zone_of_keys()
    for year, first in sorted(firsts.items()):
        months = [month for month in counted_months(year) if month.month >= first]
        if not months:
            continue
        facts = load_facts(years=[year], zone_ids=zone_ids, through=months[-1].month)
        if pace is not None:
            pace()
        for month in months:
            table = indicator_table(facts, month).filter(
                pl.col("slice_kind").is_in([kind.value for kind in ZONE_KINDS])
            )
            with transaction.atomic():
                _write_zones_month(month, zone_ids, _rows(table, month, zone_of), zone_of)
            if step is not None:
                step()
            if pace is not None:
                pace()


def touched_years(periods: Iterable[date]) -> set[int]:
    """The years a change of counted returns in these months touches: each month's year (its
    1–N月 from that month on) and the year after (its bases), up to this year."""
    return set(touched_months(periods))


def touched_months(periods: Iterable[date]) -> dict[int, int]:
    """Year → the first month number whose figures a change of counted returns in these months
    touches: in the month's year the month itself and those after it (their 1–N月), in the year
    after the same months (their bases), up to this year."""
    this_year = timezone.localdate().year
    firsts: dict[int, int] = {}
    for period in periods:
        for year in (period.year, period.year + 1):
            if year == period.year or year <= this_year:
                firsts[year] = min(firsts.get(year, 12), period.month)
    return firsts


def rollup_after_change(*, zone_ids: Iterable[int], periods: Iterable[date]) -> None:
    """The returns of these zones counted in statistics changed in these months."""
    rollup_zones(zone_ids=zone_ids, years=touched_months(periods))


@dataclass
class YearPlan:
    """What a roll-up writes in a year: these zones' cells from this month number on."""

    first: int
    zone_ids: set[int] = field(default_factory=set)


def marked_plan(marks: Iterable[tuple[int, date]]) -> dict[int, YearPlan]:
    """Year → the zones to roll up and the first month, for these marked (zone_id, month)
    pairs."""
    plan: dict[int, YearPlan] = {}
    for zone_id, period in marks:
        for year, first in touched_months([period]).items():
            entry = plan.setdefault(year, YearPlan(first=first))
            entry.first = min(entry.first, first)
            entry.zone_ids.add(zone_id)
    return plan


def marked_months_total(plan: dict[int, YearPlan]) -> int:
    """The months a roll-up of this plan writes (for progress: N of M months)."""
    return sum(
        sum(1 for month in counted_months(year) if month.month >= entry.first)
        for year, entry in plan.items()
    )


def rollup_marked(
    *, progress: Progress | None = None, pace: Callable[[], None] | None = None
) -> int:
    """Roll up the zones and years of the marked months (`returns.ChangedMonth`), then remove
    the marks read, unless marked again meanwhile; give the months written. `progress(done,
    total)` is called as months are written; `pace` as `rollup_zones` says."""
    marks = list(ChangedMonth.objects.values_list("pk", "zone_id", "period", "marked_at"))
    if not marks:
        if progress:
            progress(0, 0)
        return 0
    plan = marked_plan((zone_id, period) for _pk, zone_id, period, _at in marks)
    total = marked_months_total(plan)
    done = 0
    if progress:
        progress(done, total)

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    for year, entry in sorted(plan.items()):
        rollup_zones(zone_ids=entry.zone_ids, years={year: entry.first}, step=step, pace=pace)
    # Only the marks as read: a month marked again since has a later marked_at and stays.
    for start in range(0, len(marks), _DELETE_CHUNK):
        handled = Q(pk__in=[])
        for pk, _zone_id, _period, marked_at in marks[start : start + _DELETE_CHUNK]:
            handled |= Q(pk=pk, marked_at=marked_at)
        ChangedMonth.objects.filter(handled).delete()
    return done


_DELETE_CHUNK = 500


def rollup_disclosure(*, months: Iterable[Month] | None = None) -> int:
    """Decide disclosure control again for the stored cells of these months (None: all);
    give the months decided."""
    if months is None:
        months = [Month.of(day) for day in IndicatorCell.objects.dates("month", "month")]
    zone_of = _zone_of_keys()
    decided = 0
    for month in months:
        with transaction.atomic():
            _store_disclosure(month, zone_of)
        decided += 1
    return decided


# --- internals ---------------------------------------------------------------------------------

# The cells disclosure control decides on; sections, divisions and categories add up every province's zones
# and are not shown outside the statistics office (selectors/indicators/slices.py): they stay
# hidden.
_DECIDED = [
    SliceKind.PROVINCE.value,
    SliceKind.CITY.value,
    SliceKind.ZONE.value,
    SliceKind.PARK.value,
    SliceKind.ZONE_DIVISION.value,
    SliceKind.ZONE_CATEGORY.value,
]
_KEY = ["slice_kind", "slice_key", "indicator"]


def _decisions(
    cells: pl.DataFrame, zone_of: dict[str, object], known: pl.DataFrame | None = None
) -> pl.DataFrame:
    """slice_kind, slice_key, indicator, suppressed of the month's cells that are decided on
    (`known`: the stored decisions of the zones that did not change, see month_suppression)."""
    zones = zone_of["zones"]
    assert isinstance(zones, pl.DataFrame)
    return month_suppression(
        cells.filter(pl.col("slice_kind").is_in(_DECIDED)),
        zone_regions=dict(
            zip(zones["zone_id"].to_list(), zones["region_code"].to_list(), strict=True)
        ),
        known=known,
    )


def _with_disclosure(
    rows: pl.DataFrame, zone_of: dict[str, object], known: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The month's cell rows with their decision; a cell without one stays hidden."""
    if rows.is_empty():
        return rows.with_columns(pl.lit(True).alias("suppressed"))
    return rows.join(_decisions(rows, zone_of, known), on=_KEY, how="left").with_columns(
        pl.col("suppressed").fill_null(True)
    )


def _store_disclosure(month: Month, zone_of: dict[str, object]) -> None:
    """Decide the month's stored cells again and store the decisions (ids kept)."""
    stored = _stored_cells(IndicatorCell.objects.filter(month=month.first_day))
    decided = _with_disclosure(stored.drop("was_suppressed"), zone_of).join(
        stored.select("id", "was_suppressed"), on="id"
    )
    # Only the cells whose decision changed are written: a zone's month end moves a few
    # decisions, not the province's 100,000 cells.
    _store_decisions(decided.filter(pl.col("suppressed") != pl.col("was_suppressed")))


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


_UPDATE_CHUNK = 10_000


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=TABLE_SCHEMA)


def _zone_of_keys() -> dict[str, object]:
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


def _rows(table: pl.DataFrame, month: Month, zone_of: dict[str, object]) -> pl.DataFrame:
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


def _unchanged(rows: pl.DataFrame, month: Month) -> bool:
    keys = ["slice_kind", "slice_key", "indicator"]
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
    return stored.sort(keys).equals(fresh.sort(keys))


def _sum_or_null(name: str) -> pl.Expr:
    # The engine leaves a measure null where it is not published (February's month, comparable
    # prices of other indicators than value added): a sum of nothing stays nothing.
    return pl.when(pl.col(name).is_not_null().any()).then(pl.col(name).sum()).alias(name)


def _summed(name: str) -> pl.Expr:
    """A measure of the cells above zones from the zone-level cells: their sum; value added at
    comparable prices only where every part with value added has it (a part without a price
    index makes the whole not available, as the engine decides for a province)."""
    if name not in COMPARABLE:
        return _sum_or_null(name)
    value = name.replace("_comparable", "_value")
    missing = (pl.col(name).is_null() & pl.col(value).is_not_null()).any()
    return pl.when(~missing).then(_sum_or_null(name)).alias(name)


def _write_zones_month(
    month: Month, zone_ids: list[int], fresh: pl.DataFrame, zone_of: dict[str, object]
) -> None:
    """Store the changed zones' new zone-level cells of the month (`fresh`), the cells above
    zones summed again, and every decision of the month's disclosure control.

    The other zones' zone-level cells are read once (with their ids and decisions): the sums
    above zones and the disclosure are computed from them and `fresh` in memory, and only what
    changed is written — the changed zones' cells and the cells above zones replaced, the other
    cells' decisions updated where they moved. (Two reads of the whole month, one for the sums
    and one for the decisions after they were written, were a third of a zone's publication.)"""
    others = _stored_cells(
        IndicatorCell.objects.filter(month=month.first_day, slice_kind__in=ZONE_KINDS).exclude(
            zone_id__in=zone_ids
        )
    )
    columns = fresh.columns
    stored = others.with_columns(pl.lit(month.first_day).alias("month"))
    zone_level = pl.concat([stored.select(columns).cast(fresh.schema), fresh], how="vertical")
    above = _above_zones(month, zone_level, zone_of)
    # The other zones' stored decisions: their breakdowns are decided again only where their
    # status moves (masking.month_suppression), not a hundred zones' at each publication.
    known = others.select(*_KEY, "zone_id", pl.col("was_suppressed").alias("suppressed"))
    decided = _with_disclosure(pl.concat([zone_level, above.cast(fresh.schema)]), zone_of, known)
    kinds = [kind.value for kind in ZONE_KINDS]
    is_zone_level = pl.col("slice_kind").is_in(kinds)
    new_zone_cells = decided.filter(is_zone_level & pl.col("zone_id").is_in(zone_ids))
    new_above = decided.filter(~is_zone_level)
    moved = (
        others.select(*_KEY, "id", "was_suppressed")
        .join(decided.select(*_KEY, "suppressed"), on=_KEY)
        .filter(pl.col("suppressed") != pl.col("was_suppressed"))
    )
    IndicatorCell.objects.filter(
        month=month.first_day, slice_kind__in=ZONE_KINDS, zone_id__in=zone_ids
    ).delete()
    insert_frame(IndicatorCell, new_zone_cells)
    IndicatorCell.objects.filter(month=month.first_day, slice_kind__in=_ABOVE_ZONES).delete()
    insert_frame(IndicatorCell, new_above)
    _store_decisions(moved)


_ABOVE_ZONES = [
    SliceKind.PROVINCE,
    SliceKind.CITY,
    SliceKind.SECTION,
    SliceKind.DIVISION,
    SliceKind.CATEGORY,
]


def _above_zones(
    month: Month, zone_level: pl.DataFrame, zone_of: dict[str, object]
) -> pl.DataFrame:
    """Province, city, section, division and category cells of the month as sums of the
    zone-level cells (IndicatorCell rows)."""
    zones, sections = zone_of["zones"], zone_of["sections"]
    assert isinstance(zones, pl.DataFrame) and isinstance(sections, pl.DataFrame)
    region = pl.col("region_code")
    by_zone = zone_level.filter(pl.col("slice_kind") == SliceKind.ZONE.value).join(
        zones, on="zone_id", how="inner"
    )
    by_division = (
        zone_level.filter(pl.col("slice_kind") == SliceKind.ZONE_DIVISION.value)
        .with_columns(pl.col("slice_key").str.split(":").list.last().alias("division"))
        .join(sections, on="division", how="left")
    )
    parts = [
        (SliceKind.PROVINCE, by_zone.with_columns(region.str.slice(0, 2).alias("key"))),
        (
            SliceKind.CITY,
            by_zone.filter(region.str.slice(2, 2) != "00").with_columns(
                region.str.slice(0, 4).alias("key")
            ),
        ),
        (SliceKind.SECTION, by_division.with_columns(pl.col("section").alias("key"))),
        (SliceKind.DIVISION, by_division.with_columns(pl.col("division").alias("key"))),
        (
            SliceKind.CATEGORY,
            zone_level.filter(pl.col("slice_kind") == SliceKind.ZONE_CATEGORY.value).with_columns(
                pl.col("slice_key").str.split(":").list.last().alias("key")
            ),
        ),
    ]
    frames = [
        frame.filter(pl.col("key").is_not_null())
        .group_by("key", "indicator")
        .agg(*(_summed(name) for name in SUMMED), pl.col("top_value").max())
        .select(
            pl.lit(month.first_day).alias("month"),
            pl.lit(kind.value).alias("slice_kind"),
            pl.col("key").alias("slice_key"),
            pl.lit(None, dtype=pl.Int64).alias("zone_id"),
            "indicator",
            *CELL_COLUMNS,
        )
        for kind, frame in parts
    ]
    return pl.concat([frame.cast({name: pl.Int64 for name in CELL_COLUMNS}) for frame in frames])


def cells_of(*, month: Month, query: Q | None = None) -> pl.DataFrame:
    """The stored cells of a month as a frame in the engine's column names (for checks)."""
    queryset = IndicatorCell.objects.filter(month=month.first_day)
    if query is not None:
        queryset = queryset.filter(query)
    return queryset_frame(
        queryset,
        {
            "slice_kind": ("slice_kind", pl.Utf8),
            "slice_key": ("slice_key", pl.Utf8),
            "indicator": ("indicator", pl.Utf8),
            **{name: (name, pl.Int64) for name in CELL_COLUMNS},
        },
    )
