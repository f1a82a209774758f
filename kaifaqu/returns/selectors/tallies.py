"""Zones' months counted by state without counting every firm at each request (`MonthTally`).

Counting a month's firms by state (`month_progress`) reads every roster entry with its return and
its 未报 record: a few milliseconds for a zone, close to a second for a province of 200,000 firms.
The pages that show many zones' or many months' counts read the stored tallies instead:

- a closed month's tally counted after its close stands: no return of a closed month can change,
  nor its 未报 records (a revision reopens the month, and its counts are live again). "After"
  means the month was read as closed before it was counted (`final`), so the close's
  transaction, with its estimates, had committed;
- an open month's tally stands for `max_age` seconds (the provincial office's page of every zone:
  `REGION_TALLY_SECONDS`); with `max_age=0` an open month is always counted afresh (a zone's own
  pages, where the statistician acts on what they read). When it is older, the first request
  claims the recount (`_claimed`) and queues it for the background worker
  (`returns.tasks.tallies_recount_task`); that request and the ones arriving meanwhile show the
  tally as it was. Only a month never counted is counted in the request.

A zone's own pages count their open month afresh and do not store it (a write per page view
would queue every statistician's reading behind SQLite's one writer); what is counted for the
tallies is stored (one upsert: derived data, not audited), in one grouped query per month for
every zone asked for.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from kaifaqu.core.lib.pacing import paced
from kaifaqu.core.lib.periods import Month
from kaifaqu.returns.models import MonthTally, ReportingMonth, ReportingMonthStatus
from kaifaqu.returns.selectors.months import Progress, month_progress

# How old the provincial office's counts of an open month may be (seconds).
REGION_TALLY_SECONDS = 30.0
# Zones counted in one query of the background recount: 10–20 ms of the database each.
RECOUNT_ZONES = 4


def _progress(expected: int, states: dict[str, int]) -> Progress:
    return Progress(expected=expected, states=dict(states))


def tallied_progress(
    pairs: Iterable[tuple[int, date]], *, max_age: float = 0.0
) -> dict[tuple[int, date], Progress]:
    """Each (zone_id, month)'s counts by state, from its tally where it stands, else counted."""
    wanted = {(zone_id, period.replace(day=1)) for zone_id, period in pairs}
    if not wanted:
        return {}
    zone_ids = {zone_id for zone_id, _period in wanted}
    periods = {period for _zone_id, period in wanted}
    closed = {
        (zone_id, period): closed_at
        for zone_id, period, closed_at in ReportingMonth.objects.filter(
            status=ReportingMonthStatus.CLOSED, zone_id__in=zone_ids, period__in=periods
        ).values_list("zone_id", "period", "closed_at")
    }
    now = timezone.now()
    oldest = now - timedelta(seconds=max_age) if max_age > 0 else None
    found: dict[tuple[int, date], Progress] = {}
    stale: dict[tuple[int, date], Progress] = {}
    for zone_id, period, counted_at, expected, states, final in MonthTally.objects.filter(
        zone_id__in=zone_ids, period__in=periods
    ).values_list("zone_id", "period", "counted_at", "expected", "states", "final"):
        key = (zone_id, period)
        if key not in wanted:
            continue
        closed_at = closed.get(key)
        if (final and closed_at is not None and counted_at >= closed_at) or (
            oldest is not None and counted_at >= oldest
        ):
            found[key] = _progress(expected, states)
        elif oldest is not None and key not in closed:
            stale[key] = _progress(expected, states)
    missing: dict[date, list[int]] = {}
    for zone_id, period in sorted(wanted - found.keys()):
        missing.setdefault(period, []).append(zone_id)
    if oldest is not None:
        # Open months' tallies too old: shown as they were, and one request queues their
        # recount. Every request arriving while the tally was expired counted the province
        # again (11 s for the provincial office's page under the load benchmark's 64 users);
        # then the one that claimed it did (1–2 s: issue 15, item 9); now the worker does.
        for period, zones in list(missing.items()):
            old = [zone_id for zone_id in zones if (zone_id, period) in stale]
            if not old:
                continue
            found.update({(zone_id, period): stale[(zone_id, period)] for zone_id in old})
            missing[period] = [zone_id for zone_id in zones if zone_id not in old]
            if _claimed(period, old, oldest, now):
                _recount_later(period, old)
        missing = {period: zones for period, zones in missing.items() if zones}
    for period, zones in missing.items():
        counted = _count(period, zones, closed=closed, now=now, store=oldest is not None)
        found.update({(zone_id, period): progress for zone_id, progress in counted.items()})
    return found


