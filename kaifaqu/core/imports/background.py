"""Large files are imported in the background: the page keeps the upload, queues the import
(django-tasks) and shows its progress, then its result, to whoever uploaded it.

A file up to `settings.KFQ_IMPORT_BACKGROUND_BYTES` (1 MB: some thousands of rows) is imported
in the request, as before; a province's month of returns (200,000 rows) is not, so that no
request waits for it. The task runs the same `run_import` as the page and `kfq import`, all or
nothing; its outcome (the counts, or every error by row) is kept with its progress
(`core.JobProgress`) for the page to show.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django_tasks import task

from kaifaqu.core.imports.errors import ImportResult, RowError
from kaifaqu.core.imports.registry import ImportKind, get_kind, run_import
from kaifaqu.core.jobs import job_advance, job_finish, job_start
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.models import JobProgress
from kaifaqu.core.permissions import ScopedUser

JOB_LABEL = "import.{kind}"
# Errors kept for the page: a file of a province can have an error on every one of 200,000
# rows; the page lists this many and says how many more there are.
ERRORS_KEPT = 10_000


def in_background(size: int) -> bool:
    return size > settings.KFQ_IMPORT_BACKGROUND_BYTES


def _encode(options: Mapping[str, Any]) -> dict[str, Any]:
    """The writer's options as JSON, for the task's arguments: a record by its label and key, a
    money unit by its name, text and numbers as they are (what the kinds' forms give)."""
    encoded: dict[str, Any] = {}
    for name, value in options.items():
        if isinstance(value, Model):
            encoded[name] = {"model": value._meta.label_lower, "pk": value.pk}
        elif isinstance(value, MoneyUnit):
            encoded[name] = {"unit": value.value}
        else:
            encoded[name] = value
    return encoded


def _decode(options: Mapping[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for name, value in options.items():
        if isinstance(value, dict) and "model" in value:
            decoded[name] = apps.get_model(value["model"])._default_manager.get(pk=value["pk"])
        elif isinstance(value, dict) and "unit" in value:
            decoded[name] = MoneyUnit(value["unit"])
        else:
            decoded[name] = value
    return decoded


def outcome_of(result: ImportResult) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "error_count": len(result.errors),
        "errors": [
            [error.row, error.column, error.code, error.message]
            for error in result.errors[:ERRORS_KEPT]
        ],
    }


def result_of(outcome: Mapping[str, Any]) -> ImportResult:
    """The result the page shows, from the outcome the task kept."""
    return ImportResult(
        rows=outcome["rows"],
        created=outcome["created"],
        updated=outcome["updated"],
        unchanged=outcome["unchanged"],
        errors=[
            RowError(row=r, column=c, code=code, message=m) for r, c, code, m in outcome["errors"]
        ],
    )


def import_start(
    spec: ImportKind, *, by: ScopedUser, upload: UploadedFile, options: Mapping[str, Any]
) -> JobProgress:
    """Keep the upload, record the job as the uploader's and queue the import."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    task_id = uuid.uuid4().hex
    suffix = Path(upload.name or "").suffix.lower()
    path = folder / f"{task_id}{suffix}"
    with path.open("wb") as kept:
        for chunk in upload.chunks():
            kept.write(chunk)
    job = job_start(label=JOB_LABEL.format(kind=spec.kind), total=100, task_id=task_id, user=by)
    import_task.enqueue(
        task_id=task_id,
        kind=spec.kind,
        path=str(path),
        filename=upload.name or path.name,
        user_id=by.pk,
        options=_encode(options),
    )
    return job


def run_import_job(
    *, task_id: str, kind: str, path: str, filename: str, user_id: int, options: dict[str, Any]
) -> dict[str, Any]:
    """The queued import: the kind's phases as per cent of the job's progress."""
    spec = get_kind(kind)
    job = JobProgress.objects.get(task_id=task_id)
    by = apps.get_model(settings.AUTH_USER_MODEL)._default_manager.get(pk=user_id)
    phases = dict(spec.phases)
    starts = dict(zip(phases, [0, *phases.values()], strict=False))

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in phases:
            return
        start, end = starts[stage], phases[stage]
        share = int(start + (end - start) * (done / total if total else 1))
        if share > job.done:
            job_advance(job, done=share)

    kept = Path(path)
    try:
        decoded = _decode(options)
        unit = decoded.pop("unit", None)
        result = run_import(
            spec,
            by=by,
            file=kept,
            filename=filename,
            unit=unit,
            progress=progress if phases else None,
            **decoded,
        )
        outcome = outcome_of(result)
    except Exception as error:
        # The page must not wait for ever: a failure is an outcome too (the file as a whole).
        outcome = outcome_of(ImportResult.rejected(str(error)))
        job_finish(job, outcome=outcome)
        raise
    finally:
        kept.unlink(missing_ok=True)
    job_finish(job, outcome=outcome)
    return outcome


@task()
def import_task(**arguments: Any) -> dict[str, Any]:
    return run_import_job(**arguments)
