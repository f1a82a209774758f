"""Running the background tasks in a test: django-tasks-db's worker, in batch mode."""

import pytest
from django.test.utils import override_settings
from django_tasks_db.management.commands import db_worker

# Tasks queued in the database (as in production) rather than run at once (the test settings).
DATABASE_TASKS = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)


def run_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every task waiting, then stop. (The worker closes old connections between tasks; the
    test's transaction must stay open, so not here.)"""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