def _count(
    period: date,
    zone_ids: list[int],
    *,
    closed: Container[tuple[int, date]],
    now: datetime,
    store: bool,
) -> dict[int, Progress]:
    """The zones' month counted now; stored as their tallies when `store`, or when the month is
    closed (a closed month's count stands)."""
    counted = {
        zone_id: progress.total
        for zone_id, progress in month_progress(zone_ids, Month.of(period)).items()
    }
    tallies = [
        MonthTally(
            zone_id=zone_id,
            period=period,
            counted_at=now,
            expected=progress.expected,
            states=progress.states,
            final=(zone_id, period) in closed,
        )
        for zone_id, progress in counted.items()
        if store or (zone_id, period) in closed
    ]
    if tallies:
        MonthTally.objects.bulk_create(
            tallies,
            update_conflicts=True,
            unique_fields=["zone", "period"],
            update_fields=["counted_at", "expected", "states", "final"],
        )
    return counted


def tallies_recount(period: date, zone_ids: Iterable[int]) -> int:
    """Count these zones' month again and store the tallies (the background task's work);
    give the zones counted.

    A few zones at a time, paced (`KFQ_BACKGROUND_SHARE`): the province's 200,000 firms counted
    in one query took one of two cores from the requests for a second every 30 s, and most of
    the load benchmark's slowest requests came in those seconds."""
    period = period.replace(day=1)
    zone_ids = sorted(set(zone_ids))
    pieces = [
        zone_ids[start : start + RECOUNT_ZONES] for start in range(0, len(zone_ids), RECOUNT_ZONES)
    ]
    # Every piece's tallies counted as of the recount's start: they expire together and are
    # counted again in one task (stamped as each piece ended, they expired a piece at a time and
    # the recount split into ever more tasks).
    now = timezone.now()
    counted = 0
    for zones in paced(pieces, share=settings.KFQ_BACKGROUND_SHARE):
        closed = {
            (zone_id, period): closed_at
            for zone_id, closed_at in ReportingMonth.objects.filter(
                status=ReportingMonthStatus.CLOSED, zone_id__in=zones, period=period
            ).values_list("zone_id", "closed_at")
        }
        counted += len(_count(period, zones, closed=closed, now=now, store=True))
    return counted


def _recount_later(period: date, zone_ids: list[int]) -> None:
    # The task lives in returns.tasks, which imports this module.
    from kaifaqu.returns.tasks import tallies_recount_task

    tallies_recount_task.enqueue(period=period.isoformat(), zone_ids=zone_ids)


def _claimed(period: date, zone_ids: list[int], oldest: datetime, now: datetime) -> bool:
    """Take the recount of these zones' too old tallies of the month: their time moved to now,
    unless another request moved it first (then it counts them, and this one does not)."""
    return bool(
        MonthTally.objects.filter(
            period=period, zone_id__in=zone_ids, counted_at__lt=oldest
        ).update(counted_at=now)
    )


def tally_store(*, zone_id: int, period: date, progress: Progress) -> None:
    """Store a closed month's counts as its final tally, counted inside a transaction that read
    the month as closed (the publication's: what it published is what the pages then show)."""
    MonthTally.objects.update_or_create(
        zone_id=zone_id,
        period=period.replace(day=1),
        defaults={
            "counted_at": timezone.now(),
            "expected": progress.expected,
            "states": progress.states,
            "final": True,
        },
    )
