"""The database part of a backup, per engine.

SQLite: a consistent copy through the sqlite3 backup API (pages copied under SQLite's own
locking, so a running server may keep writing; a plain file copy of a database in WAL mode can
be torn). The copy is the archive's `database/kaifaqu.sqlite3`.

PostgreSQL: each table streamed with `COPY … TO STDOUT` (text format) inside one REPEATABLE READ,
READ ONLY transaction, so every table is read from the same snapshot. Chosen over `pg_dump`,
which must be at least the server's major version and installed beside the platform, and over
`dumpdata`, which goes through the models (slow, and it leaves out tables that are not models:
django_migrations, many-to-many tables of third-party apps): COPY is PostgreSQL's own lossless
text form of every column type, needs only the driver the platform already uses, and restores
every id exactly (content types included), one member per table, its rows counted as it streams.
"""

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from .errors import BackupError

Progress = Callable[[str, int, int], None]


def engine_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backup of a {connection.vendor} database is not supported")
    return connection.vendor


# SQLite -----------------------------------------------------------------------------------


def sqlite_snapshot(connection: BaseDatabaseWrapper, target: Path, progress: Progress) -> None:
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:

        def step(_status: int, remaining: int, total: int) -> None:
            progress("database", total - remaining, total)

        source.backup(copy, pages=256, progress=step)
    finally:
        copy.close()
    target.chmod(0o600)


def sqlite_tables(path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as database:
        rows = database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        ).fetchall()
    return [row[0] for row in rows]


def sqlite_state(path: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Row counts per table and applied migrations per app, read from the copy."""
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        counts = {
            table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in sqlite_tables(path)
        }
        migrations: dict[str, list[str]] = {}
        if "django_migrations" in counts:
            for app, name in database.execute("SELECT app, name FROM django_migrations"):
                migrations.setdefault(app, []).append(name)
    finally:
        database.close()
    return counts, {app: sorted(names) for app, names in migrations.items()}


def is_empty(connection: BaseDatabaseWrapper) -> bool:
    """No tables at all (a SQLite file is created empty by this first connection)."""
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


# PostgreSQL -------------------------------------------------------------------------------


def _quoted(connection: BaseDatabaseWrapper, table: str) -> str:
    return str(connection.ops.quote_name(table))


def _column_list(connection: BaseDatabaseWrapper, columns: list[str]) -> str:
    return ", ".join(_quoted(connection, column) for column in columns)


def postgres_dump(
    connection: BaseDatabaseWrapper,
    folder: Path,
    progress: Progress,
) -> tuple[dict[str, int], dict[str, list[str]], dict[str, Path], dict[str, list[str]], str]:
    """Each table into folder/<table>.copy from one snapshot.

    Returns row counts, applied migrations, the files, each table's columns and the server's
    version. The columns are named in the COPY both ways: a column's position may differ between
    two databases migrated to the same state (two apps' migrations add to one table in an order
    the migration graph leaves open).
    """
    counts: dict[str, int] = {}
    columns: dict[str, list[str]] = {}
    files: dict[str, Path] = {}
    migrations: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        if not connection.in_atomic_block:
            connection.set_autocommit(False)
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            cursor.execute("SHOW server_version")
            server = str(cursor.fetchone()[0])
            tables = sorted(connection.introspection.table_names(cursor))
            for done, table in enumerate(tables):
                path = folder / f"{table}.copy"
                rows = 0
                columns[table] = [
                    column.name
                    for column in connection.introspection.get_table_description(cursor, table)
                ]
                listed = _column_list(connection, columns[table])
                with (
                    path.open("wb") as out,
                    cursor.cursor.copy(
                        f"COPY {_quoted(connection, table)} ({listed}) TO STDOUT"
                    ) as copy,
                ):
                    for data in copy:
                        out.write(data)
                        rows += bytes(data).count(b"\n")
                counts[table] = rows
                files[table] = path
                progress("database", done + 1, len(tables))
            if "django_migrations" in tables:
                cursor.execute("SELECT app, name FROM django_migrations")
                for app, name in cursor.fetchall():
                    migrations.setdefault(app, []).append(name)
        finally:
            if not connection.in_atomic_block:
                connection.rollback()
                connection.set_autocommit(True)
    migrated = {app: sorted(names) for app, names in migrations.items()}
    return counts, migrated, files, columns, server


def postgres_load(
    connection: BaseDatabaseWrapper,
    columns: dict[str, list[str]],
    tables: Iterable[tuple[str, Iterable[bytes]]],
    progress: Progress,
) -> None:
    """Replace every archived table's rows with the archive's (schema already migrated).

    One transaction: Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so tables load in
    any order and are checked at commit. Rows that migrate put in (content types, permissions,
    data migrations' reference tables) are cleared first, so every id is the archive's.
    """
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        names = sorted(columns)
        if not names:
            raise BackupError("the archive lists no tables")
        existing = set(connection.introspection.table_names(cursor))
        unknown = sorted(set(names) - existing)
        if unknown:
            raise BackupError(f"the archive has tables this schema lacks: {', '.join(unknown)}")
        # The audit tables are append-only (accounts/trail/triggers.py); clearing what this
        # restore's own migrate wrote into an empty database is a sanctioned path, like
        # archiving: the flag is set for this transaction only.
        cursor.execute("SELECT set_config('kfq.archiving', 'on', true)")
        cursor.execute(
            "TRUNCATE " + ", ".join(_quoted(connection, name) for name in names) + " CASCADE"
        )
        for done, (name, chunks) in enumerate(tables):
            listed = _column_list(connection, columns[name])
            with cursor.cursor.copy(
                f"COPY {_quoted(connection, name)} ({listed}) FROM STDIN"
            ) as copy:
                for chunk in chunks:
                    copy.write(chunk)
            progress("database", done + 1, len(names))
        for name in names:
            for sequence in connection.introspection.get_sequences(cursor, name):
                column = _quoted(connection, sequence["column"])
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s),"
                    f" coalesce(max({column}), 1), max({column}) IS NOT NULL)"
                    f" FROM {_quoted(connection, name)}",
                    [_quoted(connection, name), sequence["column"]],
                )


def row_counts(alias: str, tables: Iterable[str]) -> dict[str, int]:
    connection = connections[alias]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {_quoted(connection, table)}")
            row: Any = cursor.fetchone()
            counts[table] = int(row[0])
    return counts
