"""Reads of the reporting month: who must report, who has, the response rate, what blocks the close.

The firms that must report a month are the zone's firms on that year's 规上工业 roster that were on
it during the month (entered by its last day, not exited before its first). Each is in one state:

- accepted: its return is accepted (an estimate counts apart, as `estimated`);
- awaiting review: submitted, not yet decided;
- sent back: returned to the firm for correction;
- draft: started online or imported, not submitted;
- not started: no return at all;
- recorded not reported (未报): closed without a return, with a reason and a treatment.

The response rate (报送率) is the share of firms whose return reached the office (awaiting review,
sent back or accepted, estimates excluded); the acceptance rate (审核通过率) the share accepted.
A month closes when every firm is accepted or recorded not reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.geo.models import Park, Zone
from kaifaqu.returns.models import (
    NOT_PLAINLY_ACCEPTED,
    NonResponse,
    ReportingMonth,
    Return,
    ReturnStatus,
)


class FirmState:
    ACCEPTED = "accepted"
    ESTIMATED = "estimated"
    AWAITING_REVIEW = "awaiting_review"
    SENT_BACK = "sent_back"
    DRAFT = "draft"
    NOT_STARTED = "not_started"
    NOT_REPORTED = "not_reported"


# States of a firm whose return reached the office (the numerator of the response rate).
REACHED = (FirmState.ACCEPTED, FirmState.AWAITING_REVIEW, FirmState.SENT_BACK)
# States that still block the month's close.
OPEN_STATES = (
    FirmState.AWAITING_REVIEW,
    FirmState.SENT_BACK,
    FirmState.DRAFT,
    FirmState.NOT_STARTED,
)
_STATUS_STATE = {
    ReturnStatus.ACCEPTED: FirmState.ACCEPTED,
    ReturnStatus.SUBMITTED: FirmState.AWAITING_REVIEW,
    ReturnStatus.RETURNED: FirmState.SENT_BACK,
    ReturnStatus.DRAFT: FirmState.DRAFT,
}


def expected_entries(zone_ids: Iterable[int], month: Month) -> QuerySet[RosterEntry]:
    """The 规上工业 roster entries of the zones that must report the month."""
    next_month = month.shift(1).first_day
    return (
        RosterEntry.objects.filter(
            enterprise__zone_id__in=list(zone_ids),
            year=month.year,
            category=StatCategory.INDUSTRY,
        )
        .filter(Q(entered_on__isnull=True) | Q(entered_on__lt=next_month))
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=month.first_day))
    )


def _with_state(entries: QuerySet[RosterEntry], month: Month) -> QuerySet[Any]:
    """The entries annotated with their firm's return of the month (status, id, estimate flag)
    and whether the firm is recorded 未报 (typed Any: the annotations are not model fields).

    The return is LEFT JOINed on (firm, month) — at most one, by a unique constraint — rather
    than read by a subquery per field and entry: a province's 200,000 entries are counted in
    one pass of the join."""
    month_return = FilteredRelation(
        "enterprise__returns", condition=Q(enterprise__returns__period=month.first_day)
    )
    return entries.annotate(month_return=month_return).annotate(
        return_status=F("month_return__status"),
        return_id=F("month_return__id"),
        return_estimated=F("month_return__is_estimate"),
        non_response=Exists(
            NonResponse.objects.filter(
                enterprise_id=OuterRef("enterprise_id"),
                reporting_month__period=month.first_day,
                reporting_month__zone_id=OuterRef("enterprise__zone_id"),
            )
        ),
    )


def _state(status: str | None, estimated: bool | None, non_response: bool) -> str:
    if status == ReturnStatus.ACCEPTED:
        return FirmState.ESTIMATED if estimated else FirmState.ACCEPTED
    if non_response:
        return FirmState.NOT_REPORTED
    if status is None:
        return FirmState.NOT_STARTED
    return _STATUS_STATE[ReturnStatus(status)]


# Every combination `_state` is asked for, worked out once: a month's page asks it of each of a
# zone's thousands of firms.
_STATES: dict[tuple[str | None, bool | None, bool], str] = {
    (status, estimated, non_response): _state(status, estimated, non_response)
    for status in (None, *ReturnStatus.values)
    for estimated in (None, False, True)
    for non_response in (False, True)
}


@dataclass
class Progress:
    """Counts of a zone's (or a park's, or a province's) firms by state for one month."""

    expected: int = 0
    states: dict[str, int] = field(default_factory=dict)

    def count(self, *states: str) -> int:
        return sum(self.states.get(state, 0) for state in states)

    @property
    def reached(self) -> int:
        return self.count(*REACHED)

    @property
    def accepted(self) -> int:
        return self.count(FirmState.ACCEPTED)

    @property
    def estimated(self) -> int:
        return self.count(FirmState.ESTIMATED)

    @property
    def not_reported(self) -> int:
        return self.count(FirmState.NOT_REPORTED)

    @property
    def outstanding(self) -> int:
        return self.count(*OPEN_STATES)

    @property
    def response_rate(self) -> Decimal | None:
        return _percent(self.reached, self.expected)

    @property
    def acceptance_rate(self) -> Decimal | None:
        return _percent(self.accepted, self.expected)

    @property
    def can_close(self) -> bool:
        return self.outstanding == 0

    def add(self, state: str, count: int = 1) -> None:
        self.expected += count
        self.states[state] = self.states.get(state, 0) + count


