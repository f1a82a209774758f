"""Benchmark: the platform under load at province scale, with the production server (issue 15,
item 9 "Load and faults").

The province is `kfq demo --province --real-months` (`generate_province(real_months=True)`: 100
zones, 200,000 firms, MONTHS months up to 2024-12; the month-end benchmark's shape), with the
synthetic projects of `bench/project_latency.py` (100,000). The months before 2024-12 are on record
as closed and published; 2024-12 is the month being reported: some firms late (awaiting review),
some not reported at all. The table of 2024 is built once (rollup_rebuild).

The server is `kfq serve` as production runs it: the production settings (DEBUG off; a secret key
and an audit key of the benchmark's own, kept in its work folder so that sessions and the audit
trail's seals stay valid from one run to the next), gunicorn with WORKERS × THREADS, and the
background worker `kfq serve` starts beside it (the roll-ups the acceptances queue run during the
test). Requests carry `X-Forwarded-Proto: https`, as from the TLS proxy in front of it (production
redirects plain HTTP).

The personas (bench/locust_load.py, locust in a process of its own), SEATS in all (64):

- enterprise reporters (企业填报员), each seat going from firm to firm of those that have not
  reported 2024-12: its return page, the draft saved through the API, submitted, read back;
- statisticians (统计人员) of the largest zones: the zone's month page, the returns awaiting
  review (API), one of them accepted (with the office's note when it has warnings), the zone's
  indicators, the review queue;
- the provincial office (省开发区办): the zones' month side by side, the province's and cities'
  indicators, the indicator table API, a zone's page, a zone's enterprises (API), the projects;
- zones' leadership (管委会领导): the zone's page, its indicators (page and API), enterprises,
  projects (API).

In one run: (u) the unloaded p95 of that mix (one user, no think time, the personas' clicks in
the proportion of their seats) for UNLOADED_SECONDS; then (l) every seat at once with 1–3 s of
think time for SECONDS. Afterwards, from the database: every submission and acceptance the client
saw succeed is stored; no server error (no 5xx, no "database is locked", no traceback in the
server's log, no failed background task). Pass: no error, no lost submission, loaded p95 ≤ 2 ×
unloaded p95.

Before each run the benchmark's own writes of earlier runs are undone (in SQL, as the month-end
benchmark does: no audit entry of its clean-up; the audit entries of earlier runs stay, the trail
is append-only): the returns reporters saved through the API deleted, the late returns the
statisticians accepted awaiting review again.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.bulk_accept import _free_port
from bench.indicators import timed
from bench.month_close import _past_months, _session, _user, ensure_real_province

ENTERPRISES = 200_000
MONTHS = 24
PROJECTS = 100_000
SECONDS = 300
UNLOADED_SECONDS = 60
# Not measured: each gunicorn worker renders its first pages, the database warms its caches.
WARMUP_SECONDS = 15
# 2 cores: `kfq serve`'s default (cores + 1 processes), 1 thread each (a second thread only
# queues for the GIL). See docs/benchmarks.md for the settings compared (5 × 2, 5 × 1, 3 × 1).
WORKERS = 3
THREADS = 1
MIX = {"reporter": 24, "statistician": 12, "province": 8, "leader": 20}
TARGET_RATIO = 2.0
PREFIX = "bench-load"
HEADERS = {"X-Forwarded-Proto": "https"}
KEYS = "load-keys.json"


def scaled_mix(users: int) -> dict[str, int]:
    """MIX scaled to `users` seats (each persona at least one)."""
    total = sum(MIX.values())
    mix = {kind: max(1, round(count * users / total)) for kind, count in MIX.items()}
    mix["leader"] += users - sum(mix.values())
    return mix


def server_keys(workdir: Path) -> dict[str, str]:
    """The secret and audit keys of the benchmark's server, made once and kept (0600)."""
    path = workdir / KEYS
    if not path.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        keys = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "KFQ_AUDIT_KEY": secrets.token_urlsafe(40),
        }
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    keys_read: dict[str, str] = json.loads(path.read_text())
    return keys_read


