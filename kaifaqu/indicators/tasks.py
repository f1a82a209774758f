"""Background tasks of the indicator table (django-tasks; the database backend in production,
run by `kfq worker`, which `kfq serve` starts).

- `rollup_changed_task`: enqueued by the returns services through `core.hooks.on_returns_changed`
  (registered in IndicatorsConfig.ready) whenever counted returns change: rolls up the zones and
  years of the marked months (`services.rollups.rollup_marked`) and clears the marks it handled.
- `rollup_months_task`: a full rebuild of chosen months (or all), as `kfq rollup` runs it.

Each writes its progress (`core.JobProgress`, label ROLLUP_JOB) as it goes; `kfq rollup` calls the same
`run_…` functions in the terminal, with a progress bar.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_tasks import TaskContext, task

from kaifaqu.core.jobs import job_advance, job_finish, job_start
from kaifaqu.core.lib.pacing import Pacer
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tasks import enqueue_deferred
from kaifaqu.indicators.services.rollups import (
    ROLLUP_JOB,
    Echo,
    Progress,
    rollup_marked,
    rollup_rebuild,
)
from kaifaqu.returns.models import ChangedMonth


def _reporting(task_id: str | None, progress: Progress | None) -> tuple[Any, Progress]:
    job = job_start(label=ROLLUP_JOB, total=0, task_id=task_id)

    def report(done: int, total: int) -> None:
        job_advance(job, done=done, total=total)
        if progress is not None:
            progress(done, total)

    return job, report


def run_rollup_marked(
    *, task_id: str | None = None, progress: Progress | None = None, paced: bool = False
) -> int:
    """Roll up what the returns services marked; give the months written. `paced`: the
    background worker's roll-up waits between its pieces (`KFQ_BACKGROUND_SHARE`), so that its
    database queries give way to the requests' (a roll-up of twelve zones' month end took a
    core for seconds every 30 s under the load benchmark); `kfq rollup` does not wait."""
    if not ChangedMonth.objects.exists():
        return 0  # an earlier run handled these marks already
    job, report = _reporting(task_id, progress)
    try:
        pace = Pacer(settings.KFQ_BACKGROUND_SHARE) if paced else None
        return rollup_marked(progress=report, pace=pace)
    finally:
        job_finish(job)


def run_rollup_months(
    *,
    months: list[str] | None,
    task_id: str | None = None,
    progress: Progress | None = None,
    echo: Echo | None = None,
) -> int:
    """Rebuild every cell of these months ("YYYY-MM"; None: all); give the cells written."""
    chosen = None if months is None else [Month.parse(value) for value in months]
    job, report = _reporting(task_id, progress)
    try:
        return rollup_rebuild(months=chosen, progress=report, echo=echo)
    finally:
        job_finish(job)


@task(takes_context=True)
def rollup_changed_task(context: TaskContext) -> int:
    return run_rollup_marked(task_id=str(context.task_result.id), paced=True)


@task(takes_context=True)
def rollup_months_task(context: TaskContext, months: list[str] | None = None) -> int:
    return run_rollup_months(months=months, task_id=str(context.task_result.id))


def rollup_enqueue(**_changes: Any) -> None:
    """The receiver of `on_returns_changed`: the marks are written, the roll-up is queued —
    KFQ_ROLLUP_DELAY_SECONDS from now, and only when none is queued and not started yet.

    Each acceptance queued a roll-up of its zone at once: at the month end, with a statistician
    accepting a return every few seconds, the worker rolled the same zone up again and again
    (a fifth of the machine under the load benchmark, its database queries at the same priority
    as the pages'). A queued roll-up takes every mark there is when it runs, so the acceptances
    of its delay are rolled up once. Meanwhile the pages say the table is being brought up to
    date (`selectors.status.table_status`), and a publication rolls up its zone's marks first."""
    if not enqueue_deferred(rollup_changed_task, settings.KFQ_ROLLUP_DELAY_SECONDS):
        rollup_changed_task.enqueue()
