"""The load benchmark (bench/load.py, issue 15 item 9) in 30 seconds on a small province: the
production server (`kfq serve`, production settings, gunicorn and its background worker) and 64
users at once — enterprise reporters submitting, statisticians accepting, the provincial office
and the zones' leadership reading pages and the API — on the suite's engine, in a database of its
own (core/tests/own_database.py): SQLite and PostgreSQL.

Asserted as at full scale: no error (no failed request, no 5xx, no "database is locked", no
traceback in the server's log, no failed background task) and no lost write (every submission
and acceptance the client saw succeed is in the database, counted there). The p95 ratio (loaded /
unloaded, target ≤ 2 at full scale, docs/benchmarks.md) is printed, not asserted: 64 users
clicking every 1–3 s ask some 30 requests a second, about what two quiet cores serve; the suite
runs beside the other half of itself (`pytest -n 2`) and, on a shared runner, beside other jobs,
so the loaded run measures the CPU left over by the neighbours more than the platform (measured on
the development machine at load average 17: 28×, with no error). A bound loose enough never to
fail on such a machine would catch nothing the error and loss assertions do not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kaifaqu.core.tests.own_database import ROOT, environment, own_database


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes' CPU time in /proc")
def test_64_users_for_30_seconds_lose_nothing_and_meet_no_error(tmp_path: Path) -> None:
    with own_database(tmp_path) as url:
        env = environment(url, tmp_path)
        # The benchmark's own process runs the embedded settings (it makes the province);
        # the server it starts, the production ones.
        env.pop("DJANGO_SETTINGS_MODULE")
        env.pop("DJANGO_SECRET_KEY")
        env.pop("KFQ_AUDIT_KEY")
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench",
                "--only",
                "load",
                "--rows",
                "2000",
                "--zones",
                "4",
                "--months",
                "13",
                "--users",
                "64",
                "--seconds",
                "30",
                "--unloaded-seconds",
                "10",
                "--warmup-seconds",
                "5",
                "--workers",
                "3",
                "--threads",
                "2",
                "--workdir",
                str(tmp_path / "bench"),
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        figures_file = tmp_path / "bench" / "load-figures.json"
        assert figures_file.exists(), run.stdout[-3000:] + run.stderr[-3000:]
        figures = json.loads(figures_file.read_text())
    report = run.stdout[-6000:]
    # What the test ran: every persona did its work (however slow a shared machine is).
    assert figures["loaded"]["users"] == 64, report
    assert figures["loaded"]["requests"] >= 64, report
    assert figures["submitted_seen"] > 0 and figures["accepted_seen"] > 0, report
    assert figures["loaded"]["cut_off"] == 0, report
    # No error, nothing lost.
    assert figures["errors"] == 0, report
    assert figures["submitted_stored"] == figures["submitted_seen"], report
    assert figures["accepted_stored"] == figures["accepted_seen"], report
    # Reported only (see the module's note).
    print(report)
