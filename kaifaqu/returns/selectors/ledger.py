"""Reading the return ledger (models/ledger.py): a month of a block of enterprises in one row.

An import reads the same months several times (1–本月 derivation, carrying its own month in, the
review's baselines): inside `ledger_reuse()` each month's blocks are read once and kept, and
`services.ledger` writes its changes through to what is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from django.db import connection
from django.db.models import Q, QuerySet

from kaifaqu.core.frames import binary_cursor
from kaifaqu.core.lib.periods import Month
from kaifaqu.returns.models.ledger import BLOCK, LEDGER_FIELDS, NO_VALUE, ReturnLedger, unpack
from kaifaqu.returns.models.returns import NOT_PLAINLY_ACCEPTED, Return

# Up to this many runs of consecutive blocks are selected as ranges; more, and the whole month is
# read and the wanted blocks kept.
MAX_RUNS = 100


@dataclass
class MonthBlocks:
    """The ledger rows of one month read so far."""

    read: set[int] = field(default_factory=set)  # blocks asked for, with or without a row
    blocks: dict[int, np.ndarray] = field(default_factory=dict)  # block → (BLOCK, fields)


_kept: ContextVar[dict[date, MonthBlocks] | None] = ContextVar("ledger_kept", default=None)


@contextmanager
def ledger_reuse() -> Iterator[None]:
    """Keep the ledger rows read inside the block for later reads of the same block (inside an
    enclosing block, those of the enclosing one)."""
    if _kept.get() is not None:
        yield
        return
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def kept_months() -> dict[date, MonthBlocks] | None:
    return _kept.get()


def block_runs(blocks: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted, distinct blocks as runs of consecutive ones: [(first, last), …]."""
    runs: list[list[int]] = []
    for block in sorted(set(blocks)):
        if runs and block == runs[-1][1] + 1:
            runs[-1][1] = block
        else:
            runs.append([block, block])
    return [(first, last) for first, last in runs]


def block_condition(blocks: Iterable[int], *, enterprise: str | None = None) -> Q | None:
    """A condition selecting these blocks: of the ledger (`block`), or of the enterprises whose
    ids fall in them (`enterprise` names the id's lookup). None when they form too many runs to
    select in SQL: the caller reads the month and keeps what it wants."""
    runs = block_runs(blocks)
    if len(runs) > MAX_RUNS:
        return None
    condition = Q()
    for first, last in runs:
        if enterprise is None:
            condition |= Q(block__range=(first, last))
        else:
            low, high = first * BLOCK, (last + 1) * BLOCK - 1
            condition |= Q(**{f"{enterprise}__gte": low, f"{enterprise}__lte": high})
    return condition


def _fetch(sql: str, params: Any) -> list[tuple[Any, ...]]:
    if connection.vendor == "postgresql":
        with binary_cursor() as cursor:
            cursor.execute(sql, params, binary=True)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return rows


def read_blocks(periods: Iterable[date], blocks: Iterable[int]) -> dict[date, dict[int, Any]]:
    """The stored rows of these blocks in these months, as (BLOCK, fields) arrays by month and
    block (no reuse), in one query."""
    months = sorted(set(periods))
    wanted = sorted(set(blocks))
    if not wanted or not months:
        return {}
    queryset = ReturnLedger.objects.filter(period__in=months).order_by()
    condition = block_condition(wanted)
    if condition is not None:
        queryset = queryset.filter(condition)
    sql, params = queryset.values_list("period", "block", "figures").query.sql_with_params()
    rows = _fetch(sql, params)
    if condition is None:
        keep = set(wanted)
        rows = [row for row in rows if row[1] in keep]
    found: dict[date, dict[int, Any]] = {}
    if not rows:
        return found
    for (period, block, _blob), values in zip(rows, unpack([row[2] for row in rows]), strict=True):
        # A date from PostgreSQL, and from SQLite a date or its text, as converters apply.
        found.setdefault(_as_date(period), {})[block] = values
    return found


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def month_blocks(period: date, blocks: Iterable[int]) -> dict[int, Any]:
    """These blocks of the month that have a row (from what is kept, when it has them)."""
    return months_blocks([period], blocks).get(period, {})


def months_blocks(periods: Iterable[date], blocks: Iterable[int]) -> dict[date, dict[int, Any]]:
    """These blocks of these months that have a row, by month (from what is kept, when it has
    them; what is missing is read in one query)."""
    months = sorted(set(periods))
    wanted = sorted(set(blocks))
    kept = _kept.get()
    if kept is None:
        return read_blocks(months, wanted)
    incomplete = [m for m in months if m not in kept or not kept[m].read.issuperset(wanted)]
    if incomplete:
        found = read_blocks(incomplete, wanted)
        for period in incomplete:
            month = kept.setdefault(period, MonthBlocks())
            month.blocks.update(
                (block, values)
                for block, values in found.get(period, {}).items()
                if block not in month.read
            )
            month.read.update(wanted)
    return {
        period: {
            block: kept[period].blocks[block] for block in wanted if block in kept[period].blocks
        }
        for period in months
    }


