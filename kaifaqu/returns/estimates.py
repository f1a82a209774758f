"""Estimates (估算) for firms whose month is closed without a return: the rule, in polars alone.

A roster firm that has not reported when the statistics office closes the month is chased, left
out (不计入) or estimated. Its estimate, figure by figure (whole units: yuan, kWh):

1. the firm's same month of last year × the trend of its industry division in its zone: the
   figure's sum this month ÷ its sum in the same month of last year, over the zone's firms of the
   division that reported the figure in both months (their own returns, never estimates);
   where there are none (or their sum last year is not above 0), the zone's trend over all
   industry; where there is none either, 1: last year's figure carried;
2. a firm without a return for the same month of last year: its latest month of this year
   before the month, carried forward (趋势外推 would need a history it has not got);
3. a firm with neither cannot be estimated: `not_estimable` lists it, and the close must leave
   it out (不计入) or wait for its return.

Persons employed, a head count, are carried from the firm's latest month (this year's latest
before the month, else the same month of last year). Every figure is rounded half away from
zero to the whole unit, which is 4 decimals of 万 as returns are stored. The products are
taken in Int128: a firm's figure × a zone's sum overflows Int64 for large zones.

Inputs are frames, so the rule is tested without a database (the service in
services/estimates.py reads them and writes the returns).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from kaifaqu.returns.models.returns import SUMMED_FIELDS

# The figures estimated by the trend (every summed figure of the return), and the head count.
TREND_FIELDS: tuple[str, ...] = SUMMED_FIELDS
EMPLOYEES = "employees"

TARGETS_SCHEMA: dict[str, Any] = {
    "enterprise_id": pl.Int64,
    "zone_id": pl.Int64,
    "division": pl.Utf8,
}
# Own returns (no estimates) of the firms to estimate and of their zones' other firms: the month
# and the same month of last year of everyone, and the targets' earlier months of this year.
RETURNS_SCHEMA: dict[str, Any] = {
    **TARGETS_SCHEMA,
    "period": pl.Date,
    **{name: pl.Int64 for name in TREND_FIELDS},
    EMPLOYEES: pl.Int64,
}

# How a firm was estimated.
BY_TREND = "trend"  # last year's same month × the trend (division, else zone, else 1)
CARRIED_FORWARD = "carried_forward"  # this year's latest month

ESTIMATES_SCHEMA: dict[str, Any] = {
    "enterprise_id": pl.Int64,
    "basis": pl.Utf8,
    **{name: pl.Int64 for name in TREND_FIELDS},
    EMPLOYEES: pl.Int64,
}


@dataclass(frozen=True)
class Estimates:
    """`estimates`: one row per estimable firm (ESTIMATES_SCHEMA, whole units); `not_estimable`:
    the ids of firms with neither a same month last year nor a month this year."""

    estimates: pl.DataFrame
    not_estimable: list[int]


def _conform(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    frame = frame.with_columns(
        pl.lit(None).alias(name) for name in schema if name not in frame.columns
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


def _trends(peers: pl.DataFrame, keys: list[str], suffix: str) -> pl.DataFrame:
    """Per group of `keys`, each figure's sum this month and last year over the firms that
    reported the figure in both (columns <field>|this<suffix>, <field>|last<suffix>)."""
    exprs: list[pl.Expr] = []
    for name in TREND_FIELDS:
        both = pl.col(f"{name}|this").is_not_null() & pl.col(f"{name}|last").is_not_null()
        exprs += [
            pl.col(f"{name}|this").filter(both).sum().alias(f"{name}|this{suffix}"),
            pl.col(f"{name}|last").filter(both).sum().alias(f"{name}|last{suffix}"),
        ]
    return peers.group_by(keys).agg(exprs)


def _scaled_half_up(amount: pl.Expr, numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """amount × numerator / denominator (> 0), rounded half away from zero, exact in Int128."""
    product = amount.cast(pl.Int128) * numerator.cast(pl.Int128)
    wide = denominator.cast(pl.Int128)
    zero = pl.lit(0, dtype=pl.Int128)  # Int128 has no negation in polars: 0 − x
    magnitude = (2 * pl.when(product >= 0).then(product).otherwise(zero - product) + wide) // (
        2 * wide
    )
    return pl.when(product >= 0).then(magnitude).otherwise(zero - magnitude).cast(pl.Int64)


def estimate_returns(targets: pl.DataFrame, returns: pl.DataFrame, *, period: date) -> Estimates:
    """The estimates of the `targets` (TARGETS_SCHEMA) for `period` from `returns`
    (RETURNS_SCHEMA: own returns only; see the module's rule)."""
    period = period.replace(day=1)
    last_year = period.replace(year=period.year - 1)
    targets = _conform(targets, TARGETS_SCHEMA).unique("enterprise_id", maintain_order=True)
    returns = _conform(returns, RETURNS_SCHEMA)
    target_ids = targets["enterprise_id"]
    figures = [*TREND_FIELDS, EMPLOYEES]

    def month(which: date, label: str) -> pl.DataFrame:
        return returns.filter(pl.col("period") == which).select(
            "enterprise_id", *(pl.col(name).alias(f"{name}|{label}") for name in figures)
        )

    # The zone's other firms that reported this month and last year's (a target has no return).
    keyed = returns.select("enterprise_id", "zone_id", "division").unique("enterprise_id")
    peers = (
        keyed.filter(~pl.col("enterprise_id").is_in(target_ids.implode()))
        .join(month(period, "this"), on="enterprise_id")
        .join(month(last_year, "last"), on="enterprise_id")
    )
    by_division = _trends(peers, ["zone_id", "division"], "|division")
    by_zone = _trends(peers, ["zone_id"], "|zone")

    this_year = returns.filter(
        (pl.col("period") >= date(period.year, 1, 1)) & (pl.col("period") < period)
    )
    latest = (
        this_year.sort("period")
        .group_by("enterprise_id")
        .agg(pl.col(name).last().alias(f"{name}|latest") for name in TREND_FIELDS)
    )
    # Employees: the latest month that gives them, this year's before the same month last year.
    head_counts = (
        pl.concat(
            [
                this_year.select("enterprise_id", "period", EMPLOYEES),
                returns.filter(pl.col("period") == last_year).select(
                    "enterprise_id", "period", EMPLOYEES
                ),
            ]
        )
        .filter(pl.col(EMPLOYEES).is_not_null())
        .sort("period")
        .group_by("enterprise_id")
        .agg(pl.col(EMPLOYEES).last().alias(f"{EMPLOYEES}|latest"))
    )
    has_last = returns.filter(pl.col("period") == last_year).select(
        "enterprise_id", pl.lit(True).alias("has_last")
    )
    has_this = this_year.select("enterprise_id").unique().with_columns(has_this=pl.lit(True))
    rows = (
        targets.join(
            month(last_year, "last").drop(f"{EMPLOYEES}|last"), on="enterprise_id", how="left"
        )
        .join(has_last.unique("enterprise_id"), on="enterprise_id", how="left")
        .join(has_this, on="enterprise_id", how="left")
        .join(latest, on="enterprise_id", how="left")
        .join(head_counts, on="enterprise_id", how="left")
        .join(by_division, on=["zone_id", "division"], how="left")
        .join(by_zone, on="zone_id", how="left")
        .with_columns(pl.col("has_last").fill_null(False), pl.col("has_this").fill_null(False))
    )

    def trended(name: str) -> pl.Expr:
        base = pl.col(f"{name}|last")
        division_ok = pl.col(f"{name}|last|division").fill_null(0) > 0
        zone_ok = pl.col(f"{name}|last|zone").fill_null(0) > 0
        return (
            pl.when(division_ok)
            .then(
                _scaled_half_up(
                    base, pl.col(f"{name}|this|division"), pl.col(f"{name}|last|division")
                )
            )
            .when(zone_ok)
            .then(_scaled_half_up(base, pl.col(f"{name}|this|zone"), pl.col(f"{name}|last|zone")))
            .otherwise(base)
        )

    estimated = rows.filter(pl.col("has_last") | pl.col("has_this")).select(
        "enterprise_id",
        pl.when(pl.col("has_last"))
        .then(pl.lit(BY_TREND))
        .otherwise(pl.lit(CARRIED_FORWARD))
        .alias("basis"),
        *(
            pl.when(pl.col("has_last"))
            .then(trended(name))
            .otherwise(pl.col(f"{name}|latest"))
            .alias(name)
            for name in TREND_FIELDS
        ),
        pl.col(f"{EMPLOYEES}|latest").alias(EMPLOYEES),
    )
    missing = rows.filter(~pl.col("has_last") & ~pl.col("has_this"))["enterprise_id"]
    return Estimates(
        estimates=_conform(estimated, ESTIMATES_SCHEMA).sort("enterprise_id"),
        not_estimable=sorted(missing.to_list()),
    )
