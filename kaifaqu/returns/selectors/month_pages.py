"""Reads of the reporting month's pages and API: the months of a zone, the zones of a region for
a month, a month's parks, its firms' reporter accounts and the returns changed in a revision.

Every read starts from `for_user`; the publication of a month comes from the indicators through
`returns.publishing` (a registry the higher app fills).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import Role
from kaifaqu.geo.models import Zone
from kaifaqu.returns.models import ReportingMonth, ReviewDecision
from kaifaqu.returns.publishing import month_publishing
from kaifaqu.returns.selectors.months import Progress, ZoneProgress, month_progress, park_names
from kaifaqu.returns.selectors.tallies import REGION_TALLY_SECONDS, tallied_progress


class MonthPhase:
    """Where a month stands, as the list shows it."""

    REPORTING = "reporting"  # 报送中: open, never published
    REVISING = "revising"  # 修订中: reopened as a revision, not yet closed
    CLOSED = "closed"  # 已关闭: closed, this revision not yet published
    PUBLISHED = "published"  # 已发布: closed and this revision published
    NOT_OPEN = "not_open"  # the zone has no reporting month for it (the region's table)


def month_phase(record: ReportingMonth, published_revision: int | None) -> str:
    if record.is_open:
        return MonthPhase.REVISING if record.revision > 0 else MonthPhase.REPORTING
    if published_revision is not None and published_revision >= record.revision:
        return MonthPhase.PUBLISHED
    return MonthPhase.CLOSED


def latest_published(
    zone_ids: Iterable[int], periods: Iterable[date]
) -> dict[tuple[int, date], int]:
    """(zone id, month) → the latest revision published of the zones' given months."""
    publishing = month_publishing()
    return publishing.latest_revisions(zone_ids, periods) if publishing else {}


@dataclass(frozen=True)
class MonthRow:
    record: ReportingMonth
    phase: str
    progress: Progress
    overdue: bool

    @property
    def month(self) -> Month:
        return Month.of(self.record.period)


def _overdue(record: ReportingMonth, today: date) -> bool:
    return record.is_open and today > record.deadline


def month_row(
    record: ReportingMonth, *, today: date, progress: ZoneProgress | None = None
) -> MonthRow:
    """One month with its progress (counted now unless given) and phase (a month's page and the
    API's detail)."""
    published = latest_published([record.zone_id], [record.period]).get(
        (record.zone_id, record.period)
    )
    if progress is None:
        progress = month_progress([record.zone_id], Month.of(record.period))[record.zone_id]
    return MonthRow(
        record=record,
        phase=month_phase(record, published),
        progress=progress.total,
        overdue=_overdue(record, today),
    )


def zone_month_rows(records: Sequence[ReportingMonth], *, today: date) -> list[MonthRow]:
    """The given months (a page of them, scoped by the caller) with progress and phase: closed
    months from their tallies, each open month counted (one grouped query each), one query
    for the publications."""
    published = latest_published(
        {record.zone_id for record in records}, {record.period for record in records}
    )
    counts = tallied_progress((record.zone_id, record.period) for record in records)
    return [
        MonthRow(
            record=record,
            phase=month_phase(record, published.get((record.zone_id, record.period))),
            progress=counts[(record.zone_id, record.period)],
            overdue=_overdue(record, today),
        )
        for record in records
    ]


@dataclass(frozen=True)
class ZoneRow:
    """A zone of a region in the month: its reporting month (None: not opened) and counts."""

    zone: Zone
    record: ReportingMonth | None
    phase: str
    progress: Progress
    overdue: bool


# What the zones' table sorts by; a zone without the figure (no firm must report) comes last.
ZONE_SORTS: dict[str, Callable[[ZoneRow], object]] = {
    "zone": lambda row: row.zone.name,
    "response": lambda row: row.progress.response_rate,
    "acceptance": lambda row: row.progress.acceptance_rate,
    "firms": lambda row: row.progress.expected,
}


def region_month_rows(
    *, user: User, month: Month, today: date, sort: str = "response", descending: bool = False
) -> tuple[list[ZoneRow], Progress]:
    """Each zone the user sees, for the month: its counts by state (the zones' tallies, at most
    REGION_TALLY_SECONDS old while the month is open; one grouped query for all the zones
    counted afresh), and the region's totals."""
    zones = list(Zone.objects.for_user(user).select_related("region").order_by("name"))
    records = {
        record.zone_id: record
        for record in ReportingMonth.objects.for_user(user).filter(period=month.first_day)
    }
    zone_ids = [zone.pk for zone in zones]
    by_zone = tallied_progress(
        ((zone_id, month.first_day) for zone_id in zone_ids), max_age=REGION_TALLY_SECONDS
    )
    published = latest_published(zone_ids, [month.first_day])
    total = Progress()
    rows = []
    for zone in zones:
        progress = by_zone[(zone.pk, month.first_day)]
        for state, count in progress.states.items():
            total.add(state, count)
        record = records.get(zone.pk)
        rows.append(
            ZoneRow(
                zone=zone,
                record=record,
                phase=(
                    month_phase(record, published.get((zone.pk, month.first_day)))
                    if record
                    else MonthPhase.NOT_OPEN
                ),
                progress=progress,
                overdue=_overdue(record, today) if record else False,
            )
        )
    key = ZONE_SORTS.get(sort, ZONE_SORTS["response"])
    rated = sorted(
        (row for row in rows if key(row) is not None),
        key=lambda row: (key(row), row.zone.name),
        reverse=descending,
    )
    return [*rated, *(row for row in rows if key(row) is None)], total


@dataclass(frozen=True)
class ParkRow:
    name: str
    progress: Progress


def park_rows(
    reporting_month: ReportingMonth, *, progress: ZoneProgress | None = None
) -> list[ParkRow]:
    """The month's counts by park (counted now unless given), by park name; firms without a
    park last."""
    if progress is None:
        progress = month_progress([reporting_month.zone_id], Month.of(reporting_month.period))[
            reporting_month.zone_id
        ]
    names = park_names(reporting_month.zone_id)
    rows = [
        ParkRow(name=names.get(park_id, "") if park_id is not None else "", progress=counts)
        for park_id, counts in progress.by_park.items()
    ]
    return sorted(rows, key=lambda row: (row.name == "", row.name))


def reporter_accounts(enterprise_ids: Iterable[int]) -> dict[int, list[str]]:
    """The active reporter accounts (usernames) of each firm."""
    accounts: dict[int, list[str]] = {}
    for enterprise_id, username in (
        User.objects.filter(
            role=Role.ENTERPRISE_REPORTER,
            is_active=True,
            scope_enterprise_id__in=list(enterprise_ids),
        )
        .order_by("username")
        .values_list("scope_enterprise_id", "username")
    ):
        accounts.setdefault(enterprise_id, []).append(username)
    return accounts


def month_decisions(
    reporting_month: ReportingMonth, *, after: datetime | None, until: datetime | None
) -> QuerySet[ReviewDecision]:
    """The review decisions on the month's returns in a window: what changed between two
    publications (a return sent back for correction, then accepted again)."""
    decisions = ReviewDecision.objects.filter(
        return_record__enterprise__zone_id=reporting_month.zone_id,
        return_record__period=reporting_month.period,
    ).select_related("return_record__enterprise", "by")
    if after is not None:
        decisions = decisions.filter(at__gt=after)
    if until is not None:
        decisions = decisions.filter(at__lte=until)
    return decisions.order_by("at", "pk")
