"""Bulk loading of generated data (the synthetic province): `bulk_session` turns off the fsync of
each SQLite commit while it runs and refreshes the planner's statistics afterwards; rows are
written with `kaifaqu.core.frames.insert_frame`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def bulk_session() -> Iterator[None]:
    """On SQLite, skip the fsync of every commit while the returns are written; on either
    database, bring the planner's statistics up to date when done.

    Not inside a caller's transaction (SQLite refuses to change it there; nothing commits then).
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor != "sqlite":
        yield
        analyze()
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-200000")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
    analyze()


def analyze() -> None:
    # Millions of rows just loaded: until autovacuum gets to them (PostgreSQL) or ever (SQLite),
    # the planner would take the tables for nearly empty and choose nested loops over them.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
