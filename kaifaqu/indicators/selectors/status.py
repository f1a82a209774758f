"""Whether the stored indicator table is being brought up to date, and how far it has come."""

from __future__ import annotations

from dataclasses import dataclass

from kaifaqu.core.jobs import job_running
from kaifaqu.indicators.services.rollups import ROLLUP_JOB, marked_months_total, marked_plan
from kaifaqu.returns.models import ChangedMonth


@dataclass(frozen=True)
class TableStatus:
    done: int
    total: int


def table_status() -> TableStatus | None:
    """A roll-up running (its progress), or months marked and waiting for one (none of them
    done yet); None when the table follows every accepted return."""
    job = job_running(ROLLUP_JOB)
    if job is not None:
        return TableStatus(done=job.done, total=max(job.total, job.done))
    marks = list(ChangedMonth.objects.values_list("zone_id", "period"))
    if not marks:
        return None
    return TableStatus(done=0, total=marked_months_total(marked_plan(marks)))
