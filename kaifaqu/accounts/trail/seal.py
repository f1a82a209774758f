"""The HMAC chain over the audit tables, and its verification.

Each audit row gets one AuditSeal: seal = HMAC-SHA256(KFQ_AUDIT_KEY, previous seal + the row's
canonical content), one chain per table, in the order rows were sealed. Changing, deleting or
inserting a row behind the chain's back then breaks a seal that nobody without the key can
recompute.

Why a sealing pass over unsealed rows rather than a seal written by each save: django-auditlog's
LogEntry is not our model, and LogEntry rows are also written by bulk_create (projects'
fai_bulk, the demo loader), which sends no signal. So `seal_pending` seals every row that has no
seal yet, in id order, under a lock (PostgreSQL advisory lock; SQLite's write lock, taken at
BEGIN IMMEDIATE); it runs after each commit that wrote an audit row (apps.py), from
`kfq audit seal` (cron) and before `verify` and `archive`. A row inserted and altered before the
next pass is sealed as altered: the window is one transaction in normal operation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Max

from kaifaqu.accounts.models import AccessEvent, AuditArchive, AuditSeal

# The sealed tables, their models and the column that dates a row (for retention).
SEALED: dict[str, tuple[type[models.Model], str]] = {
    "auditlog_logentry": (LogEntry, "timestamp"),
    "accounts_accessevent": (AccessEvent, "at"),
}
BATCH = 500
# Ids looked at a time (only the unsealed rows among them are read whole).
ID_CHUNK = 5_000
# pg_advisory_xact_lock key: "kfqaudit" as a number, so it collides with nobody else's lock.
LOCK_KEY = 0x6B66716175646974


def audit_key() -> bytes:
    key = str(getattr(settings, "KFQ_AUDIT_KEY", ""))
    if not key:
        raise ImproperlyConfigured("KFQ_AUDIT_KEY is not set: the audit trail cannot be sealed")
    return key.encode()


def canonical(row: models.Model) -> str:
    """The row's content as sealed: every column, sorted, as JSON (read back from the database)."""
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    return json.dumps(
        values, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":")
    )


def compute(key: bytes, previous: str, content: str) -> str:
    return hmac.new(key, (previous + content).encode(), hashlib.sha256).hexdigest()


def anchor(table: str) -> str:
    """The seal the chain starts from: the last seal carried off by the latest archive, or ''."""
    latest = AuditArchive.objects.filter(entry_table=table).order_by("-pk").first()
    return latest.last_seal if latest is not None else ""


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


# After a commit, only rows near the end of the table are looked at (cheap on every request); a
# row committed late by a long transaction, further back, is sealed by the full pass of
# `kfq audit seal` (cron), verify and archive.
RECENT = 1000


def seal_pending(*, recent_only: bool = False) -> int:
    """Seal every unsealed audit row, chaining each table's rows in id order; how many. With
    `recent_only`, only rows past the last sealed one less RECENT are looked at.

    The pass after each commit (`recent_only`) asks the database for the unsealed rows of the
    table's last RECENT ids in one anti-join: usually the one or two rows its own request wrote.
    It fetched the RECENT ids and their seals to compare them in Python: 14 queries and 2,000
    values for each audited request (the load benchmark, session 12).

    The full pass walks the ids in order from a moving lower bound, a chunk at a time, each
    compared with the seals of the same range of ids (two index range scans), and only the
    unsealed rows are read. The search was an anti-join from the first row of the table, at every
    batch and every commit: each request that wrote an audit row read the whole trail under the
    lock (250 ms at 300,000 rows on PostgreSQL, every audited request of the platform waiting in
    turn), and a backlog of 300,000 rows did not seal in a quarter of an hour (inside the sealing
    transaction the planner took the growing seal table for the few rows its statistics knew;
    the load benchmark, issue 15 item 9)."""
    key = audit_key()
    total = 0
    with transaction.atomic():
        _lock()
        for table, (model, _dated) in SEALED.items():
            chained = AuditSeal.objects.filter(entry_table=table)
            # The chain's last link, through the (table, id) index.
            last = chained.order_by("-pk").first()
            previous = last.seal if last is not None else anchor(table)
            if recent_only and last is not None:
                after = max(0, (chained.aggregate(Max("entry_id"))["entry_id__max"] or 0) - RECENT)
                pending = list(
                    model._default_manager.filter(pk__gt=after)
                    .exclude(pk__in=chained.filter(entry_id__gt=after).values("entry_id"))
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                total += len(pending)
                _seal(table, model, pending, key, previous)
                continue
            after = 0
            while True:
                ids = list(
                    model._default_manager.filter(pk__gt=after)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:ID_CHUNK]
                )
                if not ids:
                    break
                after = ids[-1]
                sealed = set(
                    chained.filter(entry_id__gte=ids[0], entry_id__lte=after).values_list(
                        "entry_id", flat=True
                    )
                )
                pending = [pk for pk in ids if pk not in sealed]
                total += len(pending)
                previous = _seal(table, model, pending, key, previous)
    return total


def _seal(
    table: str, model: type[models.Model], pending: list[int], key: bytes, previous: str
) -> str:
    """Chain these rows (ids in order) after the seal `previous`; the chain's last seal."""
    manager = model._default_manager
    for start in range(0, len(pending), BATCH):
        chunk = pending[start : start + BATCH]
        rows = manager.in_bulk(chunk)
        seals = []
        for pk in chunk:
            seal = compute(key, previous, canonical(rows[pk]))
            seals.append(AuditSeal(entry_table=table, entry_id=pk, previous=previous, seal=seal))
            previous = seal
        AuditSeal.objects.bulk_create(seals)
    return previous


@dataclass(frozen=True)
class Break:
    """The first place a chain does not hold."""

    table: str
    entry_id: int
    at: datetime | None
    reason: str

    def __str__(self) -> str:
        when = f" ({self.at:%Y-%m-%d %H:%M:%S %Z})" if self.at is not None else ""
        return f"{self.table} row {self.entry_id}{when}: {self.reason}"


def chain(table: str) -> Iterator[tuple[AuditSeal, models.Model | None]]:
    """The seals of `table` in chain order, each with its row (None when the row is gone)."""
    model, _dated = SEALED[table]
    seals = AuditSeal.objects.filter(entry_table=table).order_by("pk")
    batch: list[AuditSeal] = []
    for seal in seals.iterator(chunk_size=BATCH):
        batch.append(seal)
        if len(batch) == BATCH:
            yield from _with_rows(model, batch)
            batch = []
    yield from _with_rows(model, batch)


def _with_rows(
    model: type[models.Model], seals: list[AuditSeal]
) -> Iterator[tuple[AuditSeal, models.Model | None]]:
    rows = model._default_manager.in_bulk([seal.entry_id for seal in seals])
    for seal in seals:
        yield seal, rows.get(seal.entry_id)


def verify(*, seal_first: bool = True) -> Break | None:
    """Walk every chain from its anchor; the first broken row, or None when all hold."""
    if seal_first:
        seal_pending()
    key = audit_key()
    for table, (_model, dated) in SEALED.items():
        previous = anchor(table)
        for seal, row in chain(table):
            at: Any = getattr(row, dated) if row is not None else seal.sealed_at
            if seal.previous != previous:
                return Break(table, seal.entry_id, at, "the chain is broken before this row")
            if row is None:
                return Break(table, seal.entry_id, at, "the row was deleted")
            if not hmac.compare_digest(compute(key, previous, canonical(row)), seal.seal):
                return Break(table, seal.entry_id, at, "the row was altered")
            previous = seal.seal
    return None
