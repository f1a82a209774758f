"""Benchmark: accepting a province's clean returns in bulk, and eight statisticians at once.

The province is the indicator benchmark's (`bench/indicators.py`, `kfq demo --province`, same
database file under var/bench/). Its last month's returns, all accepted when generated, are put
back to awaiting review (submitted, no findings), then, in one run:

  (a) the reference: `return_accept` one return at a time (what 49 clicks do, and what a script
      calling the single-return API does), each by its zone's statistician, on a sample of SAMPLE
      returns, timed and **extrapolated linearly** to the month;
  (b) `returns_bulk_accept` of the whole month, zone after zone, by each zone's statistician
      (the filter {period}): one transaction per zone; checked: every return accepted, one
      decision and one audit entry each, each (zone, month) marked once.
  a/b is printed (target: the month well under 60 s).

Reviews are the statistics office's of each zone: since 三员分立 (issue 15) no province-wide
account reviews (the system administrator, who did, has no business data).

Then the month is put back to awaiting review and (c): the production server (`kfq serve`:
gunicorn and the background worker that rolls up what (a) and (b) marked) is started on the same
database, and eight statisticians, each with an API token and a zone of their own, accept
returns of their zone one by one at once, as fast as the server answers (locust, from the dev
lock, in a process of its own: bench/locust_accept.py). Reported: p50/p95 of one acceptance,
failures, and whether the server's log says "database is locked". Target: no error, p95 < 300 ms.

Afterwards the month is accepted again, as the other benchmarks expect the province.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.indicators import ENTERPRISES, MONTHS, ensure_province, timed

SAMPLE = 200
STATISTICIANS = 8
PER_STATISTICIAN = 40
TARGET_S = 60.0
TARGET_MS = 300.0
PREFIX = "bench-bulk"


@dataclass
class Figures:
    zones: int
    enterprises: int
    months: int
    database: str
    month: str
    returns: int
    sample: int
    reference_s: float
    bulk_s: float
    marked: int
    concurrent: dict[str, Any] = field(default_factory=dict)
    locked_in_log: int = 0
    not_accepted: int = 0
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def reference_month_s(self) -> float:
        return self.reference_s / self.sample * self.returns

    def report(self) -> str:
        c = self.concurrent
        lines = [
            f"bulk acceptance: {self.zones} zones, {self.enterprises:,} enterprises, "
            f"{self.months} months on {self.database}; the {self.returns:,} clean returns of "
            f"{self.month} (load average at the end {self.load[0]:.1f} on "
            f"{os.cpu_count()} cores)",
            f"  (a) reference: return_accept one by one, {self.sample} timed "
            f"({self.reference_s / self.sample * 1000:.1f} ms each), extrapolated "
            f"{self.reference_month_s:10.1f} s",
            f"  (b) returns_bulk_accept, one transaction per zone  {self.bulk_s:10.2f} s"
            f"   ({self.marked} zone-months marked)",
            f"  a/b = {self.reference_month_s / self.bulk_s:.0f}   (b) "
            + ("met" if self.bulk_s < TARGET_S else "NOT met")
            + f" (target < {TARGET_S:.0f} s)",
        ]
        if c:
            lines += [
                f"  (c) {c['users']} statisticians at once against `kfq serve` (locust): "
                f"{c['requests']} accepts in {c['seconds']:.1f} s, "
                f"p50 {c['p50_ms']:.0f} ms, p95 {c['p95_ms']:.0f} ms, max {c['max_ms']:.0f} ms",
                f"      failures {c['failures']}, 'database is locked' in the server's log "
                f"{self.locked_in_log}, returns left unaccepted {self.not_accepted}; "
                + (
                    "met"
                    if c["failures"] == 0
                    and self.locked_in_log == 0
                    and self.not_accepted == 0
                    and c["p95_ms"] < TARGET_MS
                    else "NOT met"
                )
                + f" (no error, p95 < {TARGET_MS:.0f} ms)",
            ]
            lines += [f"      error: {e['occurrences']} × {e['error']}" for e in c["errors"]]
        return "\n".join(lines)


def _user(username: str, role: str, zone: Any = None) -> Any:
    from django.test.utils import override_settings

    from kaifaqu.accounts.models import User
    from kaifaqu.accounts.services import user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        # Used by token or in-process only; a long random password all the same, with a quick
        # hash (a statistician per zone: a hundred accounts would each take PBKDF2's second).
        password = "".join(random.SystemRandom().choices("abcdefghjkmnpqrstuvwxyz23456789", k=24))
        scope = {"scope_zone": zone} if zone is not None else {}
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            user = user_create(username=username, password=password, role=role, **scope)
    return user


def _zone_statisticians() -> dict[int, Any]:
    """The statistics office of each zone (zone id: its statistician)."""
    from kaifaqu.core.permissions import Role
    from kaifaqu.geo.models import Zone

    return {
        zone.pk: _user(f"{PREFIX}-stat-{zone.pk}", Role.STATISTICIAN, zone)
        for zone in Zone.objects.order_by("pk")
    }


def _awaiting(period: Any) -> int:
    """The month's returns back to awaiting review, without the decisions of this benchmark's
    earlier runs (their audit entries stay: the trail is append-only, accounts/trail); gives the
    returns of the month."""
    from django.db import connection, transaction

    from kaifaqu.accounts.models import User
    from kaifaqu.returns.models import ChangedMonth, Return, ReturnStatus, ReviewDecision

    users = list(User.objects.filter(username__startswith=PREFIX).values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        # In SQL: no signal, no audit entry of the benchmark's own clean-up (and no figure of a
        # return changes: the ledger stays as it is).
        if users:
            marks = ", ".join(["%s"] * len(users))
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(ReviewDecision._meta.db_table)} "
                f"WHERE by_id IN ({marks})",
                users,
            )
        Return.objects.filter(period=period).update(status=ReturnStatus.SUBMITTED)
        ChangedMonth.objects.all().delete()
    return Return.objects.filter(period=period).count()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(port: int, log: Path) -> subprocess.Popen[bytes]:
    """`kfq serve` on the benchmark's database, as production runs it (DEBUG off)."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "PORT": str(port)}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "kaifaqu.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/", timeout=2)
            return server
        except urllib.error.HTTPError:
            return server  # it answers (401/403 without a token)
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"`kfq serve` did not answer on port {port}: see {log}")


