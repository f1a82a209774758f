"""`kfq serve` starts its background worker again when the worker is killed, and the new worker
takes up the task the killed one was running (issue 15, item 9: kill the server mid-job).

Under the production settings, on a database of its own of the suite's engine."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from kaifaqu.core.tests.own_database import ROOT, environment, own_database, python


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _workers_of(pid: int) -> list[int]:
    """The background workers (`kfq worker`) the process started (Linux: /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"worker" in cmdline and b"--no-reload" in cmdline:
            found.append(int(entry.name))
    return found


def _niceness(pid: int) -> int:
    """The process's nice value (field 19 of /proc/PID/stat)."""
    return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[16])


def _until(condition, seconds: float, what: str, log: Path):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"{what} within {seconds} s:\n{log.read_text()[-4000:]}")


SERVE = [sys.executable, "-m", "kaifaqu.cli", "serve"]
# A roll-up task as the killed worker left it: claimed by it (RUNNING, its name), never ended.
# Enqueued and claimed in one transaction: the live worker never sees it ready.
LEFT_RUNNING = """
from django.db import transaction
from kaifaqu.core.tasks import worker_name
from kaifaqu.indicators.tasks import rollup_changed_task
from django_tasks_db.models import DBTaskResult

with transaction.atomic():
    result = rollup_changed_task.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", worker_ids=[worker_name({pid})]
    )
print(result.id)
"""

STATUS = """
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.get(pk={task_id!r}).status)
"""


def test_a_killed_background_worker_is_started_again_and_takes_up_its_task(
    tmp_path: Path,
) -> None:
    with own_database(tmp_path) as url:
        env = environment(url, tmp_path)
        port = _free_port()
        log = tmp_path / "serve.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                [*SERVE, "--port", str(port), "--workers", "1", "--threads", "2"],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            first = _until(lambda: _workers_of(server.pid), 60, "no background worker", log)
            assert len(first) == 1
            # Below the requests: its roll-ups must not take the cores from them (10 below the
            # server, whatever the server's own niceness; 19 is the lowest priority there is).
            lower = min(19, _niceness(server.pid) + 10)
            _until(lambda: _niceness(first[0]) == lower, 30, "the worker's niceness", log)
            # Killed while it ran a task (as the database records it).
            task_id = python(env, LEFT_RUNNING.format(pid=first[0])).strip().splitlines()[-1]
            os.kill(first[0], signal.SIGKILL)

            second = _until(
                lambda: [pid for pid in _workers_of(server.pid) if pid != first[0]],
                30,
                "the worker was not started again",
                log,
            )
            assert len(second) == 1
            _until(lambda: _niceness(second[0]) == lower, 30, "the new worker's niceness", log)
            _until(
                lambda: python(env, STATUS.format(task_id=task_id)).strip() == "SUCCESSFUL",
                60,
                "the new worker did not run the killed worker's task",
                log,
            )
            assert "the background worker stopped: started again" in log.read_text()
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        # Stopped with the server: no worker left behind.
        assert not _workers_of(server.pid)
