"""Keeping the return ledger (models/ledger.py) equal to the returns.

One rule: a ledger row is the figures of its month's returns of its block of enterprises. The
ledger is written by the services that write returns, in the same transaction, explicitly: no
signal, no queryset override (issue 13). Three ways in:

- `ledger_update(keys)`: a service that wrote a few returns (a reporter's form, the demo loader's
  bulk create) names the (enterprise_id, month) pairs it wrote; their (month, block) rows are
  rebuilt from the returns at once, so a read later in the same transaction sees them.
- `ledger_record(written)`: an import, which writes returns set-based, hands over what it wrote;
  the month's rows are updated from the ledger itself, without reading the month's returns again.
- `ledger_rebuild`: from the returns, for chosen enterprises and months or all of them (bulk
  loaders, `kfq rollup --all`, the migration that created the ledger).

A status change (submit, accept, send back) does not touch the figures and needs no call.
`returns/tests/test_ledger.py` checks every service that writes returns against a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.db.models import Q

from kaifaqu.core.frames import binary_cursor, queryset_frame
from kaifaqu.returns.models import Return
from kaifaqu.returns.models.ledger import (
    BLOCK,
    LEDGER_COUNTS,
    LEDGER_FIELDS,
    NO_VALUE,
    ReturnLedger,
    pack,
)
from kaifaqu.returns.selectors.ledger import (
    block_condition,
    kept_months,
    read_blocks,
)


def _month(period: date | str) -> date:
    if isinstance(period, date):
        return period.replace(day=1)
    return date(int(str(period)[:4]), int(str(period)[5:7]), 1)


# Up to this many returns written are carried into their blocks slot by slot (a reporter's
# save, an estimate or two); more, and their blocks are rebuilt from the month's returns.
MAX_SLOTS = 64


def ledger_update(keys: Iterable[tuple[int, date | str]]) -> int:
    """The returns of these (enterprise_id, month) were written (created, changed or deleted):
    bring their ledger rows up to date now; give the rows written.

    A few returns are carried into the stored rows slot by slot: a reporter's save read back
    its block's thousand returns of the month to write one firm's figures (3–9 ms of
    PostgreSQL a save at a province's month end; the load benchmark, session 12). More are
    rebuilt from the returns."""
    by_month: dict[date, set[int]] = {}
    for enterprise_id, period in keys:
        by_month.setdefault(_month(period), set()).add(enterprise_id)
    written = 0
    for period, enterprise_ids in sorted(by_month.items()):
        blocks = sorted({enterprise_id // BLOCK for enterprise_id in enterprise_ids})
        if len(enterprise_ids) <= MAX_SLOTS:
            written += _carry_slots(period, sorted(enterprise_ids), blocks)
        else:
            written += _rebuild_month(period, blocks)
    return written


def _lock_blocks(period: date, blocks: list[int] | None) -> None:
    """Serialise the writers of these blocks of the month until the transaction ends (all of
    its blocks: None).

    Each writer reads (the returns, or the stored row) and then writes the block's row whole; on
    PostgreSQL two writers of one block at once would each write what it read, and the one that
    commits last would drop the other's firm. Advisory locks: a block's writers take the month's
    lock shared and the block's exclusive, a rebuild of the whole month the month's exclusive.
    SQLite has one writer at a time already."""
    if connection.vendor != "postgresql":
        return
    month_key = LOCK_SPACE + period.year * 12 + period.month - 1
    with connection.cursor() as cursor:
        if blocks is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [month_key])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [month_key])
        # Always in the same order (the month, then the blocks in order): no deadlock.
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, block + 1)) FROM unnest(%s::int[]) AS block",
            [month_key, sorted(blocks)],
        )


# The ledger's advisory lock keys: (LOCK_SPACE + the month's number, 0 or block + 1).
LOCK_SPACE = 0x6C640000  # "ld"


def _stored_stack(period: date, blocks: list[int]) -> np.ndarray:
    """The stored rows of these blocks of the month as one (blocks, BLOCK, fields) array,
    NO_VALUE where a block has no row. Read from the database, not from what an import keeps:
    the caller holds the blocks' lock, and another writer may have committed a row since."""
    stored = read_blocks([period], blocks).get(period, {})
    stacked = np.full((len(blocks), BLOCK, len(LEDGER_FIELDS)), NO_VALUE, dtype=np.int64)
    for index, block in enumerate(blocks):
        if block in stored:
            stacked[index] = stored[block]
    return stacked


def _carry_slots(period: date, enterprise_ids: list[int], blocks: list[int]) -> int:
    """Write these firms' returns of the month into their slots of the stored rows."""
    with transaction.atomic():
        _lock_blocks(period, blocks)
        current = whole_units(
            queryset_frame(
                Return.objects.filter(
                    period=period, is_estimate=False, enterprise_id__in=enterprise_ids
                ),
                {
                    "enterprise_id": ("enterprise_id", pl.Int64),
                    **{name: (name, pl.Float64) for name in LEDGER_FIELDS},
                },
            )
        )
        stacked = _stored_stack(period, blocks)
        numbers = np.asarray(blocks, dtype=np.int64)
        ids = np.asarray(enterprise_ids, dtype=np.int64)
        # A firm without a return of its own now (deleted, or an estimate) has no figures.
        _place(stacked, numbers, ids, np.full((len(ids), len(LEDGER_FIELDS)), NO_VALUE))
        if not current.is_empty():
            _place(
                stacked,
                numbers,
                current["enterprise_id"].to_numpy().astype(np.int64),
                _values(current),
            )
        rows = dict(zip(blocks, stacked, strict=True))
        # A row is the month's returns of its block: none left, no row.
        empty = [block for block, values in rows.items() if (values == NO_VALUE).all()]
        if empty:
            gone = ReturnLedger.objects.filter(period=period, block__in=empty)
            gone._raw_delete(gone.db)
        kept_rows = {block: values for block, values in rows.items() if block not in empty}
        _write(period, kept_rows)
    kept = kept_months()
    if kept is not None and period in kept:
        for block in empty:
            kept[period].blocks.pop(block, None)
        kept[period].blocks.update(kept_rows)
        kept[period].read.update(blocks)
    return len(kept_rows)


def whole_units(frame: pl.DataFrame, fields: Iterable[str] = LEDGER_FIELDS) -> pl.DataFrame:
    """Stored figures (万元, 万千瓦时, head counts, as floats) → whole yuan, kWh and persons
    (Int64)."""
    return frame.with_columns(
        (pl.col(name).cast(pl.Float64) * (1 if name in LEDGER_COUNTS else 10_000))
        .round(0)
        .cast(pl.Int64)
        for name in fields
    )


def ledger_rebuild(
    *, enterprise_ids: Iterable[int] | None = None, periods: Iterable[date] | None = None
) -> int:
    """Rebuild the ledger rows of these enterprises' blocks in these months (None: all) from the
    returns; give the rows written."""
    blocks = None if enterprise_ids is None else sorted({i // BLOCK for i in enterprise_ids})
    if periods is None:
        stored = Return.objects.order_by().values_list("period", flat=True).distinct()
        kept = ReturnLedger.objects.order_by().values_list("period", flat=True).distinct()
        periods = {*stored, *kept}
    return sum(_rebuild_month(period, blocks) for period in sorted({_month(p) for p in periods}))


def _rebuild_month(period: date, blocks: list[int] | None) -> int:
    """Rebuild the month's rows of these blocks (None: every block) from its returns."""
    with transaction.atomic():
        _lock_blocks(period, blocks)
        months = _returns_of(period, blocks)
        built = _blocks_of(months)
        stale = ReturnLedger.objects.filter(period=period)
        if blocks is not None:
            condition = block_condition(blocks)
            stale = stale.filter(condition if condition is not None else Q(block__in=blocks))
        stale._raw_delete(stale.db)
        _write(period, built)
    kept = kept_months()
    if kept is not None and period in kept:
        if blocks is None:
            del kept[period]
        else:
            # Read again when next asked for.
            kept[period].read.difference_update(blocks)
            for block in blocks:
                kept[period].blocks.pop(block, None)
    return len(built)


def _returns_of(period: date, blocks: list[int] | None) -> pl.DataFrame:
    """enterprise_id and LEDGER_FIELDS (whole units) of the month's returns in these blocks;
    not estimates (估算): the ledger is the firms' own history, which review compares with."""
    queryset = Return.objects.filter(period=period, is_estimate=False)
    condition = None if blocks is None else block_condition(blocks, enterprise="enterprise_id")
    if condition is not None:
        queryset = queryset.filter(condition)
    columns: dict[str, tuple[Any, Any]] = {
        "enterprise_id": ("enterprise_id", pl.Int64),
        **{name: (name, pl.Float64) for name in LEDGER_FIELDS},
    }
    months = whole_units(queryset_frame(queryset, columns))
    if blocks is not None and condition is None:
        months = months.filter((pl.col("enterprise_id") // BLOCK).is_in(blocks))
    return months


def _blocks_of(months: pl.DataFrame) -> dict[int, np.ndarray]:
    """enterprise_id and LEDGER_FIELDS of one month's returns → block → (BLOCK, fields)."""
    if months.is_empty():
        return {}
    ids = months["enterprise_id"].to_numpy().astype(np.int64)
    numbers = np.unique(ids // BLOCK)
    stacked = np.full((len(numbers), BLOCK, len(LEDGER_FIELDS)), NO_VALUE, dtype=np.int64)
    _place(stacked, numbers, ids, _values(months))
    return dict(zip(numbers.tolist(), stacked, strict=True))


def _values(months: pl.DataFrame) -> np.ndarray:
    return (
        months.select(pl.col(name).fill_null(NO_VALUE) for name in LEDGER_FIELDS)
        .to_numpy()
        .astype(np.int64, copy=False)
    )


def _place(stacked: np.ndarray, numbers: np.ndarray, ids: np.ndarray, values: np.ndarray) -> None:
    """Put each enterprise's figures into its slot of its block (blocks in the order of
    `numbers`, which holds every block of `ids`)."""
    stacked[np.searchsorted(numbers, ids // BLOCK), ids % BLOCK] = values


def ledger_record(written: pl.DataFrame) -> None:
    """Carry returns an import has just written into the ledger: `written` has enterprise_id,
    period and LEDGER_FIELDS in whole units, one row per return written."""
    if written.is_empty():
        return
    for (period,), months in written.group_by("period"):
        ids = months["enterprise_id"].to_numpy().astype(np.int64)
        numbers = np.unique(ids // BLOCK)
        _lock_blocks(period, numbers.tolist())
        stacked = _stored_stack(period, numbers.tolist())
        # The written returns over the stored ones.
        _place(stacked, numbers, ids, _values(months))
        blocks = dict(zip(numbers.tolist(), stacked, strict=True))
        _write(period, blocks)
        kept = kept_months()
        if kept is not None and period in kept:
            kept[period].blocks.update(blocks)
            kept[period].read.update(blocks)


def _write(period: date, blocks: dict[int, np.ndarray]) -> None:
    """Insert or replace the month's rows of these blocks."""
    if not blocks:
        return
    q = connection.ops.quote_name
    table = q(ReturnLedger._meta.db_table)
    numbers = list(blocks)
    packed = pack(blocks[number] for number in numbers)
    month = connection.ops.adapt_datefield_value(period)
    head = f"INSERT INTO {table} ({q('period')}, {q('block')}, {q('figures')}) "
    conflict = (
        f"ON CONFLICT ({q('period')}, {q('block')}) "
        f"DO UPDATE SET {q('figures')} = excluded.{q('figures')}"
    )
    rows = [(month, number, figures) for number, figures in zip(numbers, packed, strict=True)]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with binary_cursor() as cursor:  # the 72 KB values sent as bytes (%b)
                cursor.executemany(head + "VALUES (%s, %s, %b) " + conflict, rows)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(head + "VALUES (%s, %s, %s) " + conflict, rows)