@dataclass
class Figures:
    database: str
    zones: int
    enterprises: int
    months: int
    month: str
    workers: int
    threads: int
    mix: dict[str, int]
    seconds: int
    warmup: dict[str, Any] = field(default_factory=dict)
    unloaded: dict[str, Any] = field(default_factory=dict)
    loaded: dict[str, Any] = field(default_factory=dict)
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    submitted_seen: int = 0
    submitted_stored: int = 0
    submitted_in_month: int = 0
    accepted_seen: int = 0
    accepted_stored: int = 0
    locked_in_log: int = 0
    tracebacks_in_log: int = 0
    status_5xx_in_log: int = 0
    failed_tasks: int = 0
    # Per background task (its path's last part): how many ran during the loaded run, and their
    # seconds (sum, longest): whether the slowest requests came with the worker's work.
    background: dict[str, list[float]] = field(default_factory=dict)
    log: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "ratio": self.ratio,
            "errors": self.errors,
            "lost": self.lost,
            "met": self.met,
        }

    @property
    def ratio(self) -> float:
        return float(self.loaded["p95_ms"]) / max(float(self.unloaded["p95_ms"]), 1e-9)

    @property
    def errors(self) -> int:
        return (
            int(self.warmup.get("failures", 0))
            + int(self.unloaded.get("failures", 0))
            + int(self.loaded.get("failures", 0))
            + self.locked_in_log
            + self.tracebacks_in_log
            + self.status_5xx_in_log
            + self.failed_tasks
        )

    @property
    def lost(self) -> int:
        return (self.submitted_seen - self.submitted_stored) + (
            self.accepted_seen - self.accepted_stored
        )

    @property
    def met(self) -> bool:
        return self.errors == 0 and self.lost == 0 and self.ratio <= TARGET_RATIO

    @staticmethod
    def _spread(run: dict[str, Any]) -> list[str]:
        """Whether the loaded run's slowest 5 % came together (the server's own bursts of work)
        or spread over the run (requests queueing for the CPU alike)."""
        slow = [at for at, ms in run.get("timeline", []) if ms > run["p95_ms"]]
        if not slow:
            return []
        by_second = Counter(int(at) for at in slow)
        worst = sorted(by_second.values(), reverse=True)
        half, seconds = 0, 0
        while half * 2 < len(slow):
            half += worst[seconds]
            seconds += 1
        return [
            f"  the slowest 5 % ({len(slow)} requests over {run['p95_ms']:.0f} ms) ended in "
            f"{len(by_second)} of the run's {run['seconds']:.0f} seconds; half of them in "
            f"{seconds} seconds"
        ]

    def report(self) -> str:
        u, lo = self.unloaded, self.loaded
        seats = ", ".join(f"{count} {kind}" for kind, count in self.mix.items())
        lines = [
            f"load: {self.zones} zones, {self.enterprises:,} firms, {self.months} months on "
            f"{self.database}; reporting month {self.month}; `kfq serve` (production settings) "
            f"with {self.workers} workers × {self.threads} threads and its background worker; "
            f"{os.cpu_count()} cores, load average at the end {self.load_average[0]:.1f}",
            f"  (u) unloaded: 1 user, no think time, {u['seconds']:.0f} s: {u['requests']} "
            f"requests ({u['rps']:.1f}/s), p50 {u['p50_ms']:.0f} ms, p95 {u['p95_ms']:.0f} ms, "
            f"max {u['max_ms']:.0f} ms, failures {u['failures']}",
            f"  (l) loaded: {lo['users']} users ({seats}), 1–3 s think time, "
            f"{lo['seconds']:.0f} s: {lo['requests']} requests ({lo['rps']:.1f}/s), "
            f"p50 {lo['p50_ms']:.0f} ms, p95 {lo['p95_ms']:.0f} ms, p99 {lo['p99_ms']:.0f} ms, "
            f"max {lo['max_ms']:.0f} ms, failures {lo['failures']}",
            f"  loaded p95 / unloaded p95 = {self.ratio:.2f} (target ≤ {TARGET_RATIO:.0f})",
            f"  submissions the client saw succeed {self.submitted_seen}, stored "
            f"{self.submitted_stored} (the month holds {self.submitted_in_month} submitted "
            f"through the API); acceptances seen {self.accepted_seen}, stored "
            f"{self.accepted_stored}",
            f"  server's log: {self.status_5xx_in_log} responses 5xx, {self.locked_in_log} "
            f"'database is locked', {self.tracebacks_in_log} tracebacks; background tasks "
            f"failed {self.failed_tasks}",
            *[
                f"  CPU seconds ({run['mode']}, {run['wall_s']:.0f} s, load average "
                f"{run['load_average'][0]:.1f} → {run['load_average'][1]:.1f}): "
                + ", ".join(f"{name} {value:.0f}" for name, value in run["cpu_s"].items())
                + f"; {sum(run['cpu_s'].values()) / max(run['wall_s'], 1e-9):.2f} cores of "
                f"{os.cpu_count()} counted by parts, the machine "
                f"{run.get('machine_busy', 0.0) * 100:.0f} % busy"
                for run in (u, lo)
            ],
            *self._spread(lo),
            "  background tasks run while loaded (count, seconds in all, longest): "
            + "; ".join(
                f"{name} {int(count)}, {total:.1f} s, {longest:.1f} s"
                for name, (count, total, longest) in sorted(self.background.items())
            ),
            "  per request (unloaded p50/p95 → loaded p50/p95, ms; requests loaded):",
        ]
        for name, entry in lo["by_name"].items():
            before = u["by_name"].get(name, {"p50_ms": 0.0, "p95_ms": 0.0})
            lines.append(
                f"    {name:46} {before['p50_ms']:6.0f} {before['p95_ms']:6.0f} → "
                f"{entry['p50_ms']:6.0f} {entry['p95_ms']:6.0f}   {entry['requests']:5}"
                + (f"  failures {entry['failures']}" if entry["failures"] else "")
            )
        for run in (self.warmup, u, lo):
            lines += [
                f"  error ({run['mode']}): {e['occurrences']} × {e['name']}: {e['error'][:300]}"
                for e in run["errors"]
            ]
        lines.append(
            "  "
            + (
                "met"
                if self.met
                else f"NOT met ({self.errors} errors, {self.lost} lost, ratio {self.ratio:.2f})"
            )
            + f" (no error, no lost submission, loaded p95 ≤ {TARGET_RATIO:.0f} × unloaded p95)"
        )
        return "\n".join(lines)


