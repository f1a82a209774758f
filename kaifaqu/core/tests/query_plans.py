"""The plan the database chooses for a query, for tests that a query is served by its index."""

from typing import Any

from django.db import connection
from django.db.models import QuerySet


def query_plan(queryset: QuerySet[Any], *, without_sort: bool = False) -> str:
    """EXPLAIN (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of the queryset, as one text.

    ``without_sort`` asks PostgreSQL for the plan that avoids a sort where an index can give the
    order: on a test's handful of rows, sorting them is as cheap as any index, and which of the two
    the planner picked changed with the statistics of earlier tests' rows."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The tables are tiny: make PostgreSQL say whether the index can serve the query.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            if without_sort:
                cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            # Statistics an earlier test's ANALYZE left (a flush of the tables keeps them) would
            # plan this test's handful of rows as that test's thousands (a plan test failed in
            # one random order of the suite); dropped inside the test's transaction.
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1")
                cursor.execute("ANALYZE sqlite_master")
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())
