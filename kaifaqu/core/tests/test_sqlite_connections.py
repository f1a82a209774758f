"""The embedded SQLite database keeps its connections from one request to the next, each with a
page cache large enough for a zone's roster (config/settings/base.py): a new connection each
request parsed the schema and read the roster from the file again, a third of a zone's month
page served (docs/benchmarks.md, session 15)."""

import pytest
from django.conf import settings
from django.db import connection


def test_connections_are_kept_between_requests() -> None:
    kept = settings.DATABASES["default"]["CONN_MAX_AGE"]
    assert kept is not None and kept >= 60  # None would keep them for ever


@pytest.mark.django_db
def test_a_sqlite_connection_caches_32_mb_of_pages() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        # Negative: in KiB rather than pages (SQLite's default is -2000, 2 MB).
        assert cursor.fetchone()[0] == -32000
