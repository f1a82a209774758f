"""The demo's reporting months (报告期), run as the statistics office runs them, by its statistician
(the persona `tongji`, who is therefore named in the audit trail), through the months' services.

- Every month up to the one before today: opened, every roster firm settled — its return
  accepted, or recorded 未报 with a reason (the files' `live.non_responses`: one 停产 month
  counted as nothing, one 联系不上 month estimated at the close, so the demo shows 估算) —,
  closed, and, once the indicator table is rolled up, published (审定发布). Outside the statistics
  office a month is shown only once published.
- Today's month: open and partly reported, a reminder (催报) or two on record for firms that
  have not reported yet.

A month already closed (or reopened by a person for a revision) is left as it is: a later day
only closes and publishes the months that became past since.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from django.db.models import Min

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.lib.periods import Month
from kaifaqu.demo.returngen import read_parameters
from kaifaqu.demo.timeline import Timeline
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.models import Publication
from kaifaqu.indicators.services.publication import month_publish
from kaifaqu.returns.models import (
    ReminderChannel,
    ReportingMonth,
    ReportingMonthStatus,
    Return,
    ReturnStatus,
)
from kaifaqu.returns.selectors.month_firms import month_firms
from kaifaqu.returns.selectors.months import FirmState
from kaifaqu.returns.services import return_accept
from kaifaqu.returns.services.months import (
    non_response_record,
    reminder_record,
    reporting_month_close,
    reporting_month_open,
)

STATISTICIAN = "tongji"
EXPLAINED = "经企业核实，本月数据属实，波动系生产安排调整所致（示例）。"
# Today's month: how many of the firms not yet reported have been chased, and how.
REMINDERS = (
    (ReminderChannel.PHONE, "电话催报，企业统计联系人称本周内报送（示例）"),
    (ReminderChannel.MESSAGE, "短信提醒报送截止日期（示例）"),
)


def statistician() -> User:
    return User.objects.get(username=STATISTICIAN)


def demo_returns_accept(records: Sequence[Return]) -> int:
    """The statistician accepts the returns submitted in months now past (a load on an earlier
    day left them open; `returns.py` settled them): the month closes only when they are."""
    if not records:
        return 0
    by = statistician()
    accepted = 0
    for record in Return.objects.filter(
        pk__in=[r.pk for r in records], status=ReturnStatus.SUBMITTED
    ):
        if record.findings.exists() and not record.explanation.strip():
            # The firm's explanation of the warnings its final figures raised (a platform
            # job's write, audited as such).
            record.explanation = EXPLAINED
            with acting_as(None):
                record.save(update_fields=["explanation", "updated_at"])
        return_accept(by=by, return_record=record)
        accepted += 1
    return accepted


def demo_months_close(*, zone: Zone, timeline: Timeline) -> Counter[str]:
    """Open, settle and close every month of the zone up to last month that is not closed yet,
    then open today's month and chase a firm or two; give the outcomes (months closed now are
    created, months found closed unchanged)."""
    by = statistician()
    absent = {
        (row["uscc"], Month.parse(row["month"])): row
        for row in read_parameters()["live"].get("non_responses", [])
    }
    first = Return.objects.filter(enterprise__zone=zone).aggregate(Min("period"))["period__min"]
    existing = {record.period: record for record in ReportingMonth.objects.filter(zone=zone)}
    outcomes: Counter[str] = Counter()
    month = Month.of(first) if first else timeline.month
    while month <= timeline.last_month:
        record = existing.get(month.first_day)
        if record is None:
            record = reporting_month_open(by=by, zone=zone, period=month.first_day)
        elif record.status == ReportingMonthStatus.CLOSED or record.revision > 0:
            outcomes["unchanged"] += 1
            month = month.shift(1)
            continue
        for line in month_firms(
            record, states=(FirmState.NOT_STARTED, FirmState.DRAFT, FirmState.SENT_BACK)
        ):
            row = absent.get((line.enterprise.uscc, month))
            if row is not None and line.non_response is None:
                non_response_record(
                    by=by,
                    reporting_month=record,
                    enterprise=line.enterprise,
                    reason=row["reason"],
                    note=row["note"],
                )
        # Refused, with every firm still open, if anything is left unsettled.
        reporting_month_close(by=by, reporting_month=record)
        outcomes["created"] += 1
        month = month.shift(1)
    _open_this_month(by, zone, timeline, existing.get(timeline.month.first_day))
    return outcomes


def _open_this_month(
    by: User, zone: Zone, timeline: Timeline, record: ReportingMonth | None
) -> None:
    if record is None:
        record = reporting_month_open(by=by, zone=zone, period=timeline.month.first_day)
    if record.reminders.exists() or not record.is_open:
        return
    waiting = month_firms(record, states=(FirmState.NOT_STARTED,))
    # The firms chased: a choice that depends on the month only (same day, same data).
    waiting.sort(
        key=lambda line: hashlib.sha256(
            f"{line.enterprise.uscc}:{timeline.month}:remind".encode()
        ).hexdigest()
    )
    for line, (channel, note) in zip(waiting, REMINDERS, strict=False):
        reminder_record(
            by=by, reporting_month=record, enterprise=line.enterprise, channel=channel, note=note
        )


def demo_months_publish(*, zone: Zone) -> Counter[str]:
    """Publish every closed month of the zone not yet published at its revision, oldest first
    (after the roll-up: the publication shows the indicator table as it stands)."""
    by = statistician()
    published = set(Publication.objects.filter(zone=zone).values_list("period", "revision"))
    outcomes: Counter[str] = Counter()
    for record in ReportingMonth.objects.filter(
        zone=zone, status=ReportingMonthStatus.CLOSED
    ).order_by("period"):
        if (record.period, record.revision) in published:
            outcomes["unchanged"] += 1
            continue
        month_publish(by=by, reporting_month=record)
        outcomes["created"] += 1
    return outcomes
