"""PostgreSQL plans the platform's queries without parallel workers (KFQ_PG_PARALLEL_WORKERS,
config/settings/base.py): on a zone's 2-core server a parallel scan took both cores for one
request (docs/benchmarks.md, session 11); and it costs a random page read as on an SSD
(KFQ_PG_RANDOM_PAGE_COST)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_platforms_connections_plan_without_parallel_workers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.django_db
def test_the_platforms_connections_cost_a_page_read_as_on_an_ssd() -> None:
    # At the server's default (4) a zone's month page read a province's roster whole: 81 ms
    # against 14 ms through the roster's index (docs/benchmarks.md, session 12).
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