def _percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class ZoneProgress:
    zone_id: int
    total: Progress
    by_park: dict[int | None, Progress]


def month_progress(zone_ids: Sequence[int], month: Month) -> dict[int, ZoneProgress]:
    """Each zone's counts by state for the month, in total and by park: one grouped query."""
    rows = (
        _with_state(expected_entries(zone_ids, month), month)
        .values("enterprise__zone_id", "enterprise__park_id", "return_status", "non_response")
        # One roster entry per firm, year and category (a unique constraint): no DISTINCT.
        .annotate(
            firms=Count("pk"),
            estimates=Count("pk", filter=Q(return_estimated=True)),
        )
        .order_by()
    )
    progress = {
        zone_id: ZoneProgress(zone_id=zone_id, total=Progress(), by_park={}) for zone_id in zone_ids
    }
    for row in rows:
        zone = progress[row["enterprise__zone_id"]]
        park = zone.by_park.setdefault(row["enterprise__park_id"], Progress())
        estimates = row["estimates"]
        for state, count in (
            (_state(row["return_status"], True, row["non_response"]), estimates),
            (_state(row["return_status"], False, row["non_response"]), row["firms"] - estimates),
        ):
            if count:
                zone.total.add(state, count)
                park.add(state, count)
    return progress


class FirmStatus(NamedTuple):
    """A firm of the month as the roster and its return say: its state, its return (if any)
    and its park. Plain values: a zone of thousands of firms builds no model object (and a
    named tuple, a third of a frozen dataclass's cost to make: 3,244 of them a page view)."""

    enterprise_id: int
    park_id: int | None
    state: str
    return_id: int | None


def month_firm_states(zone_id: int, month: Month) -> list[FirmStatus]:
    """Every firm of the zone that must report the month, with its state. A month's page counts,
    lists and explains what blocks the close from this one read (it read the roster three
    times: 3 × 240 ms on PostgreSQL for a zone of 3,000 firms, issue 15 item 9).

    Three reads instead of one join that fetched every firm's return row and probed its 未报
    record: the roster with each firm's return id only (from the (firm, month) index alone);
    the zone's returns of the month that are not plainly accepted, by their partial index
    (`stat_return_rollup_exception`; a few dozen at the month's end, each firm's draft or
    submission before it); and the zone's 未报 records. The zone's largest month, 3,244 firms:
    20 → 10 ms of SQL on SQLite (docs/benchmarks.md)."""
    first_day = month.first_day
    month_return = FilteredRelation(
        "enterprise__returns", condition=Q(enterprise__returns__period=first_day)
    )
    firms = (
        expected_entries([zone_id], month)
        .annotate(month_return=month_return)
        .order_by()
        .values_list("enterprise_id", "enterprise__park_id", "month_return__id")
    )
    not_plainly_accepted = {
        enterprise_id: (status, estimated)
        for enterprise_id, status, estimated in not_plainly_accepted_returns(
            zone_id, first_day
        ).values_list("enterprise_id", "status", "is_estimate")
    }
    not_reported = set(
        NonResponse.objects.filter(
            reporting_month__zone_id=zone_id, reporting_month__period=first_day
        )
        .order_by()
        .values_list("enterprise_id", flat=True)
    )
    # The roster's rows as the driver gives them: Django's per-row iteration of 3,244 tuples
    # cost as much as reading them.
    sql, params = firms.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    seen: set[int] = set()
    found: list[FirmStatus] = []
    accepted = _STATES[ReturnStatus.ACCEPTED.value, False, False]
    for enterprise_id, park_id, return_id in rows:
        if enterprise_id in seen:
            continue
        seen.add(enterprise_id)
        if return_id is None:
            state = _STATES[None, None, enterprise_id in not_reported]
        elif enterprise_id in not_plainly_accepted:
            status, estimated = not_plainly_accepted[enterprise_id]
            state = _STATES[status, estimated, enterprise_id in not_reported]
        elif enterprise_id in not_reported:
            state = _STATES[ReturnStatus.ACCEPTED.value, False, True]
        else:
            state = accepted
        found.append(FirmStatus(enterprise_id, park_id, state, return_id))
    return found


