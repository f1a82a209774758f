"""What each return under review is compared with, from the return ledger, computed per row.

For a return of month M the soft rules look at the enterprise's twelve months before it
(M−12 … M−1): the figures of M−1 and M−12 (swings), the medians of its output per kWh and taxes
per output (own history), and its revenue (trailing twelve months with M). The ledger holds each
enterprise's years as arrays, so the window of every row is gathered at once with numpy instead
of joining each return with a year of its history.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl

from kaifaqu.statistics.models.ledger import LEDGER_FIELDS, MONTHS, NO_VALUE
from kaifaqu.statistics.selectors.ledger import gather, locate, year_rows

# The figures compared, in this order in the window's last axis.
COMPARED = ("gross_output", "revenue", "electricity", "taxes")
WINDOW = 12  # months before the month under review
BASELINE_SCHEMA = {
    "row": pl.Int64,
    **{f"last_month_{name}": pl.Float64 for name in ("gross_output", "revenue")},
    **{f"last_year_{name}": pl.Float64 for name in ("gross_output", "revenue")},
    "own_output_per_kwh_median": pl.Float64,
    "own_output_per_kwh_months": pl.Int64,
    "own_tax_per_output_median": pl.Float64,
    "own_tax_per_output_months": pl.Int64,
    "revenue_11m": pl.Float64,
}


def _windows(current: pl.DataFrame) -> np.ndarray:
    """The twelve months before each row's month: shape (rows, 12, len(COMPARED)), in 万,
    NaN where there is no figure."""
    positions = [LEDGER_FIELDS.index(name) for name in COMPARED]
    ids = current["enterprise_id"].to_numpy().astype(np.int64)
    years = current["period"].dt.year().to_numpy().astype(np.int64)
    # Month k months before the row's month M (k = 12 … 1), as 0-based months from January.
    back = (
        current["period"].dt.month().to_numpy().astype(np.int64)[:, None]
        - 1
        - np.arange(WINDOW, 0, -1)
    )
    window = np.full((len(ids), WINDOW, len(COMPARED)), NO_VALUE, dtype=np.int64)
    wanted = current["enterprise_id"].unique().to_list()
    for year in np.unique(years).tolist():
        these = np.flatnonzero(years == year)
        for in_year, offset in ((year, 0), (year - 1, MONTHS)):
            rows = year_rows(in_year, wanted)
            months = back[these] + offset
            inside = (months >= 0) & (months < MONTHS)
            if not inside.any():
                continue
            found = gather(
                rows, locate(rows, ids[these]), np.clip(months, 0, MONTHS - 1), positions
            )
            part = window[these]
            part[inside] = found[inside]
            window[these] = part
    return np.where(window == NO_VALUE, np.nan, window / 10_000)


def _median(ratios: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    months = (~np.isnan(ratios)).sum(axis=1)
    with warnings.catch_warnings():
        # A row without any ratio has no median (NaN), which is what is wanted.
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(ratios, axis=1), months


def baseline(current: pl.DataFrame) -> pl.DataFrame:
    """current: 'row', 'enterprise_id', 'period' of the returns under review → BASELINE_SCHEMA,
    one row each (null where there is nothing to compare with)."""
    if current.is_empty():
        return pl.DataFrame(schema=BASELINE_SCHEMA)
    window = _windows(current)
    gross, revenue, electricity, taxes = (window[:, :, i] for i in range(len(COMPARED)))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_kwh = np.where(electricity > 0, gross / electricity, np.nan)
        tax_share = np.where(gross > 0, taxes / gross * 100, np.nan)
    per_kwh_median, per_kwh_months = _median(per_kwh)
    tax_median, tax_months = _median(tax_share)
    columns = {
        "row": current["row"].to_numpy(),
        "last_month_gross_output": gross[:, -1],
        "last_month_revenue": revenue[:, -1],
        "last_year_gross_output": gross[:, 0],
        "last_year_revenue": revenue[:, 0],
        "own_output_per_kwh_median": per_kwh_median,
        "own_output_per_kwh_months": per_kwh_months,
        "own_tax_per_output_median": tax_median,
        "own_tax_per_output_months": tax_months,
        "revenue_11m": np.nansum(revenue[:, 1:], axis=1),
    }
    return (
        pl.DataFrame(columns, nan_to_null=True)
        .with_columns(pl.col(pl.Float64).fill_nan(None))
        .cast(BASELINE_SCHEMA)  # type: ignore[arg-type]
    )
