"""Which months of which zones are published, and what a user may therefore see.

A zone's month is *current* when its reporting month is closed and its revision is published.
It is *shown* outside the statistics office when it is current and so is every earlier month of
its year that has a reporting month (the 1–N月 of a month add up the months before it: a month
withdrawn for a revision withdraws the later months of its year with it). A cell above zones
(province, city) is shown when every zone with figures in it is shown.

The statistics office (indicators.see_unpublished) sees every month; pages tell it which are
published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, QuerySet

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import AskingUser, user_may
from kaifaqu.indicators.models import IndicatorCell, Publication, SliceKind
from kaifaqu.indicators.selectors.slices import Slice, latest_month
from kaifaqu.returns.models import ReportingMonth, ReportingMonthStatus
from kaifaqu.returns.publishing import PublishedRevision
from kaifaqu.returns.selectors.months import Progress, month_progress
from kaifaqu.returns.selectors.tallies import REGION_TALLY_SECONDS, tallied_progress


def sees_unpublished(user: AskingUser) -> bool:
    return user_may(user, "indicators.see_unpublished")


@dataclass
class MonthState:
    """A zone's month as the statistics office runs it."""

    status: str
    revision: int
    published_revision: int | None
    deadline: date

    @property
    def is_current(self) -> bool:
        return (
            self.status == ReportingMonthStatus.CLOSED
            and self.published_revision is not None
            and self.published_revision == self.revision
        )

    @property
    def in_revision(self) -> bool:
        # Published before, reopened (or closed again) and not yet published again.
        return self.published_revision is not None and not self.is_current


@dataclass
class PublishedMonths:
    """The months of some zones: their states, and which are shown outside the office."""

    states: dict[tuple[int, date], MonthState] = field(default_factory=dict)
    shown: set[tuple[int, date]] = field(default_factory=set)

    def is_shown(self, zone_id: int, month: Month) -> bool:
        return (zone_id, month.first_day) in self.shown

    def state(self, zone_id: int, month: Month) -> MonthState | None:
        return self.states.get((zone_id, month.first_day))

    def latest_shown(self, zone_ids: Iterable[int]) -> Month | None:
        wanted = set(zone_ids)
        days = [day for zone_id, day in self.shown if zone_id in wanted]
        return Month.of(max(days)) if days else None


def published_months(zone_ids: Iterable[int]) -> PublishedMonths:
    """The reporting months of these zones with their publication: two queries."""
    ids = sorted(set(zone_ids))
    result = PublishedMonths()
    if not ids:
        return result
    published = {
        (row["zone_id"], row["period"]): row["latest"]
        for row in Publication.objects.filter(zone_id__in=ids)
        .values("zone_id", "period")
        .annotate(latest=Max("revision"))
        .order_by()
    }
    by_zone_year: dict[tuple[int, int], list[date]] = {}
    for zone_id, period, status, revision, deadline in ReportingMonth.objects.filter(
        zone_id__in=ids
    ).values_list("zone_id", "period", "status", "revision", "deadline"):
        result.states[(zone_id, period)] = MonthState(
            status=status,
            revision=revision,
            published_revision=published.get((zone_id, period)),
            deadline=deadline,
        )
        by_zone_year.setdefault((zone_id, period.year), []).append(period)
    for (zone_id, _year), periods in by_zone_year.items():
        for period in sorted(periods):
            if not result.states[(zone_id, period)].is_current:
                break
            result.shown.add((zone_id, period))
    return result


def zones_in_cells(month: Month, *, region_prefix: str | None = None) -> set[int]:
    """The zones with figures in a month's stored cells (within a region's code prefix)."""
    # A zone's cells of a month are written together (the zone's own, its parks', divisions'
    # and categories'): its own cell says it has figures. Looking at all four kinds read 4,600
    # cells for a province's 100 zones, three times a provincial indicator page (the load
    # benchmark, session 12).
    cells = IndicatorCell.objects.filter(
        month=month.first_day, slice_kind=SliceKind.ZONE, indicator="gross_output"
    )
    if region_prefix:
        cells = cells.filter(zone__region__code__startswith=region_prefix)
    return set(cells.values_list("zone_id", flat=True).distinct())


def region_month_shown(region_prefix: str, month: Month) -> bool:
    """Whether a province's or city's cells of the month are shown: every zone with figures in
    them has published the month (and there is at least one)."""
    zones = zones_in_cells(month, region_prefix=region_prefix)
    if not zones:
        return False
    states = published_months(zones)
    return all(states.is_shown(zone_id, month) for zone_id in zones)


