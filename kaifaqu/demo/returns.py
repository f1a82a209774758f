"""Load the demo's monthly returns and the rosters of the years after the files' last one.

The returns are generated (`returngen.py` for the article's months, `months.py` for the months
since): every month up to the one before today is accepted, today's month is open for
reporting. Returns are matched by (enterprise, month): a missing one is created, an existing one
is left as it is, whatever its values (a person may have corrected a draft or decided on a
submitted return since), so a second run writes nothing and a later day only adds months. New
returns are written in bulk, as a job of the platform.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.demo.months import MONEY, RETURNED, current, history, living, roster_years
from kaifaqu.demo.returngen import GeneratedReturn, read_parameters
from kaifaqu.demo.timeline import Timeline
from kaifaqu.enterprises.models import Enterprise, StatCategory
from kaifaqu.enterprises.services import RosterAddition, roster_entries_add
from kaifaqu.indicators.models import ValueAddedRate
from kaifaqu.indicators.rates import load_value_added_rates
from kaifaqu.returns.models import (
    ReportingMonth,
    ReportingMonthStatus,
    Return,
    ReturnSource,
    ReturnStatus,
)
from kaifaqu.returns.services import return_send_back
from kaifaqu.returns.services.ledger import ledger_update

BATCH_SIZE = 500
# The demo's statistician, who sent the one return back (a decision needs its reviewer).
REVIEWER = "tongji"


@dataclass(frozen=True)
class ReturnsLoaded:
    outcomes: Counter[str]
    rosters: Counter[str]
    submitted: list[Return]  # created now, for review
    send_back: list[tuple[Return, str]]  # created now as submitted, to be sent back
    # Left open in a month now past (a draft, a return awaiting review or sent back when the
    # demo was loaded before): now the firm's final figures, submitted, for the statistician.
    settled: list[Return]


def demo_returns_load(*, today: date, known: Mapping[int, set[str]]) -> ReturnsLoaded:
    """Create the demo's missing returns up to today's month and the rosters up to today's
    year (`known`: the files' rosters, year → USCCs)."""
    load_value_added_rates()
    params = read_parameters()
    timeline = Timeline(today)
    usccs = (
        {row["uscc"] for row in params["firms"]}
        | {row["uscc"] for row in params["candidates"]}
        | {row["uscc"] for row in params["live"].get("later_firms", [])}
        | {case["uscc"] for case in params["cases"]}
    )
    enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
    divisions = {uscc: e.industry_id[:2] for uscc, e in enterprises.items()}
    year = int(params["value_added"]["year"])
    rates = {
        rate.division_id: rate.rate
        for rate in ValueAddedRate.objects.filter(
            region__isnull=True, year=year, division_id__in=divisions.values()
        )
    }
    world = living(params, divisions, rates)
    past = history(world, through=timeline.last_month)
    rosters = roster_years(world, past, known, through=timeline.month.year)
    roster_outcomes = _add_rosters(rosters, known, enterprises)
    this_month, changed = current(world, past, rosters[timeline.month.year], month=timeline.month)
    by_key = {(row.uscc, row.period): row for row in past}
    by_key.update({(row.uscc, row.period): row for row in changed})
    rows = [*by_key.values(), *this_month]
    settled = _settle_left_open(usccs, by_key, timeline)

    existing = set(
        Return.objects.filter(enterprise__uscc__in=usccs).values_list("enterprise__uscc", "period")
    )
    missing = [row for row in rows if (row.uscc, row.period.first_day) not in existing]
    created = Return.objects.bulk_create(
        [_instance(row, enterprises[row.uscc], today) for row in missing], batch_size=BATCH_SIZE
    )
    ledger_update((record.enterprise_id, record.period) for record in created)
    outcomes = Counter({"created": len(missing), "unchanged": len(rows) - len(missing)})
    waiting = Q(pk__in=[])
    for row in missing:
        if row.status in (ReturnStatus.SUBMITTED, RETURNED):
            waiting |= Q(enterprise__uscc=row.uscc, period=row.period.first_day)
    submitted = list(Return.objects.filter(waiting).select_related("enterprise"))
    comments = {
        case["uscc"]: case.get("comment", "")
        for case in params["live"]["current"]["cases"]
        if case["status"] == RETURNED
    }
    send_back = [
        (record, comments[record.enterprise.uscc])
        for record in submitted
        if record.enterprise.uscc in comments and record.period == timeline.month.first_day
    ]
    outcomes["updated"] += len(settled)
    return ReturnsLoaded(outcomes, roster_outcomes, submitted, send_back, settled)


def _settle_left_open(
    usccs: set[str], by_key: Mapping[tuple[str, Month], GeneratedReturn], timeline: Timeline
) -> list[Return]:
    """The returns a load on an earlier day left open in a month that is now past, as the firms
    finally submitted them: the month's generated figures (what a load of today writes for it),
    submitted; the statistician accepts them before the month closes (`reporting.py`). A month
    closed, or reopened by a person for a revision, is left alone. Audited as a platform job."""
    kept = ReportingMonth.objects.filter(
        Q(status=ReportingMonthStatus.CLOSED) | Q(revision__gt=0)
    ).values_list("zone_id", "period")
    left = [
        record
        for record in Return.objects.filter(
            enterprise__uscc__in=usccs, period__lte=timeline.last_month.first_day
        )
        .exclude(status=ReturnStatus.ACCEPTED)
        .select_related("enterprise")
        if (record.enterprise.zone_id, record.period) not in set(kept)
    ]
    changed: list[tuple[Return, dict[str, list[str]]]] = []
    for record in left:
        row = by_key.get((record.enterprise.uscc, Month.of(record.period)))
        if row is None:
            continue  # a month the firm does not report: recorded 未报 at the close
        changes: dict[str, list[str]] = {}
        for name, value in [*row.values.items(), ("explanation", row.explanation)]:
            if name == "explanation" and not value:
                continue
            if getattr(record, name) != value:
                changes[name] = [str(getattr(record, name)), str(value)]
                setattr(record, name, value)
        changes["status"] = [record.status, ReturnStatus.SUBMITTED]
        record.status = ReturnStatus.SUBMITTED
        record.submitted_at = _submitted_at(row, timeline.today)
        record.full_clean(validate_constraints=False)
        changed.append((record, changes))
    if not changed:
        return []
    now = timezone.now()
    for record, _changes in changed:
        record.updated_at = now  # bulk_update does not touch auto_now fields
    names = {"status", "submitted_at", "updated_at", "explanation", *MONEY, "employees"}
    Return.objects.bulk_update([record for record, _c in changed], sorted(names))
    # The figures changed: the ledger follows in the same transaction.
    ledger_update((record.enterprise_id, record.period) for record, _c in changed)
    content_type = ContentType.objects.get_for_model(Return)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(record.pk),
                object_id=record.pk,
                object_repr=str(record),
                action=LogEntry.Action.UPDATE,
                changes=changes,
                changes_text="",
                actor=None,
                timestamp=now,
            )
            for record, changes in changed
        ]
    )
    return [record for record, _c in changed]


