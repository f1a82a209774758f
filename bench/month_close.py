"""Benchmark: the statistics office's month end at province scale (issue 14).

The province is `kfq demo --province --real-months` (`generate_province(real_months=True)`: 100
zones, 200,000 firms, MONTHS months up to 2024-12, with roster entries and exits, a few returns
missing from past months, losses, and a last month in which some 3 % of the returns are late —
submitted, awaiting review — and some 1 % of the firms have not reported at all); its own database
file under var/bench/ (or DATABASE_URL). The months before the last are on record as closed and
published; the last month is open in every zone. The table of 2024 is built once (rollup_rebuild).

In one run:

  (p) the month's pages against the production server (`kfq serve`: gunicorn and its worker),
      logged-in sessions, locust (bench/locust_pages.py): K zone statisticians asking for their
      month (returns:month-detail, the firms to chase) and their zone's months
      (returns:month-list), and the provincial office for the zones side by side
      (returns:month-zones, every zone's response rate); p50/p95/max each. Target p95 < 100 ms;
  (a) the late returns accepted in bulk (returns_bulk_accept by each zone's statistician, one
      transaction per zone), then the worker's roll-up of what they marked (rollup_marked);
  (b) the firms that did not report recorded 未报 (non_response_record, each by its zone's
      statistician: 联系不上 and estimated where the firm has a month to estimate from, else 停产
      and counted as nothing);
  (c) **the month end, zone after zone as the statisticians would**: per zone
      reporting_month_close (the 未报 firms estimated) then month_publish (the marked roll-up:
      the zone's cells of the month, the sums above zones, the month's disclosure control; the
      warnings, target progress and rankings read those cells). From the last accepted return to
      every zone published. Target < 60 s;
  (d) the stored month compared with `rollup_rebuild` of it (the reference, timed): every cell
      and every disclosure decision equal, or the benchmark stops;
  (e) one zone's roll-up of the month the old way (every counted month of the year, as
      `rollup_zones` did before issue 14) and the new way (the changed month on);
  (f) the month put back to just before the close, and (c) again in two passes: every zone
      closed, then every zone published (`months_close_and_publish`, i.e. `kfq month close-all
      --no-publish`, then `kfq month close-all`, each as the zone's statistician), the roll-up
      done once for all at the first publication; compared with the reference again.

Every act of the month end is a zone statistician's, on its own zone: since 三员分立 (issue 15)
no account closes, publishes or reviews for the whole province (the system administrator, who
did, has no business data), and the provincial office reads.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench.bulk_accept import _free_port, _serve
from bench.indicators import timed

ENTERPRISES = 200_000
MONTHS = 24
PREFIX = "bench-month"
PAGE_USERS = 8
PAGE_REQUESTS = 150
TARGET_CLOSE_S = 60.0
TARGET_PAGE_MS = 100.0


def load() -> float:
    return os.getloadavg()[0]


@dataclass
class Figures:
    zones: int
    enterprises: int
    months: int
    database: str
    month: str
    state: dict[str, int] = field(default_factory=dict)
    table_s: float = 0.0
    tallies_s: float = 0.0
    progress_ms: float = 0.0
    pages: dict[str, Any] = field(default_factory=dict)
    pages_load: float = 0.0
    late: int = 0
    bulk_s: float = 0.0
    worker_s: float = 0.0
    worker_months: int = 0
    not_reported: int = 0
    non_response_s: float = 0.0
    serial_s: float = 0.0
    serial_zone_ms: list[float] = field(default_factory=list)
    serial_load: float = 0.0
    rebuild_s: float = 0.0
    cells: int = 0
    old_zone_s: float = 0.0
    new_zone_s: float = 0.0
    old_months: int = 0
    job_s: float = 0.0
    job_load: float = 0.0
    job_rebuild_s: float = 0.0
    estimated: int = 0

    def report(self) -> str:
        cores = os.cpu_count()
        s = self.state
        lines = [
            f"month end: {self.zones} zones, {self.enterprises:,} firms, {self.months} months "
            f"(real months: entries, exits, missing and late returns) on {self.database}; "
            f"the month {self.month}",
            f"  the month before the end: {s.get('expected', 0):,} firms must report, "
            f"{s.get('accepted', 0):,} accepted, {s.get('awaiting_review', 0):,} awaiting review "
            f"(late), {s.get('not_started', 0):,} not reported; {s.get('exited', 0):,} roster "
            f"exits and {s.get('entered', 0):,} monthly entries in the year; "
            f"{s.get('losses', 0):,} returns of the month with a loss",
            f"  the table of the year built once (rollup_rebuild)   {self.table_s:8.1f} s",
            f"  month_progress of the province (in process)         {self.progress_ms:8.1f} ms",
            f"  the past months' tallies counted once (as their publications store them) "
            f"{self.tallies_s:.1f} s",
        ]
        if self.pages:
            lines.append(
                f"  (p) pages against `kfq serve` (locust, {self.pages['users']} users, "
                f"logged in; load average {self.pages_load:.1f} on {cores} cores):"
            )
            for name, entry in self.pages["pages"].items():
                met = (
                    "met"
                    if entry["p95_ms"] < TARGET_PAGE_MS and not entry["failures"]
                    else ("NOT met")
                )
                lines.append(
                    f"      {name:34} {entry['requests']:4} requests  p50 {entry['p50_ms']:5.0f}  "
                    f"p95 {entry['p95_ms']:5.0f}  max {entry['max_ms']:6.0f} ms  failures "
                    f"{entry['failures']}  {met} (p95 < {TARGET_PAGE_MS:.0f} ms)"
                )
        zone_ms = sorted(self.serial_zone_ms) or [0.0]
        lines += [
            f"  (a) {self.late:,} late returns accepted in bulk by each zone's statistician "
            f"{self.bulk_s:8.2f} s; the worker's roll-up {self.worker_s:.2f} s "
            f"({self.worker_months} month written)",
            f"  (b) {self.not_reported:,} firms recorded 未报 one by one {self.non_response_s:8.2f} s",
            f"  (c) month end zone after zone (close + publish)      {self.serial_s:8.2f} s  "
            f"per zone p50 {statistics.median(zone_ms):.0f} ms, max {max(zone_ms):.0f} ms; "
            f"{self.estimated:,} firms estimated; load average {self.serial_load:.1f}; "
            + ("met" if self.serial_s < TARGET_CLOSE_S else "NOT met")
            + f" (< {TARGET_CLOSE_S:.0f} s)",
            f"  (d) reference rollup_rebuild of the month            {self.rebuild_s:8.2f} s  "
            f"({self.cells:,} cells, every one and its disclosure equal to the month end's)",
            f"  (e) one zone's roll-up: every month of the year      {self.old_zone_s:8.2f} s "
            f"({self.old_months} months)  the changed month on {self.new_zone_s:.2f} s; "
            f"old/new = {self.old_zone_s / max(self.new_zone_s, 1e-9):.1f}; "
            f"rebuild/new = {self.rebuild_s / max(self.new_zone_s, 1e-9):.1f}",
            f"  (f) every zone closed, then every one published     {self.job_s:8.2f} s  "
            f"(kfq month close-all --no-publish, then close-all, by each statistician); "
            f"load average {self.job_load:.1f}; reference rebuild {self.job_rebuild_s:.2f} s, "
            f"equal; serial/job = {self.serial_s / max(self.job_s, 1e-9):.1f}; "
            + ("met" if self.job_s < TARGET_CLOSE_S else "NOT met")
            + f" (< {TARGET_CLOSE_S:.0f} s)",
        ]
        return "\n".join(lines)


# --- the province and its accounts ---------------------------------------------------------------


def ensure_real_province(*, zones: int, enterprises: int, months: int, echo: Any) -> None:
    from kaifaqu.demo.province import generate_province

    summary = generate_province(
        zones=zones, enterprises=enterprises, months=months, progress=None, real_months=True
    )
    if (summary.zones, summary.enterprises) != (zones, enterprises):
        raise SystemExit(
            f"the database holds a synthetic province of {summary.zones} zones and "
            f"{summary.enterprises:,} firms, not {zones} and {enterprises:,}: delete its file "
            "under var/bench/ (or use another DATABASE_URL) and run again"
        )
    echo(f"  {summary.enterprises:,} firms, {summary.returns:,} returns")


def _user(username: str, role: str, **scope: Any) -> Any:
    from django.test.utils import override_settings

    from kaifaqu.accounts.models import User
    from kaifaqu.accounts.services import user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        # Used through a session made here, never with a password: a quick hash spares a
        # hundred accounts a second each of PBKDF2. Long and random all the same.
        password = os.urandom(18).hex()
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            user = user_create(username=username, password=password, role=role, **scope)
    return user


def _accounts(zone_ids: list[int]) -> tuple[dict[int, Any], Any]:
    """A statistician per zone, and the provincial office (which reads the zones' months)."""
    from kaifaqu.core.permissions import Role
    from kaifaqu.geo.models import Region, Zone

    zones = Zone.objects.in_bulk(zone_ids)
    statisticians = {
        zone_id: _user(f"{PREFIX}-stat-{zone_id}", Role.STATISTICIAN, scope_zone=zones[zone_id])
        for zone_id in zone_ids
    }
    province = _user(
        f"{PREFIX}-province",
        Role.PROVINCE_OFFICER,
        scope_region=Region.objects.get(code="140000"),
    )
    return statisticians, province


def _past_months(zone_ids: list[int], months: list[date], statisticians: dict[int, Any]) -> None:
    """The months before the last on record as closed and published by each zone's statistician
    (bulk, once)."""
    from django.utils import timezone

    from kaifaqu.indicators.models import Publication
    from kaifaqu.returns.models import ReportingMonth, ReportingMonthStatus

    now = timezone.now()
    ReportingMonth.objects.bulk_create(
        [
            ReportingMonth(
                zone_id=zone_id,
                period=period,
                deadline=period.replace(day=28),
                status=ReportingMonthStatus.CLOSED,
                closed_at=now,
            )
            for zone_id in zone_ids
            for period in months
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    Publication.objects.bulk_create(
        [
            Publication(
                zone_id=zone_id,
                period=period,
                published_at=now,
                published_by=statisticians[zone_id],
            )
            for zone_id in zone_ids
            for period in months
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


def _before_the_end(month: date) -> None:
    """The month as before the end: open in every zone, no 未报, no estimate, no publication, the
    late returns awaiting review again; what earlier runs wrote removed (in SQL: no audit entry
    of the benchmark's own clean-up). The audit entries of earlier runs stay: the trail is
    append-only (accounts/trail), for a benchmark as for everyone."""
    from django.db import connection, transaction

    from kaifaqu.accounts.models import User
    from kaifaqu.indicators.models import Publication
    from kaifaqu.returns.models import (
        ChangedMonth,
        NonResponse,
        Reminder,
        ReportingMonth,
        Return,
        ReturnStatus,
        ReviewDecision,
    )
    from kaifaqu.returns.services.ledger import ledger_update

    users = list(User.objects.filter(username__startswith=PREFIX).values_list("pk", flat=True))
    estimated = list(
        Return.objects.filter(period=month, is_estimate=True).values_list("pk", "enterprise_id")
    )
    estimates = [pk for pk, _enterprise_id in estimated]
    with transaction.atomic(), connection.cursor() as cursor:

        def delete(model: Any, column: str, ids: list[int]) -> None:
            table = connection.ops.quote_name(model._meta.db_table)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)

        delete(ReviewDecision, "return_record_id", estimates)
        delete(ReviewDecision, "by_id", users)
        Return.objects.filter(pk__in=estimates)._raw_delete(Return.objects.db)  # type: ignore[attr-defined]
        Publication.objects.filter(period=month)._raw_delete(Publication.objects.db)  # type: ignore[attr-defined]
        NonResponse.objects.filter(reporting_month__period=month).delete()
        Reminder.objects.filter(reporting_month__period=month).delete()
        ReportingMonth.objects.filter(period=month).delete()
        Return.objects.filter(period=month, submitted_at__isnull=False, is_estimate=False).update(
            status=ReturnStatus.SUBMITTED
        )
        ChangedMonth.objects.all().delete()
        # The estimates' figures out of the ledger too (it mirrors the returns).
        ledger_update((enterprise_id, month) for _pk, enterprise_id in estimated)


def _open_months(zone_ids: list[int], month: date) -> None:
    from kaifaqu.returns.services.month_guard import reporting_months_ensure

    reporting_months_ensure((zone_id, month) for zone_id in zone_ids)


def _state(zone_ids: list[int], month: date) -> tuple[dict[str, int], float]:
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.enterprises.models import RosterEntry
    from kaifaqu.returns.models import Return
    from kaifaqu.returns.selectors.months import month_progress

    started = time.perf_counter()
    progress = month_progress(zone_ids, Month.of(month))
    ms = (time.perf_counter() - started) * 1000
    total: dict[str, int] = {"expected": 0}
    for zone in progress.values():
        total["expected"] += zone.total.expected
        for state, count in zone.total.states.items():
            total[state] = total.get(state, 0) + count
    total["exited"] = RosterEntry.objects.filter(year=month.year, exited_on__isnull=False).count()
    total["entered"] = RosterEntry.objects.filter(year=month.year, entry_kind="monthly").count()
    total["losses"] = Return.objects.filter(period=month, total_profit__lt=0).count()
    return total, ms


# --- (p) the pages -------------------------------------------------------------------------------


def _session(user: Any) -> str:
    """A logged-in session of the user, as the login page makes it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from kaifaqu.accounts.identity.sessions import session_start

    # The platform's session engine (each row names its user), with the times its idle and
    # lifetime limits read, as a sign-in leaves them.
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session_start(store)
    store.create()
    return str(store.session_key)


def _pages(
    zone_ids: list[int],
    statisticians: dict[int, Any],
    province: Any,
    month: date,
    *,
    users: int,
    requests: int,
    workdir: Path,
    echo: Any,
) -> dict[str, Any]:
    from django.db import connection
    from django.urls import reverse

    from kaifaqu.returns.models import ReportingMonth

    records = dict(
        ReportingMonth.objects.filter(period=month, zone_id__in=zone_ids).values_list(
            "zone_id", "pk"
        )
    )
    plan_users = []
    # The largest zones' statisticians, and the provincial office (one user in four).
    chosen = zone_ids[: max(1, users - max(1, users // 4))]
    for zone_id in chosen:
        plan_users.append(
            {
                "cookie": _session(statisticians[zone_id]),
                "urls": [
                    [
                        "returns:month-detail (a zone's month)",
                        reverse("returns:month-detail", args=[records[zone_id]]),
                    ],
                    [
                        "returns:month-list (a zone's months)",
                        f"{reverse('returns:month-list')}?zone={zone_id}",
                    ],
                ],
            }
        )
    for _number in range(users - len(chosen)):
        plan_users.append(
            {
                "cookie": _session(province),
                "urls": [
                    [
                        "returns:month-zones (the province)",
                        f"{reverse('returns:month-zones')}?month={month:%Y-%m}",
                    ]
                ],
            }
        )
    port = _free_port()
    plan = workdir / "month-pages-plan.json"
    plan.write_text(
        json.dumps({"host": f"http://127.0.0.1:{port}", "users": plan_users, "requests": requests})
    )
    log = workdir / "month-pages-server.log"
    connection.close()
    echo(f"kfq serve on port {port} (log: {log}) …")
    server = _serve(port, log)
    try:
        echo(f"{users} users asking for the month's pages (locust) …")
        run = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("locust_pages.py")), str(plan)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    plan.unlink()  # it holds sessions
    if run.returncode != 0 or not run.stdout.strip():
        raise SystemExit(f"locust failed:\n{run.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return figures


# --- the month end -------------------------------------------------------------------------------


def _record_not_reported(zone_ids: list[int], statisticians: dict[int, Any], month: date) -> int:
    """Record every firm that has not reported as 未报: estimated where it has a month to be
    estimated from (this year, or the same month last year), else 停产 (counted as nothing)."""
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.returns.models import NonResponseReason, ReportingMonth, Return
    from kaifaqu.returns.selectors.month_firms import month_firms
    from kaifaqu.returns.selectors.months import FirmState
    from kaifaqu.returns.services.months import non_response_record

    last_year = Month.of(month).shift(-12).first_day
    recorded = 0
    for record in ReportingMonth.objects.filter(period=month, zone_id__in=zone_ids):
        silent = [
            line.enterprise.pk for line in month_firms(record, states=(FirmState.NOT_STARTED,))
        ]
        estimable = set(
            Return.objects.filter(enterprise_id__in=silent, status="accepted")
            .filter(period__gte=month.replace(month=1), period__lt=month)
            .values_list("enterprise_id", flat=True)
        ) | set(
            Return.objects.filter(
                enterprise_id__in=silent, status="accepted", period=last_year
            ).values_list("enterprise_id", flat=True)
        )
        for enterprise in Enterprise.objects.filter(pk__in=silent).order_by("pk"):
            reason = (
                NonResponseReason.UNREACHABLE
                if enterprise.pk in estimable
                else NonResponseReason.SUSPENDED
            )
            non_response_record(
                by=statisticians[record.zone_id],
                reporting_month=record,
                enterprise=enterprise,
                reason=reason,
            )
            recorded += 1
    return recorded


def _snapshot(month: Any) -> Any:
    import polars as pl

    from kaifaqu.core.frames import queryset_frame
    from kaifaqu.indicators.models import IndicatorCell
    from kaifaqu.indicators.services.month_table import CELL_COLUMNS

    return queryset_frame(
        IndicatorCell.objects.filter(month=month.first_day),
        {
            "slice_kind": ("slice_kind", pl.Utf8),
            "slice_key": ("slice_key", pl.Utf8),
            "indicator": ("indicator", pl.Utf8),
            "zone_id": ("zone_id", pl.Int64),
            **{name: (name, pl.Int64) for name in CELL_COLUMNS},
            "suppressed": ("suppressed", pl.Boolean),
        },
    ).sort("slice_kind", "slice_key", "indicator")


def _against_the_reference(month: Any) -> tuple[float, int]:
    """rollup_rebuild of the month (timed): it must find every stored cell and decision equal
    (it writes nothing then)."""
    from kaifaqu.indicators.services.rollups import rollup_rebuild

    before = _snapshot(month)
    seconds, written = timed(lambda: rollup_rebuild(months=[month]))
    after = _snapshot(month)
    if written or not before.equals(after):
        differing = before.join(after, on=["slice_kind", "slice_key", "indicator"], how="full")
        raise SystemExit(
            f"the month end's cells of {month} differ from a full rebuild's ({written} cells "
            f"rewritten; {before.height} stored, {after.height} rebuilt; "
            f"{differing.height} keys in all)"
        )
    return seconds, after.height


def run(
    *,
    enterprises: int = ENTERPRISES,
    months: int = MONTHS,
    zones: int | None = None,
    page_users: int = PAGE_USERS,
    page_requests: int = PAGE_REQUESTS,
    workdir: Path,
    echo: Any = print,
) -> Figures:
    from django.db import connection
    from django.db.models import Count

    from kaifaqu.core.lib.periods import Month
    from kaifaqu.demo.province import LAST_MONTH
    from kaifaqu.geo.models import Zone
    from kaifaqu.indicators.models import IndicatorCell
    from kaifaqu.indicators.services.publication import month_publish, months_close_and_publish
    from kaifaqu.indicators.services.rollups import (
        counted_months,
        rollup_marked,
        rollup_rebuild,
        rollup_zones,
    )
    from kaifaqu.returns.models import ReportingMonth, Return, ReturnStatus
    from kaifaqu.returns.selectors.tallies import tallied_progress
    from kaifaqu.returns.services import returns_bulk_accept
    from kaifaqu.returns.services.months import reporting_month_close

    zones = zones or min(100, max(1, enterprises // 2_000))
    echo(f"the synthetic province with real months ({zones} zones, {enterprises:,} firms) …")
    ensure_real_province(zones=zones, enterprises=enterprises, months=months, echo=echo)
    month = LAST_MONTH
    period = month.first_day
    # The largest zones first (the pages' statisticians are theirs).
    zone_ids = list(
        Zone.objects.annotate(n=Count("enterprises"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
    )
    statisticians, province = _accounts(zone_ids)
    first = month.shift(1 - months)
    _past_months(zone_ids, [first.shift(n).first_day for n in range(months - 1)], statisticians)

    def accept_late() -> int:
        """Each zone's statistician accepts its zone's clean late returns in bulk."""
        return sum(
            returns_bulk_accept(by=statisticians[zone_id], filters={"period": period}).accepted
            for zone_id in zone_ids
        )

    def close_then_publish() -> Any:
        """Every zone closed by its statistician, then every closed zone published."""
        closed = [
            months_close_and_publish(by=statisticians[zone_id], period=period, publish=False)
            for zone_id in zone_ids
        ]
        published = [
            months_close_and_publish(by=statisticians[zone_id], period=period)
            for zone_id in zone_ids
        ]
        refused = {key: value for done in closed for key, value in done.refused.items()}
        return refused, [zone for done in published for zone in done.published]

    figures = Figures(
        zones=zones,
        enterprises=enterprises,
        months=months,
        database=connection.vendor,
        month=str(month),
    )
    year_months = counted_months(month.year)
    if not IndicatorCell.objects.filter(month=month.shift(-1).first_day).exists():
        echo(f"the table of {month.year} (rollup_rebuild, once) …")
        figures.table_s, _cells = timed(lambda: rollup_rebuild(months=year_months))

    echo("the past months' tallies …")
    figures.tallies_s, _counts = timed(
        lambda: tallied_progress(
            (zone_id, first.shift(n).first_day) for zone_id in zone_ids for n in range(months - 1)
        )
    )
    echo("the month as before its end …")
    _before_the_end(period)
    _open_months(zone_ids, period)
    figures.state, figures.progress_ms = _state(zone_ids, period)

    if page_users:
        figures.pages = _pages(
            zone_ids,
            statisticians,
            province,
            period,
            users=page_users,
            requests=page_requests,
            workdir=workdir,
            echo=echo,
        )
        figures.pages_load = load()

    echo("(a) the late returns accepted in bulk, and the worker's roll-up …")
    figures.late = Return.objects.filter(period=period, status=ReturnStatus.SUBMITTED).count()
    figures.bulk_s, _accepted = timed(accept_late)
    figures.worker_s, figures.worker_months = timed(rollup_marked)

    echo("(b) the firms that did not report recorded 未报 …")
    figures.non_response_s, figures.not_reported = timed(
        lambda: _record_not_reported(zone_ids, statisticians, period)
    )

    echo("(c) the month end, zone after zone …")
    records = list(ReportingMonth.objects.filter(period=period).order_by("zone__name"))
    started = time.perf_counter()
    for record in records:
        zone_started = time.perf_counter()
        by = statisticians[record.zone_id]
        closed = reporting_month_close(by=by, reporting_month=record)
        month_publish(by=by, reporting_month=closed)
        figures.serial_zone_ms.append((time.perf_counter() - zone_started) * 1000)
    figures.serial_s = time.perf_counter() - started
    figures.serial_load = load()
    figures.estimated = Return.objects.filter(period=period, is_estimate=True).count()

    echo("(d) compared with rollup_rebuild of the month …")
    figures.rebuild_s, figures.cells = _against_the_reference(month)

    echo("(e) one zone's roll-up, every month of the year and the changed month on …")
    largest = zone_ids[0]
    figures.old_months = len(year_months)
    figures.old_zone_s, _none = timed(lambda: rollup_zones(zone_ids=[largest], years=[month.year]))
    figures.new_zone_s, _none = timed(
        lambda: rollup_zones(zone_ids=[largest], years={month.year: month.month})
    )

    echo("(f) the month end again, as one job (kfq month close-all) …")
    _before_the_end(period)
    _open_months(zone_ids, period)
    accept_late()
    rollup_marked()
    _record_not_reported(zone_ids, statisticians, period)
    figures.job_s, (refused, published) = timed(close_then_publish)
    figures.job_load = load()
    if refused or sorted(published) != sorted(zone_ids):
        raise SystemExit(f"close-all left zones open: {refused}")
    figures.job_rebuild_s, _cells = _against_the_reference(month)
    _ = Month  # (the month arithmetic above)
    return figures
