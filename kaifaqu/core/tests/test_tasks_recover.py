"""A task left running by a killed worker is queued again when the next worker starts, or given up
after MAX_CLAIMS tries, its job's page told why (core/tasks.py; the kill itself:
returns/tests/test_import_kill.py)."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kaifaqu.conftest import Personas, World
from kaifaqu.core.models import JobProgress
from kaifaqu.core.tasks import MAX_CLAIMS, tasks_recover, worker_name
from kaifaqu.core.tests.task_helpers import DATABASE_TASKS, run_worker
from kaifaqu.returns.models import Return
from kaifaqu.returns.tests.import_helpers import xlsx

pytestmark = pytest.mark.django_db
BACKGROUND = override_settings(KFQ_IMPORT_BACKGROUND_BYTES=0)


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def _queued_import(client: Client, world: World, personas: Personas) -> str:
    client.force_login(personas.statistician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = xlsx(
        ["统一社会信用代码", "报告期", "工业总产值(当年价格)"], [[world.ent_a1.uscc, "2025-03", 1]]
    )
    upload.name = "returns.xlsx"  # type: ignore[attr-defined]
    response = client.post(reverse("returns:return-import"), {"file": upload, "unit": "千元"})
    return str(response["Location"])


def _claimed_by(*workers: str) -> DBTaskResult:
    task = DBTaskResult.objects.get()
    for worker in workers:
        task.claim(worker)
    return task


@BACKGROUND
@DATABASE_TASKS
def test_a_task_of_a_dead_worker_runs_again_with_the_next_worker(
    client: Client,
    world: World,
    personas: Personas,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with override_settings(MEDIA_ROOT=tmp_path):
        location = _queued_import(client, world, personas)
        task = _claimed_by(worker_name(_dead_pid()))
        run_worker(monkeypatch)  # a worker that does not recover: the task stays running
        assert Return.objects.count() == 0

        recovered = tasks_recover()
        assert recovered.requeued == [str(task.pk)] and recovered.given_up == []
        run_worker(monkeypatch)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert Return.objects.count() == 1
    assert b"1 returns created" in client.get(location).content


@BACKGROUND
@DATABASE_TASKS
def test_a_task_of_a_live_or_foreign_worker_is_left_alone(
    client: Client, world: World, personas: Personas, tmp_path: Path
) -> None:
    with override_settings(MEDIA_ROOT=tmp_path):
        _queued_import(client, world, personas)
    # A live worker of this machine (its command line names the platform).
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)  # kaifaqu.cli"])
    try:
        for worker in (worker_name(live.pid), f"another-host:{_dead_pid()}", "a-random-id"):
            DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, worker_ids=[worker])
            assert tasks_recover().requeued == []
            assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    finally:
        live.kill()
        live.wait()


@BACKGROUND
@DATABASE_TASKS
def test_a_task_that_stopped_its_worker_too_often_is_given_up_and_its_page_says_so(
    client: Client, world: World, personas: Personas, tmp_path: Path
) -> None:
    with override_settings(MEDIA_ROOT=tmp_path):
        location = _queued_import(client, world, personas)
        kept = list((tmp_path / "imports").iterdir())
        assert len(kept) == 1
        task = _claimed_by(*[worker_name(_dead_pid()) for _ in range(MAX_CLAIMS)])

        recovered = tasks_recover()
    assert recovered.given_up == [str(task.pk)] and recovered.requeued == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "kaifaqu.core.tasks.WorkerLostError"
    job = JobProgress.objects.get()
    assert job.finished_at is not None
    assert not kept[0].exists()
    page = client.get(location).content.decode()
    assert f"stopped {MAX_CLAIMS} times before it ended" in page
    assert Return.objects.count() == 0
