"""PostgreSQL plans the platform's queries without parallel workers (KFQ_PG_PARALLEL_WORKERS,
config/settings/base.py): on a zone's 2-core server a parallel scan took both cores for one
request (docs/benchmarks.md, session 11)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_platforms_connections_plan_without_parallel_workers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
