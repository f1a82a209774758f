"""Reads an import needs, fetched raw into polars: the enterprises in scope, the stored returns."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.db import connection, models

from kaifaqu.enterprises.models import Enterprise
from kaifaqu.statistics.models import MONTHLY_FIELDS, Return

CHUNK = 5_000


def _frame(queryset: models.QuerySet[Any], columns: dict[str, Any]) -> pl.DataFrame:
    """The queryset's rows as a frame (raw cursor, no per-value ORM conversion).

    Dates arrive as text from SQLite and as dates from PostgreSQL; decimals as floats or as
    Decimal: both are normalized to the types asked for.
    """
    sql, params = queryset.order_by().values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    series = []
    for (name, dtype), column in zip(columns.items(), values, strict=True):
        if not column:
            series.append(pl.Series(name, [], dtype=dtype))
            continue
        raw = pl.Series(name, column, strict=False)
        if raw.dtype == pl.Utf8 and dtype == pl.Date:
            raw = raw.str.slice(0, 10).str.to_date("%Y-%m-%d")
        elif raw.dtype == pl.Utf8 and dtype == pl.Float64:
            raw = raw.str.to_decimal()
        elif raw.dtype == pl.Null:
            raw = raw.cast(dtype)
        series.append(raw.cast(dtype))
    return pl.DataFrame(series)


def enterprises_in_scope(by: Any) -> pl.DataFrame:
    """uscc, enterprise_id, zone_id, established_on of every enterprise the user can see."""
    queryset = Enterprise.objects.all() if by is None else Enterprise.objects.for_user(by)
    frame = _frame(
        queryset,
        {"uscc": pl.Utf8, "id": pl.Int64, "zone_id": pl.Int64, "established_on": pl.Date},
    )
    return frame.rename({"id": "enterprise_id"})


def known_usccs(usccs: list[str]) -> set[str]:
    """Which of these codes belong to an enterprise on the platform (whoever may see it)."""
    found: set[str] = set()
    for start in range(0, len(usccs), CHUNK):
        chunk = usccs[start : start + CHUNK]
        found.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    return found


def stored_returns(*, enterprise_ids: pl.Series, first: date, last: date) -> pl.DataFrame:
    """The stored returns of these enterprises from `first` to `last`, figures in whole units
    (yuan, kWh, persons), with their id and status."""
    queryset = Return.objects.filter(period__gte=first, period__lte=last)
    frame = _frame(
        queryset,
        {
            "id": pl.Int64,
            "enterprise_id": pl.Int64,
            "period": pl.Date,
            "status": pl.Utf8,
            **{name: pl.Float64 for name in MONTHLY_FIELDS},
        },
    )
    wanted = pl.DataFrame(
        {"enterprise_id": enterprise_ids.unique()}, schema={"enterprise_id": pl.Int64}
    )
    return frame.join(wanted, on="enterprise_id", how="semi").with_columns(
        *(
            (pl.col(name) * 10_000).round(0).cast(pl.Int64)
            for name in MONTHLY_FIELDS
            if name != "employees"
        ),
        pl.col("employees").round(0).cast(pl.Int64),
    )
