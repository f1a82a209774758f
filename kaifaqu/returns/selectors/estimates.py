"""What estimates (估算) are made from: the frames of returns/estimates.py, read from the database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Q

from kaifaqu.core.frames import queryset_frame
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Zone
from kaifaqu.returns.estimates import (
    EMPLOYEES,
    RETURNS_SCHEMA,
    TARGETS_SCHEMA,
    TREND_FIELDS,
    Estimates,
    estimate_returns,
)
from kaifaqu.returns.models import Return, ReturnStatus

# class → group → division in GB/T 4754.
_DIVISION = "industry__parent__parent_id"


def estimate_targets(*, zone: Zone, enterprise_ids: Iterable[int]) -> pl.DataFrame:
    """The zone's enterprises among these ids with their division (TARGETS_SCHEMA)."""
    return queryset_frame(
        Enterprise.objects.filter(zone=zone, pk__in=sorted(set(enterprise_ids))),
        {
            "enterprise_id": ("id", pl.Int64),
            "zone_id": ("zone_id", pl.Int64),
            "division": (_DIVISION, pl.Utf8),
        },
    )


def estimate_returns_frame(
    *, zone: Zone, period: date, enterprise_ids: Iterable[int]
) -> pl.DataFrame:
    """The accepted own returns (no estimates) the rule reads (RETURNS_SCHEMA, whole units): the
    zone's month and same month of last year, and the targets' earlier months of this year."""
    period = period.replace(day=1)
    last_year = period.replace(year=period.year - 1)
    ids = sorted(set(enterprise_ids))
    queryset = Return.objects.filter(
        Q(period__in=[period, last_year])
        | Q(enterprise_id__in=ids, period__gte=date(period.year, 1, 1), period__lt=period),
        enterprise__zone=zone,
        status=ReturnStatus.ACCEPTED,
        is_estimate=False,
    )
    columns: dict[str, tuple[str, Any]] = {
        "enterprise_id": ("enterprise_id", pl.Int64),
        "zone_id": ("enterprise__zone_id", pl.Int64),
        "division": (f"enterprise__{_DIVISION}", pl.Utf8),
        "period": ("period", pl.Date),
        **{name: (name, pl.Float64) for name in TREND_FIELDS},
        EMPLOYEES: (EMPLOYEES, pl.Int64),
    }
    frame = queryset_frame(queryset, columns)
    # 4 decimals of 万 are whole units; rounding removes the binary fraction a float carries.
    return frame.with_columns(
        (pl.col(name) * 10_000).round(0).cast(pl.Int64) for name in TREND_FIELDS
    ).select(pl.col(name).cast(dtype) for name, dtype in RETURNS_SCHEMA.items())


def estimates_for(*, zone: Zone, period: date, enterprise_ids: Iterable[int]) -> Estimates:
    """What the rule gives these enterprises of the zone for the month (nothing is written): the
    close asks this first to know which firms can be estimated."""
    ids = sorted(set(enterprise_ids))
    targets = estimate_targets(zone=zone, enterprise_ids=ids)
    frame = estimate_returns_frame(zone=zone, period=period, enterprise_ids=ids)
    return estimate_returns(
        targets.select(pl.col(n).cast(t) for n, t in TARGETS_SCHEMA.items()), frame, period=period
    )
