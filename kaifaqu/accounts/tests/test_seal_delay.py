"""The audit rows a commit wrote are sealed by the background worker a few seconds later, with
those of every commit meanwhile (accounts/tasks.py): sealing in the request cost each audited
request a pass of eight queries under the trail's lock (the load benchmark, session 12)."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kaifaqu.accounts.models import AccessEvent, AuditSeal
from kaifaqu.accounts.trail import verify
from kaifaqu.core.tests.task_helpers import DATABASE_TASKS, run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks() -> Any:
    with DATABASE_TASKS:
        yield


def audited(name: str) -> AccessEvent:
    """An access event written and committed, as a request writes it."""
    with transaction.atomic():
        return AccessEvent.objects.create(kind="figures_read", username=name)


def test_the_rows_of_the_delay_are_sealed_by_one_pass_of_the_worker(
    database_tasks: None,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.KFQ_AUDIT_SEAL_DELAY_SECONDS = 5
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        first = audited("a")
    with django_capture_on_commit_callbacks(execute=True):
        second = audited("b")
    queued = DBTaskResult.objects.get()  # one pass for both
    assert before + timedelta(seconds=5) <= queued.run_after
    assert queued.run_after <= timezone.now() + timedelta(seconds=5)
    assert not AuditSeal.objects.filter(entry_id__in=[first.pk, second.pk]).exists()
    run_worker(monkeypatch)  # too early: the pass waits
    assert DBTaskResult.objects.get().status == "READY"
    DBTaskResult.objects.update(run_after=timezone.now())
    run_worker(monkeypatch)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert (
        AuditSeal.objects.filter(
            entry_table="accounts_accessevent", entry_id__in=[first.pk, second.pk]
        ).count()
        == 2
    )
    assert verify() is None


def test_without_a_delay_the_request_seals_its_rows_itself(
    database_tasks: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.KFQ_AUDIT_SEAL_DELAY_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        event = audited("a")
    assert not DBTaskResult.objects.exists()
    assert AuditSeal.objects.filter(entry_table="accounts_accessevent", entry_id=event.pk).exists()
