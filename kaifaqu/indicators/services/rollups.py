"""Keeping the stored indicator table (`IndicatorCell`) equal to what the engine computes.

- `rollup_rebuild(months)`: every cell of those months from the engine, one year's facts read once.
- `rollup_zones(zone_ids, years)`: the incremental path, after returns of a few zones change. The
  zone, park, zone×division and zone×category cells of those zones are recomputed from their own
  enterprises; the cells above zones (province, city, section, division, category) of the same
  months are then the sums of the zone-level cells (the other zones' as stored: month_table.py
  says what is read back). Every measure is an exact Int64 sum,
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
changes, so the whole month is decided again — from the other zones' stored decisions, their
breakdowns read back only where they can move (month_table.py). `rollup_disclosure(months)`
decides months again from their stored cells alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from kaifaqu.core.frames import insert_frame, queryset_frame
from kaifaqu.core.lib.periods import Month
from kaifaqu.indicators.engine import (
    indicator_table,
    is_published,
)
from kaifaqu.indicators.facts import load_facts
from kaifaqu.indicators.models import ZONE_KINDS, IndicatorCell
from kaifaqu.indicators.services.month_table import (
    CELL_COLUMNS,
    cell_rows,
    empty,
    store_disclosure,
    unchanged,
    with_disclosure,
    write_zones_month,
    zone_of_keys,
)
from kaifaqu.returns.models import ChangedMonth, Return, ReturnStatus

Echo = Callable[[str], None]
# The label of the roll-up jobs' progress (core.JobProgress), read by the table's status element.
ROLLUP_JOB = "indicators.rollup"
Progress = Callable[[int, int], None]  # (done, total)


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
        zone_of = zone_of_keys()
        for month in sorted(year_months):
            table = indicator_table(facts, month) if is_published(month) else empty()
            rows = with_disclosure(cell_rows(table, month, zone_of), zone_of)
            if unchanged(rows, month):
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
    zone_of = zone_of_keys()
    for year, first in sorted(firsts.items()):
        months = [month for month in counted_months(year) if month.month >= first]
        if not months:
            continue
        facts = load_facts(years=[year], zone_ids=zone_ids, through=months[-1].month)
        if pace is not None:
            pace()
        for month in months:
            table = indicator_table(facts, month, kinds=[kind.value for kind in ZONE_KINDS])
            with transaction.atomic():
                write_zones_month(month, zone_ids, cell_rows(table, month, zone_of), zone_of)
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
    zone_of = zone_of_keys()
    decided = 0
    for month in months:
        with transaction.atomic():
            store_disclosure(month, zone_of)
        decided += 1
    return decided


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