# --- the province as the month end finds it ------------------------------------------------------


def _reset(month: date) -> None:
    """Undo the benchmark's writes of earlier runs (in SQL: no audit entry of the clean-up)."""
    from django.db import connection, transaction

    from kaifaqu.accounts.models import User
    from kaifaqu.returns.models import (
        ChangedMonth,
        Return,
        ReturnSource,
        ReturnStatus,
        ReviewDecision,
        ReviewFinding,
    )
    from kaifaqu.returns.services.ledger import ledger_update

    users = list(User.objects.filter(username__startswith=PREFIX).values_list("pk", flat=True))
    saved = list(
        Return.objects.filter(period=month, source=ReturnSource.API).values_list(
            "pk", "enterprise_id"
        )
    )
    accepted = list(
        ReviewDecision.objects.filter(by_id__in=users, return_record__period=month).values_list(
            "return_record_id", flat=True
        )
    )
    with transaction.atomic(), connection.cursor() as cursor:

        def delete(model: Any, column: str, ids: list[int]) -> None:
            table = connection.ops.quote_name(model._meta.db_table)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)

        ids = [pk for pk, _enterprise in saved]
        delete(ReviewDecision, "by_id", users)
        delete(ReviewDecision, "return_record_id", ids)
        delete(ReviewFinding, "return_record_id", ids)
        delete(Return, "id", ids)
        Return.objects.filter(pk__in=accepted).update(status=ReturnStatus.SUBMITTED)
        ChangedMonth.objects.all().delete()
        ledger_update((enterprise_id, month) for _pk, enterprise_id in saved)


def _not_reported(zone_ids: list[int], month: date, previous: date) -> list[tuple[int, int]]:
    """(firm, zone) of the firms that must report the month and have not, with a return of the
    month before (their figures are drawn from it)."""
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.returns.models import Return
    from kaifaqu.returns.selectors.months import expected_entries

    expected = dict(
        expected_entries(zone_ids, Month.of(month)).values_list(
            "enterprise_id", "enterprise__zone_id"
        )
    )
    reported = set(
        Return.objects.filter(period=month, enterprise_id__in=list(expected)).values_list(
            "enterprise_id", flat=True
        )
    )
    before = set(
        Return.objects.filter(
            period=previous, enterprise_id__in=[e for e in expected if e not in reported]
        ).values_list("enterprise_id", flat=True)
    )
    return sorted((e, z) for e, z in expected.items() if e not in reported and e in before)


