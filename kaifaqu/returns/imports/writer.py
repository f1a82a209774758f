"""Set-based writing of imported returns: compare with what is stored, upsert only what differs.

One multi-row `INSERT … ON CONFLICT (enterprise_id, period) DO UPDATE … WHERE <a value differs>`
per chunk, through Django's connection; SQLite (≥ 3.35, for RETURNING) and PostgreSQL both
understand it. Rows equal to the stored return are never sent, so a re-import touches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from kaifaqu.accounts.models import User
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.returns.models import MONTHLY_FIELDS, Return, ReturnSource, ReturnStatus

Progress = Callable[[str, int, int], None]
KEY = ["enterprise_id", "period"]


@dataclass(frozen=True)
class Plan:
    created: pl.DataFrame
    updated: pl.DataFrame
    unchanged: int
    before: pl.DataFrame  # the stored figures of the updated returns (for the change log)


def plan(candidates: pl.DataFrame, stored: pl.DataFrame) -> Plan:
    """Split candidates into new returns, changed returns and unchanged ones (null-safe)."""
    joined = candidates.join(
        stored.rename({f: f"{f}|old" for f in MONTHLY_FIELDS}), on=KEY, how="left"
    )
    differs = pl.any_horizontal(pl.col(f).ne_missing(pl.col(f"{f}|old")) for f in MONTHLY_FIELDS)
    if "is_estimate" in stored.columns:
        # The firm's own figures replace an estimate (估算) even where they are equal to it.
        differs = differs | pl.col("is_estimate").fill_null(False)
    new = joined.filter(pl.col("id").is_null())
    existing = joined.filter(pl.col("id").is_not_null())
    changed = existing.filter(differs)
    return Plan(
        created=new.select(candidates.columns),
        updated=changed.select(candidates.columns),
        unchanged=existing.height - changed.height,
        before=changed.select(
            "id",
            "enterprise_id",
            "period",
            "status",
            (
                pl.col("is_estimate").fill_null(False)
                if "is_estimate" in changed.columns
                else pl.lit(False)
            ).alias("is_estimate"),
            "source",
            *(pl.col(f"{f}|old").alias(f) for f in MONTHLY_FIELDS),
        ),
    )


def _chunk_size() -> int:
    # SQLite allows 32,766 bound parameters per statement; PostgreSQL 65,535.
    per_row = 8 + len(MONTHLY_FIELDS)
    limit = 32_000 if connection.vendor == "sqlite" else 65_000
    return min(2_000, limit // per_row)


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Whole units to the stored decimals as text ('15000000' → '1500.0000'), exact."""
    money = [f for f in MONTHLY_FIELDS if f != "employees"]

    def text(name: str) -> pl.Expr:
        whole = pl.col(name).abs()
        return (
            pl.when(pl.col(name) < 0).then(pl.lit("-")).otherwise(pl.lit(""))
            + (whole // 10_000).cast(pl.Utf8)
            + "."
            + (whole % 10_000).cast(pl.Utf8).str.zfill(4)
        ).alias(name)

    return frame.with_columns(
        *(text(f) for f in money),
        pl.col("period").dt.strftime("%Y-%m-%d"),
    )


def upsert(
    frame: pl.DataFrame,
    *,
    by: User,
    now: datetime,
    progress: Progress | None,
    done: int,
    total: int,
    new: bool = False,
) -> pl.DataFrame:
    """Insert or update these returns as submitted imports; the rows written, as their 'id',
    'enterprise_id' and 'period'. `new`: none of them is stored yet (the plan says so, inside
    the import's transaction), so SQLite may insert them plainly."""
    if not frame.height:
        return _written([])
    table = connection.ops.quote_name(Return._meta.db_table)
    q = connection.ops.quote_name
    fields = list(MONTHLY_FIELDS)
    insert_columns = [
        "enterprise_id",
        "period",
        *fields,
        "status",
        "source",
        "submitted_at",
        "submitted_by_id",
        "created_at",
        "updated_at",
        "explanation",
        "supporting_document",
        "is_illustrative",
        "is_estimate",
    ]
    distinct = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"
    row_sql = "(" + ", ".join(["?"] * (len(insert_columns))) + ")"
    updated = [
        *fields,
        "status",
        "source",
        "submitted_at",
        "submitted_by_id",
        "updated_at",
        "is_estimate",
    ]
    head = f"INSERT INTO {table} ({', '.join(q(c) for c in insert_columns)}) VALUES "
    tail = (
        f" ON CONFLICT ({q('enterprise_id')}, {q('period')}) DO UPDATE SET "
        + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in updated)
        + " WHERE "
        + " OR ".join(f"{table}.{q(f)} {distinct} excluded.{q(f)}" for f in fields)
        # An estimate (估算) becomes the firm's return, figures equal or not.
        + f" OR {table}.{q('is_estimate')}"
        + f" RETURNING {q('id')}, {q('enterprise_id')}, {q('period')}"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    constant = (
        ReturnStatus.SUBMITTED.value,
        ReturnSource.IMPORT.value,
        stamp,
        getattr(by, "pk", None),
        stamp,
        stamp,
        "",
        "",
        False,
        False,
    )
    text = _as_text(frame.select("enterprise_id", "period", *fields))
    if connection.vendor == "postgresql":
        return _upsert_by_copy(text, insert_columns, tail, constant, progress, done, total)
    if new:
        return _insert_new(text, head, row_sql, constant, progress, done, total)
    rows = text.rows()
    size = _chunk_size()
    written: list[tuple[Any, ...]] = []
    connection.ensure_connection()
    with connection.cursor():
        # SQLite's own placeholder: the statement goes to the driver's cursor, skipping the
        # rewriting of '%s' that Django's wrapper does on every (long) statement.
        cursor = connection.connection.cursor()
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params: list[Any] = []
            for row in chunk:
                params.extend(row)
                params.extend(constant)
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, params)
            written.extend(cursor.fetchall())
            if progress:
                progress("write", done + start + len(chunk), total)
    return _written(written)


