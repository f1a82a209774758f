"""The seal after each commit reads the end of the trail only, and a full pass reads each row once
(accounts/trail/seal.py). Both read the whole trail before: 250 ms under the lock for every
audited request at 300,000 rows, and a backlog of 300,000 rows took more than a quarter of an hour
to seal (the load benchmark, issue 15 item 9)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaifaqu.accounts.models import AccessEvent, AuditSeal
from kaifaqu.accounts.trail import seal_pending, verify
from kaifaqu.accounts.trail.seal import BATCH, ID_CHUNK, RECENT

pytestmark = pytest.mark.django_db


def events(*ids: int) -> None:
    AccessEvent.objects.bulk_create(
        [AccessEvent(pk=pk, kind="figures_read", username=f"u{pk}") for pk in ids]
    )


def test_the_seal_after_a_commit_looks_at_the_end_of_the_trail_only() -> None:
    first, last = 10_000, 10_000 + RECENT + 200
    events(*range(first, last + 1))
    assert seal_pending() == last - first + 1
    # A row committed late by a long transaction, far behind the end, and a new one at the end.
    events(first - 5, last + 1)
    assert seal_pending(recent_only=True) == 1
    assert AuditSeal.objects.filter(entry_id=last + 1).exists()
    assert not AuditSeal.objects.filter(entry_id=first - 5).exists()
    # The full pass (`kfq audit seal`, verify, archive) seals it.
    assert seal_pending() == 1
    assert verify() is None


def test_a_backlog_is_read_once_from_a_moving_lower_bound() -> None:
    events(*range(1, ID_CHUNK + BATCH + 2))
    with CaptureQueriesContext(connection) as queries:
        assert seal_pending() == ID_CHUNK + BATCH + 1
    scans = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "accounts_accessevent" WHERE "accounts_accessevent"."id" >' in query["sql"]
    ]
    # Two chunks of ids and the empty one after, each from the last id of the one before; no
    # search ever starts from the first row again.
    bounds = (0, ID_CHUNK, ID_CHUNK + BATCH + 1)
    assert len(scans) == 3
    assert all(f'"id" > {after}' in sql for sql, after in zip(scans, bounds, strict=True))
    assert seal_pending() == 0
    assert verify() is None


def test_the_seal_after_a_commit_asks_the_database_for_the_unsealed_rows_only() -> None:
    # A window's worth of sealed rows, then the one row a request writes.
    events(*range(1, RECENT + 1))
    seal_pending()
    events(RECENT + 1)
    with CaptureQueriesContext(connection) as queries:
        assert seal_pending(recent_only=True) == 1
    asked = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    # The access log: its last seal, its highest sealed id, the unsealed ids of the window in one
    # anti-join, the row and its seal; the data changes, never sealed yet: the last seal, the
    # anchor, the ids; the lock on PostgreSQL. It read the window's ids and their seals and
    # compared them in Python: two queries more and 2,000 values.
    assert len(asked) <= (9 if connection.vendor == "postgresql" else 8)
    assert not any(
        f"LIMIT {ID_CHUNK}" in sql and 'FROM "accounts_accessevent"' in sql for sql in asked
    )
    assert verify() is None
