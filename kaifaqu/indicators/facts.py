"""Reading the indicator engine's facts from the database: a few queries straight into polars.

Money is stored in 万元 with 4 decimals and electricity in 万千瓦时 with 4 decimals: × 10,000 they
are whole yuan and kWh, carried as Int64 so that every sum is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from django.db.models import Q, QuerySet

from kaifaqu.core.frames import queryset_frame
from kaifaqu.enterprises.models import Enterprise, RosterEntry
from kaifaqu.indicators.engine import RETURN_FIELDS, RETURNS_SCHEMA, Facts, conform
from kaifaqu.indicators.models import PriceIndex, ValueAddedRate
from kaifaqu.returns.models import Return, ReturnStatus
from kaifaqu.returns.models.ledger import BLOCK
from kaifaqu.returns.selectors.ledger import ledger_exceptions, ledger_periods

# Return fields stored with 4 decimals (万元, 万千瓦时) rather than as counts.
_SCALED = tuple(name for name in RETURN_FIELDS if name != "employees")


def _year_ranges(years: Iterable[int], through: int | None = None) -> Q:
    """Periods within the years (only January … `through` of each, when given), as date ranges
    (index-friendly, unlike period__year__in)."""
    condition = Q()
    if through is not None:
        for year in sorted(set(years)):
            condition |= Q(period__gte=date(year, 1, 1), period__lte=date(year, through, 1))
        return condition
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    for first, last in runs:
        condition |= Q(period__gte=date(first, 1, 1), period__lte=date(last, 12, 1))
    return condition


# The ledger is read where the firms asked for fill at least 1/LEDGER_DENSITY of the blocks it
# reads (a zone of firms numbered together, a province); firms scattered across the province's
# blocks are read from the returns table (measured in docs/benchmarks.md).
LEDGER_DENSITY = 8


def _returns(
    years: set[int] | None,
    roster: Any,
    roster_ids: pl.Series,
    through: int | None,
    zone_ids: Sequence[int] | None,
) -> pl.DataFrame:
    """The accepted returns (估算 among them) of the roster's firms (`roster_ids`, as read from
    `roster`) in the years (January … `through` of each, when given)."""
    if years is not None:
        ids = np.unique(roster_ids.to_numpy().astype(np.int64))
        blocks = np.unique(ids // BLOCK)
        if len(blocks) * BLOCK <= LEDGER_DENSITY * len(ids):
            return _returns_from_ledger(ids, years, through)
    return _returns_from_table(_counted(roster, zone_ids, years, through))


def _counted(
    roster: Any, zone_ids: Sequence[int] | None, years: set[int] | None, through: int | None
) -> QuerySet[Return]:
    """The returns of the roster's firms in the years (January … `through`), of any status."""
    queryset = Return.objects.filter(enterprise_id__in=roster.values("enterprise_id"))
    if zone_ids is not None:
        # Said again on the returns' own firms (the roster subquery says it already): without it
        # SQLite reads every return of the years by the period index and tests each against the
        # subquery (7 s for one zone of 200,000 firms); with it, it reads the zones' firms and
        # their returns by the (firm, month) index (0.06 s).
        queryset = queryset.filter(enterprise__zone_id__in=list(zone_ids))
    if years is not None:
        queryset = queryset.filter(_year_ranges(years, through))
    return queryset


def _returns_from_table(counted: QuerySet[Return], *, status: bool = False) -> pl.DataFrame:
    if not status:
        counted = counted.filter(status=ReturnStatus.ACCEPTED)
    frame = queryset_frame(
        counted,
        {
            "enterprise_id": ("enterprise_id", pl.Int64),
            "period": ("period", pl.Date),
            **{name: (name, pl.Float64) for name in _SCALED},
            "employees": ("employees", pl.Int64),
            "is_estimate": ("is_estimate", pl.Boolean),
            **({"accepted": ("status", pl.Utf8)} if status else {}),
        },
    )
    # 4 decimals of 万 are whole units; rounding removes the binary fraction a float carries.
    frame = frame.with_columns((pl.col(name) * 10_000).round(0).cast(pl.Int64) for name in _SCALED)
    if status:
        return frame.with_columns(pl.col("accepted") == ReturnStatus.ACCEPTED)
    return conform(frame, RETURNS_SCHEMA)


