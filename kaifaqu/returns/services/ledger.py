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
    LEDGER_FIELDS,
    NO_VALUE,
    ReturnLedger,
    pack,
)
from kaifaqu.returns.selectors.ledger import (
    block_condition,
    kept_months,
    month_blocks,
)


def _month(period: date | str) -> date:
    if isinstance(period, date):
        return period.replace(day=1)
    return date(int(str(period)[:4]), int(str(period)[5:7]), 1)


def ledger_update(keys: Iterable[tuple[int, date | str]]) -> int:
    """The returns of these (enterprise_id, month) were written (created, changed or deleted):
    rebuild their ledger rows from the returns now; give the rows written."""
    by_month: dict[date, set[int]] = {}
    for enterprise_id, period in keys:
        by_month.setdefault(_month(period), set()).add(enterprise_id // BLOCK)
    return sum(
        _rebuild_month(period, sorted(blocks)) for period, blocks in sorted(by_month.items())
    )


def whole_units(frame: pl.DataFrame, fields: Iterable[str] = LEDGER_FIELDS) -> pl.DataFrame:
    """Stored figures (万元, 万千瓦时, as floats) → whole yuan and kWh (Int64)."""
    return frame.with_columns((pl.col(name) * 10_000).round(0).cast(pl.Int64) for name in fields)


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
    months = _returns_of(period, blocks)
    built = _blocks_of(months)
    with transaction.atomic():
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
        stored = month_blocks(period, numbers.tolist())
        stacked = np.full((len(numbers), BLOCK, len(LEDGER_FIELDS)), NO_VALUE, dtype=np.int64)
        for index, number in enumerate(numbers.tolist()):
            if number in stored:
                stacked[index] = stored[number]
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
            with binary_cursor() as cursor:  # the 64 KB values sent as bytes (%b)
                cursor.executemany(head + "VALUES (%s, %s, %b) " + conflict, rows)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(head + "VALUES (%s, %s, %s) " + conflict, rows)