# Rows per executemany call of new returns (a progress step).
INSERT_CHUNK = 20_000


def _insert_new(
    text: pl.DataFrame,
    head: str,
    row_sql: str,
    constant: tuple[Any, ...],
    progress: Progress | None,
    done: int,
    total: int,
) -> pl.DataFrame:
    """SQLite, returns not stored yet: a prepared single-row INSERT run by executemany, four
    times faster than multi-row upserts with RETURNING. The import holds the database's write
    lock, so no one else inserts meanwhile: the rows take the ids after the largest one before,
    one after the other in the order they are sent (checked, not assumed)."""
    table = connection.ops.quote_name(Return._meta.db_table)
    connection.ensure_connection()
    with connection.cursor():
        cursor = connection.connection.cursor()
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        (before,) = cursor.fetchone()
        # In the order of the (enterprise, period) index: each insert lands next to the last one
        # instead of on a page the cache has long dropped (3x faster on a province's table).
        ordered = text.sort("enterprise_id", "period")
        rows = ordered.rows()
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start : start + INSERT_CHUNK]
            cursor.executemany(head + row_sql, [row + constant for row in chunk])
            if progress:
                progress("write", done + start + len(chunk), total)
        cursor.execute(f"SELECT min(id), max(id), count(*) FROM {table} WHERE id > ?", (before,))
        first, last, count = cursor.fetchone()
    if count != text.height or last - first + 1 != count:
        raise RuntimeError("the new returns did not take consecutive ids: another writer?")
    return ordered.select(
        pl.int_range(first, last + 1, dtype=pl.Int64).alias("id"),
        "enterprise_id",
        pl.col("period").str.to_date("%Y-%m-%d"),
    )


WRITTEN_SCHEMA = {"id": pl.Int64, "enterprise_id": pl.Int64, "period": pl.Date}