def _concurrent(
    period: Any, *, statisticians: int, per_user: int, workdir: Path, echo: Any
) -> tuple[dict[str, Any], int, int]:
    from django.db import connection
    from django.db.models import Count

    from kaifaqu.accounts.tokens.services import api_token_issue
    from kaifaqu.core.permissions import Role
    from kaifaqu.geo.models import Zone
    from kaifaqu.returns.models import Return, ReturnStatus

    zones = list(Zone.objects.annotate(n=Count("enterprises")).order_by("-n", "pk")[:statisticians])
    if len(zones) < statisticians:
        raise SystemExit(f"the province has {len(zones)} zones, fewer than {statisticians}")
    users = []
    chosen: list[int] = []
    for number, zone in enumerate(zones, start=1):
        user = _user(f"{PREFIX}-{number}", Role.STATISTICIAN, zone)
        ids = list(
            Return.objects.filter(enterprise__zone=zone, period=period)
            .order_by("pk")
            .values_list("pk", flat=True)[:per_user]
        )
        chosen += ids
        # A token of a day for this run; the run before's, of the same purpose, is revoked.
        issued = api_token_issue(user=user, purpose="bench bulk-accept", days=1, replace=True)
        users.append({"token": issued.secret, "ids": ids})
    port = _free_port()
    plan = workdir / "bulk-accept-plan.json"
    plan.write_text(json.dumps({"host": f"http://127.0.0.1:{port}", "users": users}))
    log = workdir / "bulk-accept-server.log"
    connection.close()  # SQLite: nothing of this process holds the file while the server writes
    echo(f"kfq serve on port {port} (log: {log}) …")
    server = _serve(port, log)
    try:
        echo(f"{statisticians} statisticians × {per_user} accepts (locust) …")
        run = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("locust_accept.py")), str(plan)],
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
    plan.unlink()  # it holds API tokens
    if run.returncode != 0 or not run.stdout.strip():
        raise SystemExit(f"locust failed:\n{run.stderr[-3000:]}")
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    locked = log.read_text(errors="replace").count("database is locked")
    left = Return.objects.filter(pk__in=chosen).exclude(status=ReturnStatus.ACCEPTED).count()
    return figures, locked, left


def run(
    *,
    enterprises: int = ENTERPRISES,
    months: int = MONTHS,
    zones: int | None = None,
    sample: int = SAMPLE,
    statisticians: int = STATISTICIANS,
    per_user: int = PER_STATISTICIAN,
    workdir: Path,
    echo: Any = print,
) -> Figures:
    from django.db import connection
    from django.db.models import F

    from kaifaqu.demo.province import LAST_MONTH
    from kaifaqu.returns.models import ChangedMonth, Return, ReturnStatus, ReviewDecision
    from kaifaqu.returns.services import return_accept, returns_bulk_accept

    zones = zones or min(100, max(1, enterprises // 2_000))
    echo(f"the synthetic province ({zones} zones, {enterprises:,} enterprises, {months} months) …")
    ensure_province(zones=zones, enterprises=enterprises, months=months, echo=echo)
    month = LAST_MONTH.first_day
    offices = _zone_statisticians()

    returns = _awaiting(month)
    echo(f"(a) reference: {sample} of {returns:,} returns accepted one by one …")
    records = list(
        Return.objects.filter(period=month).select_related("enterprise").order_by("pk")[:sample]
    )
    started = time.perf_counter()
    for record in records:
        return_accept(by=offices[record.enterprise.zone_id], return_record=record)
    reference_s = time.perf_counter() - started

    returns = _awaiting(month)
    echo(f"(b) returns_bulk_accept of {returns:,} returns, zone after zone …")
    bulk_s, each = timed(
        lambda: [
            returns_bulk_accept(by=office, filters={"period": month}) for office in offices.values()
        ]
    )
    accepted, marked = sum(done.accepted for done in each), sum(done.months for done in each)
    assert accepted == returns, (accepted, returns)
    assert not Return.objects.filter(period=month).exclude(status=ReturnStatus.ACCEPTED).exists()
    decided = ReviewDecision.objects.filter(return_record__period=month, by__in=offices.values())
    assert decided.count() == returns
    # Each by the statistician of the return's own zone.
    assert not decided.exclude(by__scope_zone=F("return_record__enterprise__zone")).exists()
    assert ChangedMonth.objects.count() == marked

    figures = Figures(
        zones=zones,
        enterprises=enterprises,
        months=months,
        database=connection.vendor,
        month=f"{month:%Y-%m}",
        returns=returns,
        sample=sample,
        reference_s=reference_s,
        bulk_s=bulk_s,
        marked=marked,
    )
    if statisticians:
        _awaiting(month)
        figures.concurrent, figures.locked_in_log, figures.not_accepted = _concurrent(
            month, statisticians=statisticians, per_user=per_user, workdir=workdir, echo=echo
        )
    figures.load = os.getloadavg()
    # The province as the other benchmarks expect it: every return accepted.
    Return.objects.filter(period=month).update(status=ReturnStatus.ACCEPTED)
    return figures
