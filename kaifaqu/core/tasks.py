"""The background tasks a killed worker left running: taken up again, or given up.

django-tasks' database worker marks a task RUNNING when it claims it and SUCCESSFUL or FAILED when
it ends; a worker killed in between (SIGKILL, the machine's OOM killer, a power cut) ends nothing,
and no other worker ever takes a RUNNING task: the import's page showed its progress for ever, its
upload stayed on disk, a roll-up was never done (issue 15, item 9). Every task of the platform is
all or nothing (one transaction, or marks removed only after their months are written) and may
run again, so `kfq worker` names itself `host:pid` and, when it starts, puts back in the queue the
tasks whose worker on this host is gone. A task that was claimed MAX_CLAIMS times (a file that
kills whoever reads it, say) is given up instead: failed, and its job's page told so.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from kaifaqu.core.imports.background import outcome_of
from kaifaqu.core.imports.errors import ImportResult
from kaifaqu.core.jobs import job_finish
from kaifaqu.core.models import JobProgress

# Claims of one task before it is given up: a worker killed once or twice by something else (a
# restart, the OOM killer for another process) does not lose the task.
MAX_CLAIMS = 3


class WorkerLostError(Exception):
    """The worker running the task stopped without ending it, MAX_CLAIMS times."""


def worker_name(pid: int | None = None) -> str:
    """`host:pid` of this process: which worker of which machine claimed a task (at most 64
    characters, django-tasks-db's limit)."""
    return f"{socket.gethostname()[:48]}:{os.getpid() if pid is None else pid}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: not ours to judge
    # The number may have been given to another program since: on Linux, a worker's command line
    # names the platform.
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        try:
            return b"kaifaqu" in cmdline.read_bytes() or b"kfq" in cmdline.read_bytes()
        except OSError:
            return True
    return True


def _gone(worker: str, host: str) -> bool:
    """Whether the worker named `host:pid` ran on this host and is not running any more."""
    name, _colon, pid = worker.rpartition(":")
    if name != host or not pid.isdigit():
        return False  # another machine's worker, or a name not of ours: cannot tell
    return int(pid) != os.getpid() and not _alive(int(pid))


def enqueue_deferred(task: Any, seconds: float) -> bool:
    """Queue `task` to run `seconds` from now unless one is queued and not started yet (it will
    do this one's work too). False, queueing nothing, when it cannot be deferred: `seconds` is 0
    or less, or the backend runs tasks at once; the caller then does the work its own way."""
    if seconds <= 0 or not task.get_backend().supports_defer:
        return False
    if not task_waiting(task):
        task.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue()
    return True


def task_waiting(task: Any) -> bool:
    """Whether `task` is queued and not started yet (database backend; with another backend,
    which keeps no queue the platform can read, False)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return bool(
        DBTaskResult.objects.filter(
            task_path=task.module_path, status=TaskResultStatus.READY
        ).exists()
    )


@dataclass
class Recovered:
    requeued: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)


def tasks_recover() -> Recovered:
    """Put back in the queue the tasks left running by a worker of this host that is gone; give
    up those claimed MAX_CLAIMS times."""
    host = worker_name().rpartition(":")[0]
    done = Recovered()
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        workers = list(result.worker_ids or [])
        if not workers or not _gone(str(workers[-1]), host):
            continue
        with transaction.atomic():
            # Only if it is still as read (another worker starting at the same time may have
            # taken it up already).
            still = DBTaskResult.objects.select_for_update().filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            )
            locked = still.first()
            if locked is None or list(locked.worker_ids or []) != workers:
                continue
            if len(workers) >= MAX_CLAIMS:
                locked.set_failed(
                    WorkerLostError(
                        f"the worker running it stopped {len(workers)} times: {workers}"
                    )
                )
                _job_given_up(locked, len(workers))
                done.given_up.append(str(locked.pk))
            else:
                still.update(status=TaskResultStatus.READY, started_at=None)
                done.requeued.append(str(locked.pk))
    return done


def _job_given_up(result: Any, claims: int) -> None:
    """The job's page stops waiting: an import says why it was given up."""
    kwargs = (result.args_kwargs or {}).get("kwargs", {})
    ids = {str(result.pk), str(kwargs.get("task_id", ""))} - {""}
    for job in JobProgress.objects.filter(task_id__in=ids, finished_at__isnull=True):
        outcome = None
        if job.label.startswith("import."):
            outcome = outcome_of(
                ImportResult.rejected(
                    _(
                        "The import was given up: the process running it stopped %(times)s "
                        "times before it ended. Nothing of the file was written. Try again, or "
                        "split the file."
                    )
                    % {"times": claims}
                )
            )
        job_finish(job, outcome=outcome)
    # The upload an import kept, if it is one (never a file elsewhere a stored path may name).
    kept = Path(str(kwargs.get("path", "")))
    folder = (Path(settings.MEDIA_ROOT) / "imports").resolve()
    if kwargs.get("path") and kept.resolve().parent == folder:
        kept.unlink(missing_ok=True)