def _returns_from_ledger(ids: np.ndarray, years: set[int], through: int | None) -> pl.DataFrame:
    """The same returns, read from the return ledger (a month of 1,024 firms in one row) and
    corrected by the few returns it does not mirror as counted: those not (yet) accepted, which
    it holds, and the estimates (估算), which it leaves out. Read from the returns table, two
    years of a province are 4.8 million rows; from the ledger, 24 × 200 rows and the month's
    exceptions."""
    last = through or 12
    periods = [date(year, month, 1) for year in sorted(years) for month in range(1, last + 1)]
    figures = ledger_periods(ids, periods=periods, fields=RETURN_FIELDS)
    exceptions = _returns_from_table(ledger_exceptions(periods, ids), status=True).filter(
        pl.col("enterprise_id").is_in(ids)
    )
    estimates = exceptions.filter(pl.col("accepted") & pl.col("is_estimate"))
    not_counted = exceptions.filter(~pl.col("accepted")).select("enterprise_id", "period")
    return conform(
        pl.concat(
            [
                figures.join(not_counted, on=["enterprise_id", "period"], how="anti").with_columns(
                    pl.lit(False).alias("is_estimate")
                ),
                estimates.drop("accepted"),
            ],
            how="diagonal_relaxed",
        ),
        RETURNS_SCHEMA,
    )


def load_facts(
    *,
    years: Sequence[int] | None = None,
    zone_ids: Sequence[int] | None = None,
    ppi: pl.DataFrame | None = None,
    through: int | None = None,
) -> Facts:
    """The facts for the indicators of `years` (None: every year) in `zone_ids` (None: all zones).

    Returns: accepted only (estimates 估算 among them, flagged `is_estimate`), of the enterprises on a roster (四上, any category) of one of the
    years, from the years and the year before each (the base of 同比 growth). Enterprises: those
    on these rosters, with their zone's region code, park, industry class, division and section. Rates:
    every national and provincial rate up to the last of the years (the one in force in a year
    may be older). Producer price indexes of every province: the stored PriceIndex rows of those
    years unless the caller passes `ppi` (PPI_SCHEMA); where an enterprise's province has none
    for a month, its value added at comparable prices is not computed. `through` (a month
    number, with `years`): only the returns of January … that month of each year are read, which
    is all the tables of months up to it need (1–N月 and its base); a roll-up of December reads
    the whole years, of March a quarter.
    """
    if through is not None and years is None:
        raise ValueError("`through` limits the months of the years given")
    wanted = set(years) if years is not None else None
    with_base = {y for year in wanted for y in (year, year - 1)} if wanted is not None else None

    roster = RosterEntry.objects.all()
    if wanted is not None:
        roster = roster.filter(year__in=sorted(wanted))
    if zone_ids is not None:
        roster = roster.filter(enterprise__zone_id__in=list(zone_ids))
    roster_frame = queryset_frame(
        roster,
        {
            "enterprise_id": ("enterprise_id", pl.Int64),
            "year": ("year", pl.Int32),
            "category": ("category", pl.Utf8),
        },
    ).unique()

    enterprises = queryset_frame(
        Enterprise.objects.filter(pk__in=roster.values("enterprise_id")),
        {
            "enterprise_id": ("id", pl.Int64),
            "zone_id": ("zone_id", pl.Int64),
            "park_id": ("park_id", pl.Int64),
            "region_code": ("zone__region__code", pl.Utf8),
            "industry": ("industry_id", pl.Utf8),
            # class → group → division → section in GB/T 4754.
            "division": ("industry__parent__parent_id", pl.Utf8),
            "section": ("industry__parent__parent__parent_id", pl.Utf8),
        },
    )

    # The rate in force in a year may be of any year before it: every rate up to the last year.
    rates = ValueAddedRate.objects.all()
    if wanted is not None:
        rates = rates.filter(year__lte=max(wanted, default=0))
    rates_frame = queryset_frame(
        rates,
        {
            "province": ("region__code", pl.Utf8),
            "year": ("year", pl.Int32),
            "division": ("division_id", pl.Utf8),
            "rate": ("rate", pl.Float64),
        },
    ).with_columns(pl.col("province").str.slice(0, 2))

    return Facts.of(
        returns=_returns(with_base, roster, roster_frame["enterprise_id"], through, zone_ids),
        enterprises=enterprises,
        roster=roster_frame,
        rates=rates_frame,
        ppi=ppi if ppi is not None else price_indexes(wanted),
    )


def price_indexes(years: Iterable[int] | None = None) -> pl.DataFrame:
    """The stored producer price indexes (上年同月=100) of these years, in PPI_SCHEMA: each with
    its province's 2-digit code; the index of all industry has a null division."""
    indexes = PriceIndex.objects.all()
    if years is not None:
        indexes = indexes.filter(_year_ranges(years))
    frame = queryset_frame(
        indexes,
        {
            "province": ("region__code", pl.Utf8),
            "period": ("period", pl.Date),
            "division": ("division", pl.Utf8),
            "index": ("value", pl.Float64),
        },
    )
    return frame.with_columns(
        pl.col("province").str.slice(0, 2),
        pl.when(pl.col("division") == "")
        .then(None)
        .otherwise(pl.col("division"))
        .alias("division"),
    )