@dataclass(frozen=True)
class SliceMonth:
    """A slice's month as a reader sees it: shown or withheld, published, and how complete."""

    shown: bool
    # Every zone with figures in the slice has published the month at its current revision.
    published: bool
    # A zone of the slice reopened the month (or an earlier one of its year) for a revision.
    in_revision: bool
    zones: int
    zones_published: int
    progress: Progress | None


def _slice_zones(slice: Slice, month: Month) -> list[int]:
    if slice.zone_id is not None:
        return [slice.zone_id]
    if slice.kind in (SliceKind.PROVINCE, SliceKind.CITY):
        return sorted(zones_in_cells(month, region_prefix=slice.key))
    return sorted(zones_in_cells(month))


def slice_month(user: AskingUser, slice: Slice, month: Month) -> SliceMonth:
    zone_ids = _slice_zones(slice, month)
    states = published_months(zone_ids)
    shown_zones = [zone_id for zone_id in zone_ids if states.is_shown(zone_id, month)]
    published = bool(zone_ids) and len(shown_zones) == len(zone_ids)
    in_revision = any(
        state.in_revision
        for (zone_id, day), state in states.states.items()
        if zone_id in zone_ids and day.year == month.year and day <= month.first_day
    )
    progress: Progress | None = None
    if zone_ids and slice.kind == SliceKind.PARK:
        by_zone = month_progress(zone_ids, month)
        progress = by_zone[slice.zone_id or 0].by_park.get(int(slice.key), Progress())
    elif zone_ids:
        # The zones' tallies (a province's firms are not counted at each request): a zone's own
        # month is counted afresh while open, a region's may be REGION_TALLY_SECONDS old.
        progress = Progress()
        tallies = tallied_progress(
            ((zone_id, month.first_day) for zone_id in zone_ids),
            max_age=0.0 if slice.zone_id is not None else REGION_TALLY_SECONDS,
        )
        for zone_progress in tallies.values():
            for state, count in zone_progress.states.items():
                progress.add(state, count)
    return SliceMonth(
        shown=published or sees_unpublished(user),
        published=published,
        in_revision=in_revision,
        zones=len(zone_ids),
        zones_published=len(shown_zones),
        progress=progress,
    )


def slice_months(slice: Slice) -> QuerySet[IndicatorCell, date]:
    """The first days of the months with cells of the slice, latest first."""
    return (
        IndicatorCell.objects.filter(slice_kind=slice.kind, slice_key=slice.key)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )


def latest_shown(user: AskingUser, slice: Slice) -> Month | None:
    """The latest month of the slice a reader outside the office may see (None: none yet)."""
    if slice.zone_id is not None:
        return published_months([slice.zone_id]).latest_shown([slice.zone_id])
    for day in slice_months(slice)[:24]:
        month = Month.of(day)
        prefix = slice.key if slice.kind in (SliceKind.PROVINCE, SliceKind.CITY) else None
        if region_month_shown(prefix or "", month):
            return month
    return None


def reader_latest_month(user: User, slice: Slice) -> Month | None:
    """The month a page opens on: the latest with figures for the statistics office, the latest
    published for everyone else."""
    if sees_unpublished(user):
        return latest_month(user)
    return latest_shown(user, slice)


def month_publications(reporting_month: ReportingMonth) -> list[Publication]:
    """A zone's month's publications, first to last: its revision log (the caller checked the
    month's scope)."""
    return list(
        Publication.objects.filter(zone_id=reporting_month.zone_id, period=reporting_month.period)
        .select_related("published_by")
        .order_by("revision", "published_at")
    )


class PublicationsForMonths:
    """What the reporting month's pages (returns, a layer below) show of the publications:
    registered in `returns.publishing.MONTH_PUBLISHING` by IndicatorsConfig.ready()."""

    publish_url_name = "indicators:month-publish"

    def latest_revisions(
        self, zone_ids: Iterable[int], periods: Iterable[date]
    ) -> dict[tuple[int, date], int]:
        # The months asked for only: the province's page of one month read every month's
        # publications of its 100 zones (a fifth of the page's reads).
        return {
            (row["zone_id"], row["period"]): row["latest"]
            for row in Publication.objects.filter(
                zone_id__in=list(zone_ids), period__in=list(periods)
            )
            .values("zone_id", "period")
            .annotate(latest=Max("revision"))
            .order_by()
        }

    def log(self, reporting_month: ReportingMonth) -> list[PublishedRevision]:
        return [
            PublishedRevision(
                revision=publication.revision,
                published_at=publication.published_at,
                published_by=publication.published_by.username if publication.published_by else "",
                note=publication.note,
                firms=publication.firms,
                accepted=publication.accepted,
                estimated=publication.estimated,
                not_reported=publication.not_reported,
            )
            for publication in month_publications(reporting_month)
        ]