def _unreport(zone_ids: list[int], month: date, previous: date, wanted: int) -> int:
    """Too few firms left to report (a small province): take the month's return back from some
    firms that had reported (in SQL, the ledger following), so that the reporters have firms to
    report for; give how many."""
    from django.db import connection, transaction

    from kaifaqu.core.lib.periods import Month
    from kaifaqu.returns.models import Return, ReviewDecision, ReviewFinding
    from kaifaqu.returns.selectors.months import expected_entries
    from kaifaqu.returns.services.ledger import ledger_update

    expected = expected_entries(zone_ids, Month.of(month)).values_list("enterprise_id", flat=True)
    rows = list(
        Return.objects.filter(
            period=month,
            enterprise_id__in=expected,
            is_estimate=False,
            enterprise__returns__period=previous,
        )
        .order_by("pk")
        .values_list("pk", "enterprise_id")[:wanted]
    )
    ids = [pk for pk, _enterprise in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        for model, column in (
            (ReviewDecision, "return_record_id"),
            (ReviewFinding, "return_record_id"),
            (Return, "id"),
        ):
            table = connection.ops.quote_name(model._meta.db_table)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)
        ledger_update((enterprise_id, month) for _pk, enterprise_id in rows)
    return len(rows)


def _figures(previous: Any) -> dict[str, str]:
    """A month's figures near the month before's (December a little higher): no hard rule
    broken, few warnings."""
    from kaifaqu.returns.models import MONTHLY_FIELDS

    values: dict[str, str] = {}
    for name in MONTHLY_FIELDS:
        value = getattr(previous, name)
        if value is None:
            continue
        if name == "employees":
            values[name] = str(value)
        else:
            values[name] = str((Decimal(value) * Decimal("1.08")).quantize(Decimal("0.0001")))
    return values


_TOKENS: dict[int, str] = {}


def _token(user: Any) -> str:
    """One token per user for the run (seats of one user share it: a second issue for the same
    purpose would revoke the first)."""
    from kaifaqu.accounts.tokens.services import api_token_issue

    if user.pk not in _TOKENS:
        _TOKENS[user.pk] = api_token_issue(user=user, purpose="load benchmark", replace=True).secret
    return _TOKENS[user.pk]


def _reporters(firms: list[tuple[int, int]], month: date, previous: date) -> list[dict[str, Any]]:
    """An enterprise reporter per firm (made once), with a session, a token and its figures."""
    from django.db import transaction

    from kaifaqu.core.permissions import Role
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.returns.models import Return

    enterprises = Enterprise.objects.in_bulk([e for e, _z in firms])
    before = {
        r.enterprise_id: r
        for r in Return.objects.filter(period=previous, enterprise_id__in=list(enterprises))
    }
    pool = []
    with transaction.atomic():
        for enterprise_id, _zone in firms:
            user = _user(
                f"{PREFIX}-rep-{enterprise_id}",
                Role.ENTERPRISE_REPORTER,
                scope_enterprise=enterprises[enterprise_id],
            )
            pool.append(
                {
                    "enterprise": enterprise_id,
                    "cookie": _session(user),
                    "token": _token(user),
                    "values": _figures(before[enterprise_id]),
                }
            )
    return pool


def _zone_slice(zone_id: int, period: date) -> str:
    from kaifaqu.indicators.models import IndicatorCell, SliceKind

    key = (
        IndicatorCell.objects.filter(month=period, slice_kind=SliceKind.ZONE, zone_id=zone_id)
        .values_list("slice_key", flat=True)
        .first()
    )
    return f"{SliceKind.ZONE.value}:{key or zone_id}"


