"""What each return under review is compared with, from the return ledger, computed per row.

For a return of month M the soft rules look at the enterprise's twelve months before it
(M−12 … M−1): the figures of M−1 and M−12 (swings), the medians of its output per kWh and taxes
per output (own history), and its revenue (trailing twelve months with M). The ledger holds each
month of every enterprise as arrays, so the window of every row is gathered a month at a time
with numpy instead of joining each return with a year of its history.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl

from kaifaqu.core.lib.periods import Month
from kaifaqu.returns.models.ledger import LEDGER_FIELDS, NO_VALUE
from kaifaqu.returns.selectors.ledger import ledger_prefetch, ledger_reuse, month_figures

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
    """The twelve months before each row's month: shape (len(COMPARED), rows, 12), in 万, NaN
    where there is no figure (a figure's months contiguous, as the medians read them)."""
    positions = [LEDGER_FIELDS.index(name) for name in COMPARED]
    ids = current["enterprise_id"].to_numpy().astype(np.int64)
    window = np.empty((len(COMPARED), len(ids), WINDOW))
    periods = current["period"]
    months = [Month.of(period) for period in periods.unique().sort().to_list()]
    with ledger_reuse():
        before = {m.shift(-back).first_day for m in months for back in range(1, WINDOW + 1)}
        ledger_prefetch(before, ids)
        for month in months:
            # One month under review (an import's): every row, without a mask to apply.
            rows = slice(None) if len(months) == 1 else (periods == month.first_day).to_numpy()
            for back in range(1, WINDOW + 1):
                # Column WINDOW − back: the month `back` months before (12 … 1, oldest first).
                values = month_figures(month.shift(-back).first_day, ids[rows], positions)
                window[:, rows, WINDOW - back] = np.where(
                    values == NO_VALUE, np.nan, values / 10_000
                ).T
    return window


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
    # By enterprise: each ledger block's enterprises are then one run of rows.
    current = current.sort("enterprise_id")
    gross, revenue, electricity, taxes = _windows(current)
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