def ledger_prefetch(periods: Iterable[date], enterprise_ids: Any) -> None:
    """Read these months of these enterprises' blocks in one query, for the reads that follow
    (inside `ledger_reuse()`; elsewhere it reads nothing)."""
    if _kept.get() is None:
        return
    ids = np.asarray(enterprise_ids, dtype=np.int64)
    months_blocks(periods, np.unique(ids // BLOCK).tolist())


def month_figures(
    period: date, enterprise_ids: Any, positions: list[int] | None = None
) -> np.ndarray:
    """The figures of these enterprises in this month: (len(ids), len(positions)) int64 in whole
    units, NO_VALUE where none; `positions` index LEDGER_FIELDS (None: all of them)."""
    ids = np.asarray(enterprise_ids, dtype=np.int64)
    order = None
    if len(ids) > 1 and bool((ids[1:] < ids[:-1]).any()):
        order = np.argsort(ids, kind="stable")
        ids = ids[order]
    columns = list(range(len(LEDGER_FIELDS))) if positions is None else positions
    values = np.full((len(ids), len(columns)), NO_VALUE, dtype=np.int64)
    if not len(ids):
        return values
    # Sorted ids: the enterprises of a block are one run of rows.
    numbers, starts = np.unique(ids // BLOCK, return_index=True)
    ends = np.append(starts[1:], len(ids))
    found = month_blocks(period, numbers.tolist())
    slots = ids % BLOCK
    for number, start, end in zip(numbers.tolist(), starts.tolist(), ends.tolist(), strict=True):
        block = found.get(number)
        if block is not None:
            values[start:end] = block[slots[start:end]][:, columns]
    if order is None:
        return values
    unsorted = np.empty_like(values)
    unsorted[order] = values
    return unsorted


def months_between(first: date, last: date) -> list[date]:
    months = []
    month = Month.of(first)
    while month.first_day <= last:
        months.append(month.first_day)
        month = month.shift(1)
    return months


def ledger_months(
    enterprise_ids: Iterable[int], *, first: date, last: date, fields: Iterable[str] = LEDGER_FIELDS
) -> pl.DataFrame:
    """The figures of these enterprises' returns from month `first` to `last`, one row per
    enterprise and month with a figure: enterprise_id, period and the fields in whole units
    (yuan, kWh, persons; Int64, null where not given). The months are read in one query and kept
    for the reads that follow inside `ledger_reuse()`."""
    ids = np.asarray(list(enterprise_ids), dtype=np.int64)
    months = months_between(first, last)
    with ledger_reuse():
        ledger_prefetch(months, ids)
        return ledger_periods(ids, periods=months, fields=fields)


def ledger_periods(
    enterprise_ids: Iterable[int], *, periods: Iterable[date], fields: Iterable[str] = LEDGER_FIELDS
) -> pl.DataFrame:
    """The figures of these enterprises' returns in these months (first days), as
    `ledger_months` gives them, a month at a time (kept only inside `ledger_reuse()`): a roll-up
    of a province's two years would otherwise hold every row read (24 months × 200 blocks ×
    72 KB) at once."""
    fields = list(fields)
    ids = np.unique(np.asarray(list(enterprise_ids), dtype=np.int64))
    positions = [LEDGER_FIELDS.index(name) for name in fields]
    given = [_given(period, ids, fields, positions) for period in sorted(set(periods))]
    schema = {"enterprise_id": pl.Int64, "period": pl.Date, **{name: pl.Int64 for name in fields}}
    parts = [part for part in given if part is not None]
    if not parts:
        return pl.DataFrame(schema=schema)
    return (
        pl.concat(parts)
        .with_columns(
            pl.when(pl.col(name) != NO_VALUE).then(pl.col(name)).alias(name) for name in fields
        )
        .select(schema.keys())
        .cast(schema)  # type: ignore[arg-type]
    )


def _given(period: date, ids: Any, fields: list[str], positions: list[int]) -> pl.DataFrame | None:
    """The month's figures of the enterprises among `ids` that gave any."""
    values = month_figures(period, ids, positions)
    rows = (values != NO_VALUE).any(axis=1)
    if not rows.any():
        return None
    return pl.DataFrame(
        {
            "enterprise_id": ids[rows],
            **{name: values[rows, column] for column, name in enumerate(fields)},
        }
    ).with_columns(pl.lit(period, dtype=pl.Date).alias("period"))


def ledger_sums(
    enterprise_ids: Iterable[int], *, year: int, before_month: int, fields: Iterable[str]
) -> pl.DataFrame:
    """Each enterprise's figures summed over the months of `year` before `before_month`
    (enterprise_id and the fields in whole units; enterprises without any such month left out)."""
    fields = list(fields)
    schema = {"enterprise_id": pl.Int64, **{name: pl.Int64 for name in fields}}
    ids = np.unique(np.asarray(list(enterprise_ids), dtype=np.int64))
    positions = [LEDGER_FIELDS.index(name) for name in fields]
    sums = np.zeros((len(ids), len(fields)), dtype=np.int64)
    reported = np.zeros(len(ids), dtype=bool)
    months = [date(year, month, 1) for month in range(1, before_month)]
    with ledger_reuse():
        ledger_prefetch(months, ids)
        for month in months:
            values = month_figures(month, ids, positions)
            given = values != NO_VALUE
            sums += np.where(given, values, 0)
            reported |= given.any(axis=1)
    return pl.DataFrame(
        {
            "enterprise_id": ids[reported],
            **{name: sums[reported, column] for column, name in enumerate(fields)},
        },
        schema=schema,
    )


def ledger_exceptions(periods: Sequence[date], ids: np.ndarray) -> QuerySet[Return]:
    """The returns of these months of the blocks of these firms that the ledger does not mirror
    as counted: not (yet) accepted, or an estimate. Read by their partial index
    (`stat_return_rollup_exception`, by month and firm) month by month and range of ids: the few
    of each month, not every return of the firms (SQLite, 12 zones: 700 ms through the firms'
    own (firm, month) index)."""
    ranges = block_condition(np.unique(ids // BLOCK).tolist(), enterprise="enterprise_id")
    returns = Return.objects.filter(NOT_PLAINLY_ACCEPTED, period__in=list(periods))
    return (returns.filter(ranges) if ranges is not None else returns).order_by()