def _plan(
    *,
    zone_ids: list[int],
    month: date,
    published: list[date],
    mix: dict[str, int],
    seconds: int,
    unloaded_seconds: int,
    warmup_seconds: int,
    port: int,
    echo: Any,
) -> dict[str, Any]:
    from urllib.parse import urlencode

    from django.urls import reverse

    from kaifaqu.core.permissions import Role
    from kaifaqu.geo.models import Region, Zone
    from kaifaqu.indicators.models import IndicatorCell, SliceKind
    from kaifaqu.returns.models import ReportingMonth

    previous = published[-1]
    zones = Zone.objects.in_bulk(zone_ids)
    # Reporter clicks: a quarter of a reporter's clicks submit; each seat clicks every 2 s and a
    # bit; half as much again in reserve, and what the unloaded pass takes.
    needed_loaded = int(1.5 * mix["reporter"] * seconds / 2.2 / 4) + 10
    needed_unloaded = int(unloaded_seconds * 40 * mix["reporter"] / sum(mix.values()) / 4) + 10
    needed_warmup = int(warmup_seconds * 40 * mix["reporter"] / sum(mix.values()) / 4) + 10
    firms = _not_reported(zone_ids, month, previous)
    needed = needed_loaded + needed_unloaded + needed_warmup
    if len(firms) < needed:
        taken = _unreport(zone_ids, month, previous, needed - len(firms))
        echo(f"  {len(firms)} firms had not reported; {taken} more taken back for the reporters")
        firms = _not_reported(zone_ids, month, previous)
    # Firms from every zone, in turn.
    firms.sort(key=lambda pair: (pair[0] * 2_654_435_761) % 4_294_967_296)
    echo(f"reporters for {len(firms):,} firms that have not reported {month:%Y-%m} …")
    pool = _reporters(firms[:needed], month, previous)

    records = dict(
        ReportingMonth.objects.filter(period=month, zone_id__in=zone_ids).values_list(
            "zone_id", "pk"
        )
    )
    # The statisticians of the largest zones; more seats than zones share a zone, each seat its
    # share of the zone's returns (two never accept the same one).
    statisticians = []
    seats = mix["statistician"]
    chosen = zone_ids[: min(seats, len(zone_ids))]
    for number in range(seats):
        zone_id = chosen[number % len(chosen)]
        sharing = len(range(number % len(chosen), seats, len(chosen)))
        user = _user(f"{PREFIX}-stat-{zone_id}", Role.STATISTICIAN, scope_zone=zones[zone_id])
        statisticians.append(
            {
                "zone": zone_id,
                "share": [number // len(chosen), sharing],
                "cookie": _session(user),
                "token": _token(user),
                "month_url": reverse("returns:month-detail", args=[records[zone_id]]),
                "indicator_url": "/statistics/indicators/?"
                + urlencode(
                    {"month": f"{previous:%Y-%m}", "slice": _zone_slice(zone_id, previous)}
                ),
                "queue_url": reverse("returns:review-queue"),
            }
        )
    region = Region.objects.get(code="140000")
    province = []
    for number in range(mix["province"]):
        user = _user(f"{PREFIX}-prov-{number}", Role.PROVINCE_OFFICER, scope_region=region)
        province.append({"cookie": _session(user), "token": _token(user)})
    leaders = []
    step = max(1, len(zone_ids) // max(1, mix["leader"]))
    for number in range(mix["leader"]):
        zone_id = zone_ids[(number * step) % len(zone_ids)]
        user = _user(f"{PREFIX}-lead-{zone_id}", Role.ZONE_LEADER, scope_zone=zones[zone_id])
        kind, key = _zone_slice(zone_id, previous).split(":", 1)
        leaders.append(
            {
                "zone": zone_id,
                "cookie": _session(user),
                "token": _token(user),
                "indicator_url": "/statistics/indicators/?"
                + urlencode({"month": f"{previous:%Y-%m}", "slice": f"{kind}:{key}"}),
                "table_url": "/api/indicator-table/?"
                + urlencode({"month": f"{previous:%Y-%m}", "slice_kind": kind, "slice_key": key}),
            }
        )
    # The provincial office's slices: the province and its cities, the published months of
    # the year; the table API of any zone.
    geography = sorted(
        set(
            IndicatorCell.objects.filter(
                month=previous, slice_kind__in=[SliceKind.PROVINCE, SliceKind.CITY]
            ).values_list("slice_kind", "slice_key")
        )
    )
    zone_keys = sorted(
        set(
            IndicatorCell.objects.filter(month=previous, slice_kind=SliceKind.ZONE).values_list(
                "slice_key", flat=True
            )
        )
    )
    months_shown = [p for p in published if p.year == previous.year and p.month >= 2]
    province_indicators = [
        "/statistics/indicators/?" + urlencode({"month": f"{p:%Y-%m}", "slice": f"{k}:{key}"})
        for p in months_shown[-3:]
        for k, key in geography
    ]
    province_table = [
        "/api/indicator-table/?"
        + urlencode({"month": f"{previous:%Y-%m}", "slice_kind": "zone", "slice_key": key})
        for key in zone_keys
    ]
    # The firms the unloaded pass takes, then the loaded run's (disjoint: each firm once).
    return {
        "host": f"http://127.0.0.1:{port}",
        "headers": HEADERS,
        "month": f"{month:%Y-%m}",
        "mix": mix,
        "seconds": seconds,
        "unloaded_seconds": unloaded_seconds,
        "warmup_seconds": warmup_seconds,
        "zones": zone_ids,
        "urls": {
            "my_return": reverse("returns:my-return"),
            "month_zones": reverse("returns:month-zones") + f"?month={month:%Y-%m}",
            "province_indicators": province_indicators,
            "province_table": province_table,
            "enterprises": reverse("enterprises:enterprise-list"),
            "projects": reverse("projects:project-list"),
        },
        "personas": {
            "reporter": [{}],
            "statistician": statisticians,
            "province": province,
            "leader": leaders,
        },
        "pools": {
            "warmup": pool[:needed_warmup],
            "unloaded": pool[needed_warmup : needed_warmup + needed_unloaded],
            "loaded": pool[needed_warmup + needed_unloaded :],
        },
    }


TRAIL = 300_000
TRAIL_DETAIL = "bench-load: the trail of a year"


def ensure_trail(rows: int, echo: Any) -> None:
    """The access log of a province's year (`figures_read` events), once, then sealed: each
    audited request seals after its commit, as production does on a trail of that size."""
    from django.db import connection

    from kaifaqu.accounts.models import AccessEvent
    from kaifaqu.accounts.trail import seal_pending

    have = AccessEvent.objects.filter(detail=TRAIL_DETAIL).count()
    if have < rows:
        echo(f"an audit trail of a year: {rows - have:,} access events …")
        for start in range(have, rows, 10_000):
            AccessEvent.objects.bulk_create(
                [
                    AccessEvent(
                        kind="figures_read",
                        username=f"{PREFIX}-trail",
                        path="/api/returns/",
                        detail=TRAIL_DETAIL,
                    )
                    for _number in range(start, min(rows, start + 10_000))
                ]
            )
    seconds, sealed = timed(seal_pending)
    if sealed:
        echo(f"  {sealed:,} rows sealed in {seconds:.0f} s")
        # As after any bulk load: the planner's statistics of the grown tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- the server ----------------------------------------------------------------------------------


def serve(
    port: int, log: Path, *, workers: int, threads: int, keys: dict[str, str]
) -> subprocess.Popen[bytes]:
    """`kfq serve` under the production settings, on this database."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "PORT"}
    }
    env |= keys
    # The sessions are made as a sign-in leaves them (bench/month_close.py _session); the second
    # factor, which only the sign-in asks, is not what this measures.
    env |= {"DJANGO_SETTINGS_MODULE": "kaifaqu.config.settings.production", "KFQ_MFA_ENABLED": "0"}
    # The data key of whoever wrote the province (its contacts' phones are encrypted with it).
    from django.conf import settings

    env.setdefault("KFQ_DATA_KEY", settings.KFQ_DATA_KEY)
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kaifaqu.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 90
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/", headers=HEADERS)
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"`kfq serve` stopped (status {server.returncode}): see {log}")
        try:
            urllib.request.urlopen(request, timeout=2)
            return server
        except urllib.error.HTTPError:
            return server  # it answers (401/403 without a token)
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"`kfq serve` did not answer on port {port}: see {log}")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _locust(plan: Path, mode: str, server: int, database: str) -> dict[str, Any]:
    """Run locust in MODE; its figures, with the CPU seconds each part used meanwhile."""
    client = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("locust_load.py")), str(plan), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    before = _processes(server, database)
    busy_before = _machine_busy()
    wall = time.perf_counter()
    load_before = os.getloadavg()[0]
    # The client's own CPU is read just before it ends (its figures come last).
    out, err = client.communicate()
    after = _processes(server, database)
    busy_after = _machine_busy()
    if client.returncode != 0 or not out.strip():
        raise SystemExit(f"locust ({mode}) failed:\n{err[-3000:]}")
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    figures["cpu_s"] = cpu_seconds(before, after)
    figures["cpu_s"]["load client (locust)"] = figures.get("client_cpu_s", 0.0)
    figures["wall_s"] = time.perf_counter() - wall
    figures["load_average"] = [load_before, os.getloadavg()[0]]
    busy, total = (
        after_ - before_ for after_, before_ in zip(busy_after, busy_before, strict=True)
    )
    figures["machine_busy"] = busy / total if total else 0.0
    return figures


def _machine_busy() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine so far (/proc/stat). The parts' own CPU
    seconds miss the PostgreSQL backends whose connections closed between two samples and the
    kernel's work for them all; the machine's busy share does not (the loaded runs of session
    10 counted 1.1 cores by parts while vmstat showed the 2 cores 97–99 % busy)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


_STATUS = re.compile(r'" (5\d\d) ')
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes(server: int, database: str) -> dict[int, tuple[str, float]]:
    """pid → (part, CPU seconds so far) of the server's gunicorn workers, its background worker
    and the PostgreSQL backends serving `database` (Linux /proc)."""
    found: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        command, rest = stat.rsplit(")", 1)
        fields = rest.split()
        parent, seconds = int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS
        pid = int(entry.name)
        if parent == server or pid == server:
            # `kfq serve` starts `kfq worker --no-reload`; gunicorn's workers are forks of the
            # server (its command line).
            found[pid] = ("background worker" if b"--no-reload" in cmdline else "web", seconds)
        elif command.endswith("(postgres") and database and f" {database} ".encode() in cmdline:
            found[pid] = ("PostgreSQL", seconds)
    return found


def cpu_seconds(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds each part used between two samples (a process that ended meanwhile is not
    counted: PostgreSQL backends of closed connections)."""
    used: dict[str, float] = {"web": 0.0, "background worker": 0.0, "PostgreSQL": 0.0}
    for pid, (part, seconds) in after.items():
        used[part] += seconds - before.get(pid, (part, 0.0))[1]
    return used


def _server_log(text: str) -> tuple[int, int, int]:
    """5xx responses in the access log, 'database is locked', tracebacks."""
    return (
        len(_STATUS.findall(text)),
        text.count("database is locked"),
        text.count("Traceback (most recent call last)"),
    )


# --- the run -------------------------------------------------------------------------------------


def run(
    *,
    enterprises: int = ENTERPRISES,
    months: int = MONTHS,
    zones: int | None = None,
    projects: int | None = None,
    trail: int | None = None,
    port: int = 0,
    seconds: int = SECONDS,
    unloaded_seconds: int = UNLOADED_SECONDS,
    warmup_seconds: int = WARMUP_SECONDS,
    workers: int = WORKERS,
    threads: int = THREADS,
    mix: dict[str, int] | None = None,
    workdir: Path,
    echo: Any = print,
    plan_only: bool = False,
) -> Figures | None:
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from kaifaqu.demo.province import LAST_MONTH
    from kaifaqu.demo.province_projects import generate_projects
    from kaifaqu.geo.models import Zone
    from kaifaqu.indicators.models import IndicatorCell
    from kaifaqu.indicators.services.rollups import counted_months, rollup_rebuild
    from kaifaqu.returns.models import Return, ReturnSource, ReturnStatus, ReviewDecision
    from kaifaqu.returns.services.month_guard import reporting_months_ensure

    mix = dict(mix or MIX)
    keys = server_keys(workdir)
    zones = zones or min(100, max(1, enterprises // 2_000))
    echo(f"the synthetic province with real months ({zones} zones, {enterprises:,} firms) …")
    ensure_real_province(zones=zones, enterprises=enterprises, months=months, echo=echo)
    # 100,000 at full scale (bench/project_latency.py): one for two firms.
    projects = PROJECTS * enterprises // ENTERPRISES if projects is None else projects
    if projects:
        seconds_p, _count = timed(lambda: generate_projects(count=projects))
        if seconds_p > 1:
            echo(f"  {projects:,} synthetic projects in {seconds_p:.0f} s")
    month = LAST_MONTH
    period = month.first_day
    zone_ids = list(
        Zone.objects.annotate(n=Count("enterprises"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
    )
    past = [month.shift(-n).first_day for n in range(months - 1, 0, -1)]
    # Closed and published by each zone's own statistician (三员分立: the system administrator
    # runs no month).
    zone_by_id = {zone.pk: zone for zone in Zone.objects.filter(pk__in=zone_ids)}
    statisticians = {
        zone_id: _user(f"{PREFIX}-stat-{zone_id}", "statistician", scope_zone=zone_by_id[zone_id])
        for zone_id in zone_ids
    }
    _past_months(zone_ids, past, statisticians)
    if not IndicatorCell.objects.filter(month=month.shift(-1).first_day).exists():
        echo(f"the table of {month.year} (rollup_rebuild, once) …")
        table_s, _cells = timed(lambda: rollup_rebuild(months=counted_months(month.year)))
        echo(f"  {table_s:.0f} s")
    ensure_trail(TRAIL * enterprises // ENTERPRISES if trail is None else trail, echo)
    echo("the month as its end finds it (earlier runs' writes undone) …")
    _reset(period)
    reporting_months_ensure((zone_id, period) for zone_id in zone_ids)
    port = port or _free_port()
    plan_data = _plan(
        zone_ids=zone_ids,
        month=period,
        published=past,
        mix=mix,
        seconds=seconds,
        unloaded_seconds=unloaded_seconds,
        warmup_seconds=warmup_seconds,
        port=port,
        echo=echo,
    )
    # The planner's statistics with the accounts just made (SQLite keeps what the last ANALYZE
    # saw: the province generator's, with one account, made it scan the accounts for each of the
    # 100,000 projects of the provincial office's list: 9 s; docs/operations.md).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = workdir / "load-plan.json"
    plan.write_text(json.dumps(plan_data))
    plan.chmod(0o600)  # sessions and tokens
    if plan_only:
        # To time the mix's requests in process (a profiler beside the server would measure
        # the server's neighbours too): the personas, their sessions and tokens, no server.
        echo(f"the plan, with the personas' sessions and tokens: {plan}")
        return None
    log = workdir / f"load-server-{connection.vendor}.log"
    figures = Figures(
        database=connection.vendor,
        zones=zones,
        enterprises=enterprises,
        months=months,
        month=str(month),
        workers=workers,
        threads=threads,
        mix=mix,
        seconds=seconds,
        log=str(log),
    )
    started = timezone.now()
    dbname = str(connection.settings_dict["NAME"]) if connection.vendor == "postgresql" else ""
    connection.close()  # SQLite: nothing of this process holds the file while the server writes
    echo(f"kfq serve on port {port}, {workers} workers × {threads} threads (log: {log}) …")
    server = serve(port, log, workers=workers, threads=threads, keys=keys)
    try:
        echo(f"warm-up: one user, {warmup_seconds} s (not measured) …")
        figures.warmup = _locust(plan, "warmup", server.pid, dbname)
        echo(f"(u) unloaded: one user, no think time, {unloaded_seconds} s …")
        figures.unloaded = _locust(plan, "unloaded", server.pid, dbname)
        echo(f"(l) loaded: {sum(mix.values())} users, 1–3 s think time, {seconds} s …")
        loaded_from = timezone.now()
        figures.loaded = _locust(plan, "loaded", server.pid, dbname)
        loaded_until = timezone.now()
        figures.load_average = os.getloadavg()
    finally:
        stop(server)
        plan.unlink()
    text = log.read_text(errors="replace")
    figures.status_5xx_in_log, figures.locked_in_log, figures.tracebacks_in_log = _server_log(text)
    runs = (figures.warmup, figures.unloaded, figures.loaded)
    submitted = [pk for r in runs for pk in r["submitted"]]
    accepted = [pk for r in runs for pk in r["accepted"]]
    figures.submitted_seen = len(submitted)
    figures.submitted_stored = Return.objects.filter(
        pk__in=submitted,
        source=ReturnSource.API,
        submitted_at__isnull=False,
        status__in=[ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED],
    ).count()
    figures.submitted_in_month = Return.objects.filter(
        period=period, source=ReturnSource.API, submitted_at__isnull=False
    ).count()
    figures.accepted_seen = len(accepted)
    figures.accepted_stored = (
        Return.objects.filter(pk__in=accepted, status=ReturnStatus.ACCEPTED)
        .filter(pk__in=ReviewDecision.objects.filter(kind="accepted").values("return_record"))
        .count()
    )
    for path, began, ended in DBTaskResult.objects.filter(
        started_at__gte=loaded_from, started_at__lt=loaded_until, finished_at__isnull=False
    ).values_list("task_path", "started_at", "finished_at"):
        entry = figures.background.setdefault(path.rsplit(".", 1)[-1], [0, 0.0, 0.0])
        seconds = (ended - began).total_seconds()
        entry[0] += 1
        entry[1] += seconds
        entry[2] = max(entry[2], seconds)
    figures.failed_tasks = DBTaskResult.objects.filter(
        status="FAILED", enqueued_at__gte=started
    ).count()
    return figures
