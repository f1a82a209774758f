"""Keeping the return ledger (models/ledger.py) equal to the returns.

Three ways in, one rule: a ledger row is the figures of its enterprise's returns of its year.

- `ledger_record`: an import, which writes returns set-based, hands over what it wrote; the rows
  are updated from the ledger itself, without reading the year's returns again.
- marks: a return saved or deleted through the ORM (a reporter's form, a review decision, the
  admin, a test's factory: signals) or written by `Return.objects.bulk_create` / `.update()`
  (ReturnQuerySet) marks its (enterprise, year); the marks are carried into the ledger when the
  transaction commits, or earlier by any ledger read inside it (`ledger_flush`).
- `ledger_rebuild`: from the returns, for chosen enterprises and years or all of them (bulk
  loaders, `kfq rollup --all`, the migration that created the ledger).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

import numpy as np
import polars as pl
from django.db import connection, transaction

from kaifaqu.core.frames import queryset_frame
from kaifaqu.statistics.models import Return
from kaifaqu.statistics.models.ledger import (
    LEDGER_FIELDS,
    MONTHS,
    NO_VALUE,
    ReturnLedger,
    pack,
)
from kaifaqu.statistics.selectors.ledger import (
    CHUNK,
    KEY_SCHEMA,
    YearRows,
    kept_years,
    locate,
    year_rows,
)

# Fields whose change changes the ledger; a save limited to others (a status) leaves it alone.
_TOUCHING = frozenset({*LEDGER_FIELDS, "period", "enterprise", "enterprise_id"})
_marks = threading.local()


def _pending() -> set[tuple[int, int]]:
    if not hasattr(_marks, "keys"):
        _marks.keys = set()
    return _marks.keys  # type: ignore[no-any-return]


def ledger_mark(keys: Iterable[tuple[int, date | str]]) -> None:
    """Note that returns of these (enterprise_id, month) changed: carried into the ledger when
    the transaction commits, or by the next ledger read, whichever comes first."""
    pending = _pending()
    for enterprise_id, period in keys:
        year = period.year if isinstance(period, date) else int(str(period)[:4])
        pending.add((enterprise_id, year))
    if connection.in_atomic_block:
        transaction.on_commit(ledger_flush)
    else:
        ledger_flush()


def ledger_flush() -> None:
    """Carry the marked (enterprise, year) pairs into the ledger, from the returns."""
    keys = _pending()
    if not keys:
        return
    marked = sorted(keys)
    keys.clear()
    by_year: dict[int, list[int]] = {}
    for enterprise_id, year in marked:
        by_year.setdefault(year, []).append(enterprise_id)
    for year, enterprise_ids in by_year.items():
        ledger_rebuild(enterprise_ids=enterprise_ids, years=[year])


def ledger_touched_by(names: Iterable[str]) -> bool:
    """Whether writing these fields of a return changes the ledger."""
    return bool(_TOUCHING.intersection(names))


def on_return_saved(
    sender: Any, instance: Return, update_fields: Any = None, **kwargs: Any
) -> None:
    if update_fields is not None and not ledger_touched_by(update_fields):
        return
    ledger_mark([(instance.enterprise_id, instance.period)])


def on_return_deleted(sender: Any, instance: Return, **kwargs: Any) -> None:
    ledger_mark([(instance.enterprise_id, instance.period)])


def whole_units(frame: pl.DataFrame, fields: Iterable[str] = LEDGER_FIELDS) -> pl.DataFrame:
    """Stored figures (万元, 万千瓦时, as floats) → whole yuan and kWh (Int64)."""
    return frame.with_columns((pl.col(name) * 10_000).round(0).cast(pl.Int64) for name in fields)


def _returns_of(year: int, enterprise_ids: list[int] | None) -> pl.DataFrame:
    queryset = Return.objects.filter(period__gte=date(year, 1, 1), period__lte=date(year, 12, 1))
    columns: dict[str, tuple[Any, Any]] = {
        "enterprise_id": ("enterprise_id", pl.Int64),
        "period": ("period", pl.Date),
        **{name: (name, pl.Float64) for name in LEDGER_FIELDS},
    }
    if enterprise_ids is None:
        return whole_units(queryset_frame(queryset, columns))
    parts = [
        queryset_frame(queryset.filter(enterprise_id__in=enterprise_ids[i : i + CHUNK]), columns)
        for i in range(0, len(enterprise_ids), CHUNK)
    ]
    return whole_units(pl.concat(parts))


def ledger_rebuild(
    *, enterprise_ids: Iterable[int] | None = None, years: Iterable[int] | None = None
) -> int:
    """Rebuild the ledger rows of these enterprises and years (None: all) from their returns;
    give the rows written."""
    ids = None if enterprise_ids is None else sorted(set(enterprise_ids))
    if years is None:
        periods = Return.objects.order_by().values_list("period", flat=True).distinct()
        years = {period.year for period in periods}
    written = 0
    kept = kept_years()
    for year in sorted(set(years)):
        if kept is not None:
            kept.pop(year, None)
        months = _returns_of(year, ids)
        with transaction.atomic():
            stale = ReturnLedger.objects.filter(year=year)
            if ids is None:
                stale.delete()
            else:
                for start in range(0, len(ids), CHUNK):
                    stale.filter(enterprise_id__in=ids[start : start + CHUNK]).delete()
            written += _write(_packed(months))
    return written


def _packed(months: pl.DataFrame) -> pl.DataFrame:
    """Returns (enterprise_id, period, LEDGER_FIELDS in whole units) → ledger rows
    (enterprise_id, year, figures)."""
    months = months.with_columns(pl.col("period").dt.year().cast(pl.Int32).alias("year"))
    keys = months.select("enterprise_id", "year").unique().sort("enterprise_id", "year")
    figures = np.full((keys.height, MONTHS, len(LEDGER_FIELDS)), NO_VALUE, dtype=np.int64)
    if keys.height:
        _place(figures, keys, months)
    return keys.with_columns(pl.Series("figures", pack(figures), dtype=pl.Binary))


def _place(figures: Any, keys: pl.DataFrame, months: pl.DataFrame) -> None:
    """Put each month's figures into its key's row of `figures` (rows in the order of `keys`)."""
    located = months.join(
        keys.with_row_index("i"), on=["enterprise_id", "year"], how="inner"
    ).select(
        pl.col("i").cast(pl.Int64),
        (pl.col("period").dt.month().cast(pl.Int64) - 1).alias("m"),
        *(pl.col(name).fill_null(NO_VALUE) for name in LEDGER_FIELDS),
    )
    values = located.select(LEDGER_FIELDS).to_numpy().astype(np.int64, copy=False)
    figures[located["i"].to_numpy(), located["m"].to_numpy()] = values


def ledger_record(written: pl.DataFrame) -> None:
    """Carry returns an import has just written into the ledger: `written` has enterprise_id,
    period and LEDGER_FIELDS in whole units, one row per return written."""
    if written.is_empty():
        return
    written = written.with_columns(pl.col("period").dt.year().cast(pl.Int32).alias("year"))
    for (year,), months in written.group_by("year"):
        enterprise_ids = months["enterprise_id"].unique().sort().to_numpy().astype(np.int64)
        stored = year_rows(int(year), enterprise_ids.tolist())
        figures = np.full((len(enterprise_ids), MONTHS, len(LEDGER_FIELDS)), NO_VALUE, np.int64)
        at = locate(stored, enterprise_ids)
        figures[at >= 0] = stored.figures[at[at >= 0]]
        # The written months over the stored ones.
        keys = pl.DataFrame({"enterprise_id": enterprise_ids, "year": int(year)}, schema=KEY_SCHEMA)
        _place(figures, keys, months)
        _write(keys.with_columns(pl.Series("figures", pack(figures), dtype=pl.Binary)))
        _keep(int(year), YearRows(frozenset(enterprise_ids.tolist()), enterprise_ids, figures))


def _keep(year: int, rows: YearRows) -> None:
    """Write rows just stored through to the rows a `ledger_reuse()` block keeps."""
    kept = kept_years()
    if kept is None or year not in kept:
        return
    before = kept[year]
    if before.asked <= rows.asked and np.isin(before.ids, rows.ids).all():
        kept[year] = rows
        return
    others = ~np.isin(before.ids, rows.ids)
    ids = np.concatenate([before.ids[others], rows.ids])
    figures = np.concatenate([before.figures[others], rows.figures])
    order = np.argsort(ids, kind="stable")
    kept[year] = YearRows(before.asked | rows.asked, ids[order], figures[order])


def _write(rows: pl.DataFrame) -> int:
    """Insert or replace ledger rows (enterprise_id, year, figures)."""
    if rows.is_empty():
        return 0
    q = connection.ops.quote_name
    table = q(ReturnLedger._meta.db_table)
    columns = f"{q('enterprise_id')}, {q('year')}, {q('figures')}"
    conflict = (
        f"ON CONFLICT ({q('enterprise_id')}, {q('year')}) "
        f"DO UPDATE SET {q('figures')} = excluded.{q('figures')}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} (enterprise_id bigint, year smallint, "
                "figures bytea)"
            )
            with cursor.cursor.copy(f"COPY {STAGING} FROM STDIN WITH (FORMAT binary)") as copy:
                copy.set_types(["bigint", "smallint", "bytea"])
                for row in rows.iter_rows():
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT enterprise_id, year, figures "
                f"FROM {STAGING} {conflict}"
            )
            cursor.execute(f"DROP TABLE {STAGING}")
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s) {conflict}"
            # A generator, not a list: the rows are never all in memory at once.
            cursor.executemany(sql, cast(Any, rows.iter_rows()))
    return rows.height


STAGING = "kfq_ledger_write"
