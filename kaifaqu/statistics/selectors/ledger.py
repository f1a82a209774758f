"""Reading the return ledger (models/ledger.py): many months of many enterprises in two rows each.

An import reads the same ledger rows three times (1–本月 derivation, carrying its own months in,
the review's baselines): inside `ledger_reuse()` each year's rows are read once and kept, and
`services.ledger` writes its changes through to what is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from django.db import connection

from kaifaqu.statistics.models.ledger import LEDGER_FIELDS, MONTHS, NO_VALUE, ReturnLedger, unpack

# Enterprises per `IN (...)` list; above it the whole year is read and the wanted kept.
CHUNK = 10_000

KEY_SCHEMA = {"enterprise_id": pl.Int64, "year": pl.Int32}


@dataclass
class YearRows:
    """The ledger rows of one year read for a set of enterprises (ids sorted, figures aligned)."""

    asked: frozenset[int]
    ids: Any  # int64 array, sorted
    figures: Any  # (rows, 12, fields)


_kept: ContextVar[dict[int, YearRows] | None] = ContextVar("ledger_kept", default=None)


@contextmanager
def ledger_reuse() -> Iterator[None]:
    """Keep the ledger rows read inside the block for later reads of the same block."""
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def kept_years() -> dict[int, YearRows] | None:
    return _kept.get()


def _read_year(year: int, wanted: list[int]) -> YearRows:
    queryset = ReturnLedger.objects.filter(year=year).order_by()
    if len(wanted) <= CHUNK:
        querysets = [
            queryset.filter(enterprise_id__in=wanted[start : start + CHUNK])
            for start in range(0, len(wanted), CHUNK)
        ]
    else:
        querysets = [queryset]
    rows: list[tuple[int, bytes]] = []
    with connection.cursor() as cursor:
        for part in querysets:
            sql, params = part.values_list("enterprise_id", "figures").query.sql_with_params()
            cursor.execute(sql, params)
            rows.extend(cursor.fetchall())
    enterprise_ids, blobs = zip(*rows, strict=True) if rows else ((), ())
    ids = np.array(enterprise_ids, dtype=np.int64)
    figures = unpack(list(blobs))
    order = np.argsort(ids, kind="stable")
    ids, figures = ids[order], figures[order]
    if len(wanted) > CHUNK:
        keep = np.isin(ids, np.asarray(wanted, dtype=np.int64))
        ids, figures = ids[keep], figures[keep]
    return YearRows(asked=frozenset(wanted), ids=ids, figures=figures)


def year_rows(year: int, enterprise_ids: Iterable[int]) -> YearRows:
    """The ledger rows of these enterprises in this year (from what is kept, when it covers them)."""
    from kaifaqu.statistics.services.ledger import ledger_flush

    # Saves not yet carried into the ledger (marks inside a transaction) are carried now.
    ledger_flush()
    wanted = sorted(set(enterprise_ids))
    kept = _kept.get()
    if kept is not None and year in kept and kept[year].asked.issuperset(wanted):
        found = kept[year]
        if len(found.asked) == len(wanted):
            return found
        keep = np.isin(found.ids, np.asarray(wanted, dtype=np.int64))
        return YearRows(asked=frozenset(wanted), ids=found.ids[keep], figures=found.figures[keep])
    rows = _read_year(year, wanted)
    if kept is not None:
        kept[year] = rows
    return rows


def locate(rows: YearRows, enterprise_ids: Any) -> Any:
    """The index of each enterprise's row in `rows`, −1 where it has none."""
    ids = np.asarray(enterprise_ids, dtype=np.int64)
    if not len(rows.ids):
        return np.full(len(ids), -1, dtype=np.int64)
    at = np.searchsorted(rows.ids, ids)
    at = np.minimum(at, len(rows.ids) - 1)
    return np.where(rows.ids[at] == ids, at, -1)


def gather(rows: YearRows, at: Any, months: Any, positions: list[int]) -> Any:
    """figures[at, months, positions] with NO_VALUE where `at` is −1: at (n,), months (n, k) →
    (n, k, len(positions)) int64."""
    if not len(rows.ids):
        return np.full((len(at), months.shape[1], len(positions)), NO_VALUE, dtype=np.int64)
    safe = np.where(at < 0, 0, at)
    values = rows.figures[
        safe[:, None, None], months[:, :, None], np.asarray(positions)[None, None, :]
    ]
    values[at < 0] = NO_VALUE
    return values


def ledger_months(
    enterprise_ids: Iterable[int], *, first: date, last: date, fields: Iterable[str] = LEDGER_FIELDS
) -> pl.DataFrame:
    """The figures of these enterprises' returns from month `first` to `last`, one row per
    enterprise and month with a figure: enterprise_id, period and the fields in whole units
    (yuan, kWh; Int64, null where not given)."""
    fields = list(fields)
    ids = sorted(set(enterprise_ids))
    positions = [LEDGER_FIELDS.index(name) for name in fields]
    schema = {"enterprise_id": pl.Int64, "period": pl.Date, **{name: pl.Int64 for name in fields}}
    parts = []
    for year in range(first.year, last.year + 1):
        low = first.month if year == first.year else 1
        high = last.month if year == last.year else MONTHS
        rows = year_rows(year, ids)
        if not len(rows.ids):
            continue
        count = high - low + 1
        months = np.broadcast_to(np.arange(low - 1, high), (len(rows.ids), count))
        values = gather(rows, np.arange(len(rows.ids)), months, positions)
        values = values.reshape(len(rows.ids) * count, len(positions))
        periods = np.array([date(year, month, 1) for month in range(low, high + 1)], "M8[D]")
        parts.append(
            pl.DataFrame(
                {
                    "enterprise_id": np.repeat(rows.ids, count),
                    "period": np.tile(periods, len(rows.ids)),
                    **{name: values[:, column] for column, name in enumerate(fields)},
                }
            )
        )
    if not parts:
        return pl.DataFrame(schema=schema)
    return (
        pl.concat(parts)
        .with_columns(
            *(pl.when(pl.col(name) != NO_VALUE).then(pl.col(name)).alias(name) for name in fields),
            pl.col("period").cast(pl.Date),
        )
        .filter(pl.any_horizontal(pl.col(name).is_not_null() for name in fields))
        .select(schema.keys())
        .cast(schema)  # type: ignore[arg-type]
    )


def ledger_sums(
    enterprise_ids: Iterable[int], *, year: int, before_month: int, fields: Iterable[str]
) -> pl.DataFrame:
    """Each enterprise's figures summed over the months of `year` before `before_month`
    (enterprise_id and the fields in whole units; enterprises without any such month left out)."""
    fields = list(fields)
    schema = {"enterprise_id": pl.Int64, **{name: pl.Int64 for name in fields}}
    rows = year_rows(year, enterprise_ids)
    if before_month <= 1 or not len(rows.ids):
        return pl.DataFrame(schema=schema)
    positions = [LEDGER_FIELDS.index(name) for name in fields]
    months = np.broadcast_to(np.arange(0, before_month - 1), (len(rows.ids), before_month - 1))
    values = gather(rows, np.arange(len(rows.ids)), months, positions)
    given = values != NO_VALUE
    sums = np.where(given, values, 0).sum(axis=1)
    any_month = given.any(axis=(1, 2))
    return pl.DataFrame(
        {
            "enterprise_id": rows.ids[any_month],
            **{name: sums[any_month, column] for column, name in enumerate(fields)},
        },
        schema=schema,
    )