def demo_send_back(send_back: list[tuple[Return, str]]) -> None:
    """The statistician's send-back of the demo's one returned return (after its review)."""
    if not send_back:
        return
    reviewer = User.objects.get(username=REVIEWER)
    for record, comment in send_back:
        return_send_back(by=reviewer, return_record=record, comment=comment)


def _add_rosters(
    rosters: Mapping[int, set[str]],
    known: Mapping[int, set[str]],
    enterprises: Mapping[str, Enterprise],
) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    later = {year: usccs for year, usccs in rosters.items() if year not in known}
    if not later:
        return outcomes
    additions = [
        RosterAddition(
            enterprise=enterprises[uscc],
            year=year,
            category=StatCategory.INDUSTRY,
            entered_on=date(year, 1, 1),
        )
        for year, usccs in sorted(later.items())
        for uscc in sorted(usccs)
    ]
    created = roster_entries_add(by=None, additions=additions)
    outcomes["created"] += created
    outcomes["unchanged"] += len(additions) - created
    return outcomes


def _instance(row: GeneratedReturn, enterprise: Enterprise, today: date) -> Return:
    # A return to be sent back is created as submitted: the send-back is the reviewer's.
    status = ReturnStatus.SUBMITTED if row.status == RETURNED else ReturnStatus(row.status)
    values: dict[str, Decimal | int] = row.values
    return Return(
        enterprise=enterprise,
        period=row.period.first_day,
        status=status,
        # The accepted months came in with the statistics office's monthly import; the months
        # under review or in draft are the reporters' own, filled in online.
        source=ReturnSource.IMPORT if status == ReturnStatus.ACCEPTED else ReturnSource.WEB,
        submitted_at=None if status == ReturnStatus.DRAFT else _submitted_at(row, today),
        explanation=row.explanation,
        is_illustrative=True,
        **values,
    )


def _submitted_at(row: GeneratedReturn, today: date) -> datetime:
    """The 5th of the next month, 09:00 Beijing time (within the usual deadline), never after
    today; this month's returns on one of the last few days."""
    if row.period == Month.of(today):
        spread = int(hashlib.sha256(f"{row.uscc}:{row.period}".encode()).hexdigest(), 16) % 4
        day = max(row.period.first_day, today - timedelta(days=spread))
    else:
        due = row.period.shift(1).first_day
        day = min(date(due.year, due.month, 5), today)
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)
