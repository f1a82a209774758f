"""Killing the process that runs an import (SIGKILL: no handler, no `finally`) leaves nothing
half-written, and the import runs again to its end (issue 15, item 9).

A month of returns is imported from a file, once by `kfq import` in a terminal and once by the
background worker (`kfq worker`, the path of a large upload), each killed while it writes: after
the returns were inserted, the ledger and the reporting month written, before the review and the
commit. Then: no return of the month, no ledger row, no reporting month, no import record, no
audit entry of it; run again, every row is there. The platform runs in other processes, on a
database of its own of the suite's engine (core/tests/own_database.py): SQLite and PostgreSQL.
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

MONTH = "2025-01"
# Inside the import's transaction: the returns inserted, the ledger and the reporting month
# written, the review not yet run.
STOP_AT = "kaifaqu.returns.imports:review_returns"

SETUP = """
import csv, os
from kaifaqu.accounts.services import user_create
from kaifaqu.demo.province import generate_province
from kaifaqu.geo.models import Zone
from kaifaqu.returns.models import Return

generate_province(zones=2, enterprises=240, months=13, progress=None)
zone = Zone.objects.order_by("pk").first()
user_create(username="kill-stat", password=os.urandom(16).hex(), role="statistician",
            scope_zone=zone)
rows = Return.objects.filter(enterprise__zone=zone, period="2024-12-01").select_related(
    "enterprise").order_by("enterprise__uscc")
with open({path!r}, "w", newline="", encoding="utf-8") as out:
    writer = csv.writer(out)
    writer.writerow(["统一社会信用代码", "报告期", "工业总产值(当年价格)", "工业销售产值",
                     "营业收入", "用电量", "从业人员期末人数"])
    for r in rows:
        writer.writerow([r.enterprise.uscc, {month!r}, r.gross_output, r.sales_output,
                         r.revenue, r.electricity, r.employees])
print(rows.count())
"""

STATE = """
import json
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django_tasks_db.models import DBTaskResult
from kaifaqu.core.models import JobProgress
from kaifaqu.returns.models import Return, ReturnImport, ReportingMonth
from kaifaqu.returns.models.ledger import ReturnLedger

period = {month!r} + "-01"
returns = ContentType.objects.get_for_model(Return)
job = JobProgress.objects.order_by("-pk").first()
task = (
    DBTaskResult.objects.filter(task_path__endswith=".import_task").order_by("-enqueued_at").first()
)
print(json.dumps({{
    "returns": Return.objects.filter(period=period).count(),
    "findings_of_month": Return.objects.filter(period=period, findings__isnull=False).count(),
    "ledger": ReturnLedger.objects.filter(period__year=2025).count(),
    "months": ReportingMonth.objects.filter(period=period).count(),
    "imports": ReturnImport.objects.count(),
    "return_log_entries": LogEntry.objects.filter(content_type=returns).count(),
    "job_finished": None if job is None else job.finished_at is not None,
    "job_outcome": None if job is None else job.outcome,
    "task": None if task is None else task.status,
}}))
"""

QUEUE = """
from django.core.files.uploadedfile import SimpleUploadedFile
from kaifaqu.accounts.models import User
from kaifaqu.core.imports.background import import_start
from kaifaqu.core.imports.registry import get_kind
from kaifaqu.core.lib.money import MoneyUnit

with open({path!r}, "rb") as source:
    upload = SimpleUploadedFile("returns.csv", source.read(), content_type="text/csv")
job = import_start(get_kind("returns"), by=User.objects.get(username="kill-stat"),
                   upload=upload, options={{"unit": MoneyUnit.WAN}})
print(job.task_id)
"""


@dataclass
class Platform:
    env: dict[str, str]
    folder: Path
    file: Path
    rows: int

    def state(self) -> dict[str, object]:
        out = python(self.env, STATE.format(month=MONTH))
        state: dict[str, object] = json.loads(out.strip().splitlines()[-1])
        return state


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> object:
    folder = tmp_path_factory.mktemp("import-kill")
    with own_database(folder) as url:
        env = environment(url, folder)
        file = folder / "returns.csv"
        rows = int(python(env, SETUP.format(path=str(file), month=MONTH)).strip().splitlines()[-1])
        assert rows > 50
        yield Platform(env=env, folder=folder, file=file, rows=rows)


def _nothing_written(state: dict[str, object], before: dict[str, object]) -> None:
    assert state["returns"] == 0
    assert state["ledger"] == before["ledger"]
    assert state["months"] == 0
    assert state["imports"] == before["imports"]
    assert state["return_log_entries"] == before["return_log_entries"]


def test_an_import_killed_while_it_writes_leaves_nothing_and_runs_again(
    platform: Platform, tmp_path: Path
) -> None:
    before = platform.state()
    assert before["returns"] == 0
    flag, log = tmp_path / "here", tmp_path / "import.log"
    process = paused(
        platform.env,
        flag,
        STOP_AT,
        "import",
        "returns",
        str(platform.file),
        "--as",
        "kill-stat",
        log=log,
    )
    wait_for(flag, process, log)
    # While it writes, nobody sees a row of it (the transaction is not committed).
    assert platform.state()["returns"] == 0
    kill(process)

    _nothing_written(platform.state(), before)

    again = kfq(platform.env, "import", "returns", str(platform.file), "--as", "kill-stat")
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"{platform.rows} rows: {platform.rows} created" in again.stdout
    after = platform.state()
    assert after["returns"] == platform.rows
    assert after["months"] == 1
    assert after["imports"] == int(before["imports"]) + 1  # type: ignore[call-overload]

    # Put back for the other test: the month's returns gone again.
    python(
        platform.env,
        "from kaifaqu.returns.models import Return, ReportingMonth\n"
        "from kaifaqu.returns.models.ledger import ReturnLedger\n"
        f"Return.objects.filter(period='{MONTH}-01').delete()\n"
        "ReturnLedger.objects.filter(period__year=2025).delete()\n"
        f"ReportingMonth.objects.filter(period='{MONTH}-01').delete()\n",
    )


def test_a_background_import_killed_with_its_worker_leaves_nothing_and_runs_again(
    platform: Platform, tmp_path: Path
) -> None:
    before = platform.state()
    assert before["returns"] == 0
    task_id = python(platform.env, QUEUE.format(path=str(platform.file))).strip().splitlines()[-1]
    kept = Path(platform.env["KFQ_VAR_DIR"]) / "media" / "imports" / f"{task_id}.csv"
    assert kept.exists()
    flag, log = tmp_path / "here", tmp_path / "worker.log"
    process = paused(platform.env, flag, STOP_AT, "worker", "--batch", log=log)
    wait_for(flag, process, log)
    kill(process)

    killed = platform.state()
    _nothing_written(killed, before)
    # The job was left running: the upload's page still shows its progress, the file is kept.
    assert killed["job_finished"] is False
    assert killed["task"] == "RUNNING"
    assert kept.exists()

    # The next worker (`kfq serve` restarted, or the service manager restarting `kfq worker`)
    # takes the killed import up again and runs it to its end.
    again = kfq(platform.env, "worker", "--batch")
    assert again.returncode == 0, again.stderr[-3000:]
    after = platform.state()
    assert after["task"] == "SUCCESSFUL"
    assert after["returns"] == platform.rows
    assert after["job_finished"] is True
    outcome = after["job_outcome"]
    assert isinstance(outcome, dict)
    assert outcome["created"] == platform.rows and outcome["error_count"] == 0
    assert not kept.exists()