def not_plainly_accepted_returns(zone_id: int, first_day: date) -> QuerySet[Return]:
    """The zone's returns of the month that are not plainly accepted (not yet accepted, or an
    estimate), by their partial index (`stat_return_rollup_exception`)."""
    # The condition first: SQLite then plans from the zone's firms into the partial index
    # (1 ms) rather than through the province's exceptions of the month (16 ms).
    return Return.objects.filter(
        NOT_PLAINLY_ACCEPTED,
        period=first_day,
        enterprise__zone_id=zone_id,
    ).order_by()


def progress_of(zone_id: int, firms: Iterable[FirmStatus]) -> ZoneProgress:
    """A zone's counts by state, in total and by park, from its firms' states (what
    `month_progress` counts in the database)."""
    progress = ZoneProgress(zone_id=zone_id, total=Progress(), by_park={})
    for (park_id, state), count in Counter((firm.park_id, firm.state) for firm in firms).items():
        progress.total.add(state, count)
        progress.by_park.setdefault(park_id, Progress()).add(state, count)
    return progress


def reporting_month_list(*, user: User, zone: Zone | None = None) -> QuerySet[ReportingMonth]:
    months = ReportingMonth.objects.for_user(user).select_related("zone")
    if zone is not None:
        months = months.filter(zone=zone)
    return months


def park_names(zone_id: int) -> dict[int | None, str]:
    return dict(Park.objects.filter(zone_id=zone_id).values_list("pk", "name"))


_NAMED_BLOCKERS = 10


def close_blockers(
    reporting_month: ReportingMonth, *, firms: Sequence[FirmStatus] | None = None
) -> list[str]:
    """Why the month cannot close yet, one line per kind of firm still open (empty: it can),
    naming the first few firms of each by name (`firms`: the month's firm states when already
    read)."""
    if firms is None:
        month = Month.of(reporting_month.period)
        zone_id = reporting_month.zone_id
        # Counted in the database first: a month that can close (every close, a hundred at a
        # province's month end) reads no firm one by one.
        if month_progress([zone_id], month)[zone_id].total.can_close:
            return []
        firms = month_firm_states(zone_id, month)
    state_of = {firm.enterprise_id: firm.state for firm in firms if firm.state in OPEN_STATES}
    counts: dict[str, list[str]] = {}
    for enterprise_id, name in (
        Enterprise.objects.filter(pk__in=list(state_of))
        .order_by("name", "pk")
        .values_list("pk", "name")
    ):
        counts.setdefault(state_of[enterprise_id], []).append(name)
    messages = {
        FirmState.AWAITING_REVIEW: _("%(count)s returns await review: %(names)s"),
        FirmState.SENT_BACK: _("%(count)s returns were sent back and not corrected: %(names)s"),
        FirmState.DRAFT: _("%(count)s returns are drafts, not submitted: %(names)s"),
        FirmState.NOT_STARTED: _("%(count)s firms have not reported: %(names)s"),
    }
    out = []
    for state, template in messages.items():
        names = counts.get(state, [])
        if names:
            shown = "、".join(names[:_NAMED_BLOCKERS]) + (
                "…" if len(names) > _NAMED_BLOCKERS else ""
            )
            out.append(template % {"count": len(names), "names": shown})
    return out
