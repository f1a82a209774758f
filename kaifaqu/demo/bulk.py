"""Set-based writing of polars frames into a model's table, as fast as the database allows.

PostgreSQL: `COPY … FROM STDIN` (CSV) through psycopg's `cursor.copy`. SQLite: `executemany` of
the frame's rows; `bulk_session` turns off the fsync of each commit while it runs. The rows bypass
the ORM, its validation and the audit log: for generated data only (the synthetic province).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import polars as pl
from django.db import connection, models


def timestamps(now: Any) -> list[pl.Expr]:
    text = now.strftime("%Y-%m-%d %H:%M:%S") + (
        "+00:00" if connection.vendor == "postgresql" else ""
    )
    return [pl.lit(text).alias("created_at"), pl.lit(text).alias("updated_at")]


def insert_frame(model: type[models.Model], frame: pl.DataFrame) -> int:
    """Append the frame (columns named as the table's) to the model's table; give rows written."""
    frame = _complete(model, frame)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False, null_value="\\N")
            sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(sql) as copy:
                copy.write(buffer.getvalue())
        else:
            rows = frame.with_columns(
                pl.col(pl.Date).dt.strftime("%Y-%m-%d"), pl.col(pl.Boolean).cast(pl.Int8)
            ).iter_rows()
            marks = ", ".join("%s" for _ in frame.columns)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            # A generator, not a list: the rows are never all in memory at once.
            cursor.executemany(sql, cast(Any, rows))
    return frame.height


def _complete(model: type[models.Model], frame: pl.DataFrame) -> pl.DataFrame:
    """Add the model's other columns with their defaults (a column added later stays valid)."""
    missing = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.column not in frame.columns
    ]
    for field in missing:
        default = field.get_default()
        if default is None and not field.null:
            raise ValueError(f"{model.__name__}.{field.name} has no default to generate")
        frame = frame.with_columns(pl.lit(default).alias(field.column))
    return frame


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
