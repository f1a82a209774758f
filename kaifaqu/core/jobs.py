"""Progress of long jobs (`JobProgress`): written by the job as it goes, read by pages and `kfq`.

job = job_start(task_id=..., label="indicators.rollup", total=12)
job_advance(job, done=3)        # after each unit of work
job_finish(job)
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from kaifaqu.core.models import JobProgress
from kaifaqu.core.permissions import ScopedUser

# A job not heard from for this long is taken for dead (its worker stopped) and not shown.
STALE_AFTER = timedelta(minutes=10)
# Finished jobs are kept for this long, then removed by the next job that starts.
KEPT_FOR = timedelta(days=7)


def job_start(
    *, label: str, total: int, task_id: str | None = None, user: ScopedUser | None = None
) -> JobProgress:
    JobProgress.objects.filter(finished_at__lt=timezone.now() - KEPT_FOR).delete()
    defaults: dict[str, Any] = {"label": label, "done": 0, "total": total, "finished_at": None}
    if user is not None:
        defaults["user"] = user
    job, _created = JobProgress.objects.update_or_create(
        task_id=task_id or uuid.uuid4().hex, defaults=defaults
    )
    return job


def job_advance(job: JobProgress, *, done: int, total: int | None = None) -> None:
    job.done = done
    fields = ["done", "updated_at"]
    if total is not None:
        job.total = total
        fields.append("total")
    job.save(update_fields=fields)


def job_finish(job: JobProgress, *, outcome: Any = None) -> None:
    job.done = job.total
    job.finished_at = timezone.now()
    fields = ["done", "finished_at", "updated_at"]
    if outcome is not None:
        job.outcome = outcome
        fields.append("outcome")
    job.save(update_fields=fields)


def job_running(label: str) -> JobProgress | None:
    """The latest unfinished job of this label that is still heard from (a selector)."""
    return (
        JobProgress.objects.filter(
            label=label,
            finished_at__isnull=True,
            updated_at__gte=timezone.now() - STALE_AFTER,
        )
        .order_by("-updated_at")
        .first()
    )
