"""Reads an import needs, fetched raw into polars: the enterprises in scope, the stored returns."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.db import models

from kaifaqu.accounts.models import User
from kaifaqu.core.frames import queryset_frame
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.returns.models import MONTHLY_FIELDS, Return
from kaifaqu.returns.models.returns import SUMMED_FIELDS
from kaifaqu.returns.selectors.ledger import ledger_months, ledger_sums

CHUNK = 5_000


def _frame(queryset: models.QuerySet[Any], columns: dict[str, Any]) -> pl.DataFrame:
    return queryset_frame(queryset, {name: (name, dtype) for name, dtype in columns.items()})


def enterprises_in_scope(by: User | None) -> pl.DataFrame:
    """uscc, enterprise_id, zone_id, industry, established_on of every enterprise the user can
    see."""
    queryset = Enterprise.objects.all() if by is None else Enterprise.objects.for_user(by)
    frame = queryset_frame(
        queryset,
        {
            "uscc": ("uscc", pl.Utf8),
            "enterprise_id": ("id", pl.Int64),
            "zone_id": ("zone_id", pl.Int64),
            "industry": ("industry_id", pl.Utf8),
            "established_on": ("established_on", pl.Date),
        },
    )
    return frame


def known_usccs(usccs: list[str]) -> set[str]:
    """Which of these codes belong to an enterprise on the platform (whoever may see it)."""
    found: set[str] = set()
    for start in range(0, len(usccs), CHUNK):
        chunk = usccs[start : start + CHUNK]
        found.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    return found


def stored_returns(*, enterprise_ids: pl.Series, first: date, last: date) -> pl.DataFrame:
    """The stored returns of these enterprises from `first` to `last`, figures in whole units
    (yuan, kWh, persons), with their id, status, source and whether each is an estimate (估算)."""
    queryset = Return.objects.filter(period__gte=first, period__lte=last)
    frame = _frame(
        queryset,
        {
            "id": pl.Int64,
            "enterprise_id": pl.Int64,
            "period": pl.Date,
            "status": pl.Utf8,
            "is_estimate": pl.Boolean,
            "source": pl.Utf8,
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


def months_before(*, enterprise_ids: pl.Series, first: date, last: date) -> pl.DataFrame:
    """What 1–本月 derivation needs of the stored returns of these enterprises, for a file whose
    months run from `first` to `last`: the months of `first`'s year before `first` summed into one
    row dated January, and every month from `first` to `last`. Figures in whole units
    (enterprise_id, period, SUMMED_FIELDS), read from the return ledger (one row an enterprise
    and year instead of up to twelve returns)."""
    ids = enterprise_ids.unique().to_list()
    columns = ["enterprise_id", "period", *SUMMED_FIELDS]
    earlier = ledger_sums(
        ids, year=first.year, before_month=first.month, fields=SUMMED_FIELDS
    ).with_columns(pl.lit(first.replace(month=1)).alias("period"))
    months = ledger_months(ids, first=first, last=last, fields=SUMMED_FIELDS)
    return pl.concat([earlier.select(columns), months.select(columns)])
