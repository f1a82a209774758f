"""Work on every encrypted column at once: what keys they use, rotation to the current key, and
the helpers of the data migrations that encrypt a column's existing values (and decrypt them
when migrating back).

Values are read and written with plain SQL by primary key, in batches: no model is built, no
signal sent (re-encrypting changes no data, so it makes no entry in the change history), and a
migration can use it while the column's field is half-way between plain and encrypted.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction

from .envelope import header, is_envelope
from .fields import decrypt, encrypt, encrypted_fields

BATCH = 1000


@dataclass(frozen=True)
class Column:
    table: str
    column: str
    pk: str
    context: str

    @property
    def label(self) -> str:
        return self.context


def columns() -> list[Column]:
    return [
        Column(
            table=model._meta.db_table,
            column=field.column,
            pk=model._meta.pk.column,
            context=field.context,
        )
        for model, field in encrypted_fields()
    ]


def _values(column: Column, using: str) -> Iterator[list[tuple[Any, str]]]:
    """The column's non-empty values with their keys, in batches by key (a keyset walk)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    table, name, pk = quote(column.table), quote(column.column), quote(column.pk)
    last: Any = None
    while True:
        where = f"{name} IS NOT NULL AND {name} <> ''"
        params: list[Any] = []
        if last is not None:
            where += f" AND {pk} > %s"
            params.append(last)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk}, {name} FROM {table} WHERE {where} ORDER BY {pk} LIMIT {BATCH}",
                params,
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _rewrite(column: Column, using: str, change: Callable[[str], str | None]) -> int:
    """Apply `change` to every non-empty value (None: leave it); give how many were rewritten."""
    connection = connections[using]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(column.table)} SET {quote(column.column)} = %s "
        f"WHERE {quote(column.pk)} = %s"
    )
    done = 0
    for rows in _values(column, using):
        updates = [(new, pk) for pk, value in rows if (new := change(value)) is not None]
        if updates:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.executemany(sql, updates)
            done += len(updates)
    return done


def status(using: str = "default") -> dict[str, Counter[str]]:
    """For each encrypted column, how many values each cipher and key hold ("plain": none)."""
    report: dict[str, Counter[str]] = {}
    for column in columns():
        counts: Counter[str] = Counter()
        for rows in _values(column, using):
            for _pk, value in rows:
                if is_envelope(value):
                    head = header(value)
                    counts[f"{head.cipher} {head.key_id}"] += 1
                else:
                    counts["plain"] += 1
        report[column.label] = counts
    return report


def rotate(
    using: str = "default", progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Re-encrypt every value that is not under the current key and cipher.

    Run after putting the new key in KFQ_DATA_KEY and the old one in KFQ_DATA_OLD_KEYS; when it
    is done (`kfq datakey status` shows the new key only), the old key may be removed. Running it
    twice changes nothing; an interrupted run is resumed by running it again."""
    from .keys import key_ring

    ring = key_ring()
    report: dict[str, int] = {}
    for column in columns():

        def change(value: str, column: Column = column) -> str | None:
            head = header(value)
            if head.key_id == ring.current.id and head.cipher == ring.cipher:
                return None
            return encrypt(decrypt(value, context=column.context), context=column.context)

        report[column.label] = _rewrite(column, using, change)
        if progress is not None:
            progress(column.label, report[column.label])
    return report


# The data migrations' helpers ------------------------------------------------------------


def encrypt_column(
    schema_editor: Any, *, table: str, column: str, context: str, pk: str = "id"
) -> int:
    """Encrypt a column's plaintext values in place (values already encrypted are left)."""
    target = Column(table=table, column=column, pk=pk, context=context)
    return _rewrite(
        target,
        schema_editor.connection.alias,
        lambda value: None if is_envelope(value) else encrypt(value, context=context),
    )


def decrypt_column(
    schema_editor: Any, *, table: str, column: str, context: str, pk: str = "id"
) -> int:
    """The reverse: write the plaintext back (for migrating to before the encryption)."""
    target = Column(table=table, column=column, pk=pk, context=context)

    return _rewrite(
        target,
        schema_editor.connection.alias,
        lambda value: decrypt(value, context=context) if is_envelope(value) else None,
    )
