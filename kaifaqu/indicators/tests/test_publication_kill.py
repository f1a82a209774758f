"""Killing `kfq month publish` (SIGKILL: no handler, no `finally`) leaves nothing half-written,
and the publication runs again to its end (issue 15, item 9).

A zone's closed December is published: first the roll-up of what the month's close and
acceptances marked (the zone's cells of the month, the sums above zones, the month's disclosure
control: one transaction a month; the marks removed only after), then the publication (its row,
its audit entry and the month's tally: one transaction). Killed inside the roll-up's transaction:
no publication, the month's cells as they were, the marks still there for the next run. Killed
inside the publication's transaction: the roll-up done and whole, no publication row, no audit
entry of it, no tally. Run again, each time: one publication, and the month's cells equal to a
full rebuild of the month (the reference). On a database of its own of the suite's engine
(core/tests/own_database.py): SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from kaifaqu.core.tests.own_database import (
    environment,
    kfq,
    kill,
    own_database,
    paused,
    python,
    wait_for,
)

# December 2024 of a small province with real months: late returns, firms not reported.
SETUP = """
import os, json
from datetime import date
from bench.month_close import _record_not_reported
from kaifaqu.accounts.services import user_create
from kaifaqu.core.lib.periods import Month
from kaifaqu.demo.province import generate_province
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.services.rollups import counted_months, rollup_rebuild
from kaifaqu.returns.models import ReportingMonth
from kaifaqu.returns.services import returns_bulk_accept
from kaifaqu.returns.services.month_guard import reporting_months_ensure
from kaifaqu.returns.services.months import reporting_month_close

december = date(2024, 12, 1)
generate_province(zones=2, enterprises=300, months=14, progress=None, real_months=True)
rollup_rebuild(months=counted_months(2024))
zones = list(Zone.objects.order_by("pk").values_list("pk", flat=True))
statisticians = {
    zone_id: user_create(username=f"kill-stat-{zone_id}", password=os.urandom(16).hex(),
                         role="statistician", scope_zone=Zone.objects.get(pk=zone_id))
    for zone_id in zones
}
reporting_months_ensure((zone_id, december) for zone_id in zones)
for zone_id, by in statisticians.items():
    returns_bulk_accept(by=by, filters={"period": december})
_record_not_reported(zones, statisticians, december)
for record in ReportingMonth.objects.filter(period=december):
    reporting_month_close(by=statisticians[record.zone_id], reporting_month=record)
print(json.dumps(zones))
"""

STATE = """
import hashlib, json
from django.db.models import Count
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from kaifaqu.indicators.models import IndicatorCell, Publication
from kaifaqu.indicators.services.month_table import CELL_COLUMNS
from kaifaqu.returns.models import ChangedMonth, MonthTally

cells = IndicatorCell.objects.filter(month="2024-12-01").order_by(
    "slice_kind", "slice_key", "indicator")
rows = cells.values_list("slice_kind", "slice_key", "indicator", *CELL_COLUMNS, "suppressed")
print(json.dumps({
    "publications": {
        str(zone_id): n
        for zone_id, n in Publication.objects.filter(period="2024-12-01")
        .values_list("zone_id").annotate(n=Count("id")).order_by()
    },
    "publication_log_entries": LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Publication)).count(),
    "tallies": sorted(MonthTally.objects.filter(period="2024-12-01").values_list(
        "zone_id", flat=True)),
    "marks": ChangedMonth.objects.filter(period="2024-12-01").count(),
    "cells": cells.count(),
    "digest": hashlib.sha256(repr(list(rows)).encode()).hexdigest(),
}))
"""

# The reference: a full rebuild of the month finds every stored cell and decision equal (it
# writes nothing then).
REBUILT = """
from kaifaqu.core.lib.periods import Month
from kaifaqu.indicators.services.rollups import rollup_rebuild
print(rollup_rebuild(months=[Month(2024, 12)]))
"""


@dataclass
class Platform:
    env: dict[str, str]
    zones: list[int]

    def state(self) -> dict[str, object]:
        state: dict[str, object] = json.loads(python(self.env, STATE).strip().splitlines()[-1])
        return state

    def publish(self, zone_id: int) -> list[str]:
        return [
            "month",
            "publish",
            "--zone",
            str(zone_id),
            "--month",
            "2024-12",
            "--as",
            f"kill-stat-{zone_id}",
        ]


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> object:
    folder = tmp_path_factory.mktemp("publication-kill")
    with own_database(folder) as url:
        env = environment(url, folder)
        zones = json.loads(python(env, SETUP).strip().splitlines()[-1])
        yield Platform(env=env, zones=zones)


def _published_again(platform: Platform, zone_id: int, before: dict[str, object]) -> None:
    again = kfq(platform.env, *platform.publish(zone_id))
    assert again.returncode == 0, again.stderr[-3000:]
    after = platform.state()
    assert after["publications"] == {
        **before["publications"],  # type: ignore[dict-item]
        str(zone_id): 1,
    }
    assert after["publication_log_entries"] == int(before["publication_log_entries"]) + 1  # type: ignore[call-overload]
    assert zone_id in after["tallies"]  # type: ignore[operator]
    assert after["marks"] == 0
    assert python(platform.env, REBUILT).strip().splitlines()[-1] == "0"
    assert platform.state()["digest"] == after["digest"]


def test_a_publication_killed_in_its_roll_up_leaves_the_month_as_it_was(
    platform: Platform, tmp_path: Path
) -> None:
    zone_id = platform.zones[0]
    before = platform.state()
    # The close and the acceptances marked the month: the publication rolls it up first.
    assert before["marks"] and before["cells"] and not before["publications"]
    flag, log = tmp_path / "here", tmp_path / "publish.log"
    # Inside the roll-up's transaction of the month: the zone's cells rewritten and the sums
    # above zones too, the decisions of the disclosure that moved being written.
    process = paused(
        platform.env,
        flag,
        "kaifaqu.indicators.services.month_table:_store_decisions",
        *platform.publish(zone_id),
        log=log,
    )
    wait_for(flag, process, log)
    kill(process)

    killed = platform.state()
    assert killed == before  # no publication, no tally, the marks and every cell as they were

    _published_again(platform, zone_id, before)


def test_a_publication_killed_while_it_writes_itself_leaves_no_publication(
    platform: Platform, tmp_path: Path
) -> None:
    zone_id = platform.zones[1]
    before = platform.state()
    assert str(zone_id) not in before["publications"]  # type: ignore[operator]
    flag, log = tmp_path / "here", tmp_path / "publish.log"
    # Inside the publication's transaction: its row and audit entry written, its tally not.
    process = paused(
        platform.env,
        flag,
        "kaifaqu.indicators.services.publication:tally_store",
        *platform.publish(zone_id),
        log=log,
    )
    wait_for(flag, process, log)
    kill(process)

    killed = platform.state()
    assert killed["publications"] == before["publications"]
    assert killed["publication_log_entries"] == before["publication_log_entries"]
    assert zone_id not in killed["tallies"]  # type: ignore[operator]
    # The roll-up before it is whole: equal to a full rebuild.
    assert killed["marks"] == 0
    assert python(platform.env, REBUILT).strip().splitlines()[-1] == "0"

    _published_again(platform, zone_id, killed)
