"""Bulk loading of generated data (the synthetic province): `bulk_session` turns off the fsync of
each SQLite commit while it runs; rows are written with `kaifaqu.core.frames.insert_frame`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def bulk_session() -> Iterator[None]:
    """On SQLite, skip the fsync of every commit while the returns are written.

    Not inside a caller's transaction (SQLite refuses to change it there; nothing commits then).
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-200000")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