def _written(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    """Rows of (id, enterprise_id, period) as a frame; the period a date (PostgreSQL) or its
    text (SQLite's RETURNING, which applies no converter)."""
    if rows and isinstance(rows[0][2], date):
        return pl.DataFrame(rows, schema=WRITTEN_SCHEMA, orient="row")
    frame = pl.DataFrame(rows, schema={**WRITTEN_SCHEMA, "period": pl.Utf8}, orient="row")
    return frame.with_columns(pl.col("period").str.slice(0, 10).str.to_date("%Y-%m-%d"))


STAGING = "kfq_return_import"


def _upsert_by_copy(
    text: pl.DataFrame,
    insert_columns: list[str],
    tail: str,
    constant: tuple[Any, ...],
    progress: Progress | None,
    done: int,
    total: int,
) -> pl.DataFrame:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT … SELECT … ON CONFLICT."""
    q = connection.ops.quote_name
    table = q(Return._meta.db_table)
    fields = list(MONTHLY_FIELDS)
    money = ", ".join(f"{q(f)} numeric(16, 4)" for f in fields[:-1])
    columns = ["enterprise_id", "period", *fields]
    # Typed, as a SELECT list does not take the target columns' types from parameters.
    constants = (
        "%s, %s, %s::timestamptz, %s::bigint, %s::timestamptz, %s::timestamptz, %s, %s, %s, %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGING} (enterprise_id bigint, period date, {money}, "
            f"{q('employees')} integer)"
        )
        driver = cursor.cursor  # psycopg's cursor, for COPY
        with driver.copy(
            f"COPY {STAGING} ({', '.join(q(c) for c in columns)}) FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            copy.write(text.select(columns).write_csv(include_header=False))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(q(c) for c in insert_columns)}) "
            f"SELECT {', '.join('s.' + q(c) for c in columns)}, {constants} FROM {STAGING} s "
            # In index order: each row lands next to the one before (see _insert_new).
            "WHERE true ORDER BY s.enterprise_id, s.period" + tail,
            list(constant),
        )
        written = cursor.fetchall()
        cursor.execute(f"DROP TABLE {STAGING}")
    if progress:
        progress("write", done + text.height, total)
    return _written(written)


def _shown(whole: int | None, field: str) -> str:
    if whole is None:
        return "None"
    if field == "employees":
        return str(whole)
    sign = "-" if whole < 0 else ""
    integer, fraction = divmod(abs(whole), 10_000)
    return f"{sign}{integer}.{fraction:04d}"


def log_updates(
    *, updated: pl.DataFrame, before: pl.DataFrame, by: User, now: datetime, file_name: str
) -> None:
    """One change-log entry per updated return with each changed figure's old and new value.

    The upsert bypasses the ORM, so django-auditlog's signals do not see it; the entries are
    written here in bulk, in the same form. New returns are recorded by the `ReturnImport`.
    """

    if not updated.height:
        return
    after = before.select("id", "enterprise_id", "period").join(
        updated.select("enterprise_id", "period", *MONTHLY_FIELDS), on=["enterprise_id", "period"]
    )
    old = {row["id"]: row for row in before.iter_rows(named=True)}
    names = dict(
        Enterprise.objects.filter(pk__in=after["enterprise_id"].unique().to_list()).values_list(
            "pk", "name"
        )
    )
    content_type = ContentType.objects.get_for_model(Return)
    entries = []
    for row in after.iter_rows(named=True):
        previous = old[row["id"]]
        changes = {
            f: [_shown(previous[f], f), _shown(row[f], f)]
            for f in MONTHLY_FIELDS
            if previous[f] != row[f]
        }
        if previous["status"] != ReturnStatus.SUBMITTED:
            changes["status"] = [previous["status"], ReturnStatus.SUBMITTED.value]
        if previous["is_estimate"]:
            changes["is_estimate"] = ["True", "False"]
            changes["source"] = [ReturnSource.ESTIMATE.value, ReturnSource.IMPORT.value]
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(row["id"]),
                object_id=row["id"],
                object_repr=f"{names.get(row['enterprise_id'], '')} {row['period']:%Y-%m}",
                action=LogEntry.Action.UPDATE,
                changes=changes,
                changes_text="",
                actor=by,
                timestamp=now,
                additional_data={"import": file_name},
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=1_000)
