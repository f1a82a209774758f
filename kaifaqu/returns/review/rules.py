"""The review (审核) rules of monthly returns, every one registered in `RULES` below.

A rule is a small set-based function: it receives a batch (a polars frame of candidate returns,
with what a soft rule compares them with: their baseline and their peers) and returns its findings as a frame with the columns
'row' (the caller's row id), 'field' and 'params' (the figures for the message, as JSON). Hard
rules block acceptance; soft rules need an explanation or a supporting document.

Adding a rule is a change to this file only: write its check, add a `Rule` to `RULES` with its
code, severity, fields and message template (see docs/development/adding-a-review-rule.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from kaifaqu.returns.models import MONTHLY_FIELDS, Severity

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FINDING_SCHEMA = {"row": pl.Int64, "field": pl.Utf8, "params": pl.Utf8}
# Soft comparisons run in Float64; a relative margin keeps a value exactly at a limit from firing.
_MARGIN = 1e-9


@dataclass(frozen=True)
class HardBatch:
    """Candidate returns: 'row', 'period', 'established_on' and every MONTHLY_FIELDS as Float64."""

    frame: pl.DataFrame
    sales_over_output_max: float
    current_month: date


@dataclass(frozen=True)
class SoftBatch:
    """Returns under review with what the soft rules compare them to.

    current: 'row' (return id), 'enterprise_id', 'zone_id', 'division' (2-digit industry),
        'period', 'year', the money fields as Float64, the zone's thresholds 'mom_pct', 'yoy_pct',
        'own_factor', 'industry_factor', 'on_roster' (bool, this year's 规上工业 roster) and
        'revenue_threshold' (万元, null where the category has none), and the row's baseline
        (review/baseline.py: the months before it: 'last_month_<field>', 'last_year_<field>',
        'own_<ratio>_median', 'own_<ratio>_months', 'revenue_11m').
    peers: every return of the same zones and months ('zone_id', 'division', 'period',
        'enterprise_id', money fields).
    """

    current: pl.DataFrame
    peers: pl.DataFrame


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    fields: tuple[str, ...]
    message: StrOrPromise
    check: Callable[[Any], pl.LazyFrame]


def found(
    frame: pl.DataFrame | pl.LazyFrame, mask: pl.Expr, on_field: str, /, **params: pl.Expr
) -> pl.LazyFrame:
    """The rows of frame where mask holds, as findings on `on_field` with the given figures.

    Lazy: the engine collects every rule's findings at once (`engine._run`). Each step of each
    rule collected on its own: a hundred polars queries to review one submitted return, a
    quarter of the submission's time (the load benchmark, session 12)."""
    return (
        frame.lazy()
        .filter(mask.fill_null(False))
        .select(
            pl.col("row").cast(pl.Int64),
            pl.lit(on_field).alias("field"),
            pl.struct(*(expr.alias(name) for name, expr in params.items()))
            .struct.json_encode()
            .alias("params"),
        )
    )


def _figure(expr: pl.Expr) -> pl.Expr:
    return expr.round(4)


def _month(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime("%Y-%m")


# --- hard rules --------------------------------------------------------------------------------

SIGNED_FIELDS = frozenset({"total_profit"})


def negative_value(batch: HardBatch) -> pl.LazyFrame:
    frames = [
        found(
            batch.frame,
            pl.col(name) < 0,
            name,
            field=pl.lit(name),
            value=_figure(pl.col(name)),
        )
        for name in MONTHLY_FIELDS
        if name not in SIGNED_FIELDS
    ]
    return pl.concat(frames)


def _scaled(name: str) -> pl.Expr:
    # Exact to the yuan: 万元 with 4 decimals as an integer.
    return (pl.col(name).cast(pl.Float64) * 10_000).round(0).cast(pl.Int64)


def sales_above_output(batch: HardBatch) -> pl.LazyFrame:
    hundredths = round(batch.sales_over_output_max * 100)
    # A negative output is the negative-value rule's finding, not this one's.
    mask = (pl.col("gross_output") >= 0) & (
        _scaled("sales_output") * 100 > _scaled("gross_output") * hundredths
    )
    return found(
        batch.frame,
        mask,
        "sales_output",
        sales_output=_figure(pl.col("sales_output")),
        gross_output=_figure(pl.col("gross_output")),
        limit=pl.lit(batch.sales_over_output_max),
    )


def period_in_future(batch: HardBatch) -> pl.LazyFrame:
    return found(
        batch.frame,
        pl.col("period") > pl.lit(batch.current_month),
        "period",
        period=_month(pl.col("period")),
        current=pl.lit(batch.current_month.strftime("%Y-%m")),
    )


def period_before_established(batch: HardBatch) -> pl.LazyFrame:
    established = pl.col("established_on").dt.truncate("1mo")
    return found(
        batch.frame,
        pl.col("period") < established,
        "period",
        period=_month(pl.col("period")),
        established_on=pl.col("established_on").dt.strftime("%Y-%m-%d"),
    )


# --- soft rules --------------------------------------------------------------------------------


def _swing(batch: SoftBatch, field: str, before: str, limit: str) -> pl.LazyFrame:
    frame = batch.current.lazy().with_columns(pl.col(f"{before}_{field}").alias("before"))
    change = (pl.col(field) - pl.col("before")).abs() * 100
    mask = (pl.col("before") > 0) & (change > pl.col(limit) * pl.col("before") * (1 + _MARGIN))
    return found(
        frame,
        mask,
        field,
        field=pl.lit(field),
        value=_figure(pl.col(field)),
        before=_figure(pl.col("before")),
        change_pct=((pl.col(field) / pl.col("before") - 1) * 100).round(1),
        limit_pct=pl.col(limit),
    )


def month_on_month_swing(batch: SoftBatch) -> pl.LazyFrame:
    return pl.concat(
        [_swing(batch, field, "last_month", "mom_pct") for field in ("gross_output", "revenue")]
    )


def year_on_year_swing(batch: SoftBatch) -> pl.LazyFrame:
    return pl.concat(
        [_swing(batch, field, "last_year", "yoy_pct") for field in ("gross_output", "revenue")]
    )


# The cross-checks with power and tax data: (name, numerator, denominator, scale for display).
RATIOS: dict[str, tuple[str, str, float]] = {
    # 万元 / 万千瓦时 = 元 per kWh.
    "output_per_kwh": ("gross_output", "electricity", 1.0),
    # Taxes as a percentage of gross output.
    "tax_per_output": ("taxes", "gross_output", 100.0),
}
RATIO_FIELD = {"output_per_kwh": "electricity", "tax_per_output": "taxes"}
MIN_HISTORY_MONTHS = 3
MIN_INDUSTRY_FIRMS = 3


def _ratio(name: str) -> pl.Expr:
    numerator, denominator, scale = RATIOS[name]
    return (
        pl.when(pl.col(denominator) > 0)
        .then(pl.col(numerator) / pl.col(denominator) * scale)
        .otherwise(None)
    )


def _far_from(frame: pl.LazyFrame, name: str, factor: str, **extra: pl.Expr) -> pl.LazyFrame:
    """Findings where the ratio is beyond factor times or divided by the reference median."""
    high = pl.col("ratio") > pl.col("median") * pl.col(factor) * (1 + _MARGIN)
    low = pl.col("ratio") * pl.col(factor) < pl.col("median") * (1 - _MARGIN)
    return found(
        frame,
        (pl.col("median") > 0) & pl.col("ratio").is_not_null() & (high | low),
        RATIO_FIELD[name],
        ratio=pl.col("ratio").round(4),
        median=pl.col("median").round(4),
        factor=pl.col(factor),
        **extra,
    )


def _own_history(batch: SoftBatch, name: str) -> pl.LazyFrame:
    frame = (
        batch.current.lazy()
        .select(
            "row",
            "own_factor",
            _ratio(name).alias("ratio"),
            pl.col(f"own_{name}_median").alias("median"),
            pl.col(f"own_{name}_months").alias("months"),
        )
        .filter(pl.col("months") >= MIN_HISTORY_MONTHS)
    )
    return _far_from(frame, name, "own_factor", months=pl.col("months"))


def _industry(batch: SoftBatch, name: str) -> pl.LazyFrame:
    keys = ["zone_id", "division", "period"]
    medians = (
        batch.peers.lazy()
        .select(*keys, _ratio(name).alias("peer_ratio"))
        .filter(pl.col("peer_ratio").is_not_null())
        .group_by(keys)
        .agg(pl.col("peer_ratio").median().alias("median"), pl.len().alias("firms"))
        .filter(pl.col("firms") >= MIN_INDUSTRY_FIRMS)
    )
    frame = (
        batch.current.lazy()
        .with_columns(_ratio(name).alias("ratio"))
        .join(medians, on=keys, how="inner")
    )
    return _far_from(frame, name, "industry_factor", firms=pl.col("firms"))


def output_per_kwh_own(batch: SoftBatch) -> pl.LazyFrame:
    return _own_history(batch, "output_per_kwh")


def tax_per_output_own(batch: SoftBatch) -> pl.LazyFrame:
    return _own_history(batch, "tax_per_output")


def output_per_kwh_industry(batch: SoftBatch) -> pl.LazyFrame:
    return _industry(batch, "output_per_kwh")


def tax_per_output_industry(batch: SoftBatch) -> pl.LazyFrame:
    return _industry(batch, "tax_per_output")


def newly_above_threshold(batch: SoftBatch) -> pl.LazyFrame:
    frame = (
        batch.current.lazy()
        .filter(~pl.col("on_roster") & pl.col("revenue_threshold").is_not_null())
        .with_columns(
            # The trailing twelve months: the eleven before and the month itself.
            (pl.col("revenue_11m").fill_null(0) + pl.col("revenue").fill_null(0))
            .round(4)
            .alias("revenue_12m")
        )
    )
    return found(
        frame,
        pl.col("revenue_12m") >= pl.col("revenue_threshold"),
        "revenue",
        revenue_12m=pl.col("revenue_12m"),
        threshold=pl.col("revenue_threshold"),
        year=pl.col("year"),
    )


HARD, SOFT = Severity.HARD.value, Severity.SOFT.value
NON_NEGATIVE_FIELDS = tuple(f for f in MONTHLY_FIELDS if f not in SIGNED_FIELDS)

RULES: tuple[Rule, ...] = (
    Rule(
        "negative_value",
        HARD,
        NON_NEGATIVE_FIELDS,
        _("%(field)s cannot be negative (reported %(value)s)."),
        negative_value,
    ),
    Rule(
        "sales_above_output",
        HARD,
        ("sales_output",),
        _(
            "Industrial sales output %(sales_output)s is more than %(limit)s times gross "
            "industrial output %(gross_output)s."
        ),
        sales_above_output,
    ),
    Rule(
        "period_in_future",
        HARD,
        ("period",),
        _("The month %(period)s has not begun yet (this month is %(current)s)."),
        period_in_future,
    ),
    Rule(
        "period_before_established",
        HARD,
        ("period",),
        _("The month %(period)s is before the enterprise was established (%(established_on)s)."),
        period_before_established,
    ),
    Rule(
        "month_on_month_swing",
        SOFT,
        ("gross_output", "revenue"),
        _(
            "%(field)s changed by %(change_pct)s%% from last month (%(before)s to %(value)s), "
            "beyond ±%(limit_pct)s%%."
        ),
        month_on_month_swing,
    ),
    Rule(
        "year_on_year_swing",
        SOFT,
        ("gross_output", "revenue"),
        _(
            "%(field)s changed by %(change_pct)s%% from the same month last year "
            "(%(before)s to %(value)s), beyond ±%(limit_pct)s%%."
        ),
        year_on_year_swing,
    ),
    Rule(
        "output_per_kwh_own",
        SOFT,
        ("electricity",),
        _(
            "Output per kWh of %(ratio)s yuan is more than %(factor)s times away from the "
            "enterprise's median of %(median)s yuan over its last %(months)s months."
        ),
        output_per_kwh_own,
    ),
    Rule(
        "tax_per_output_own",
        SOFT,
        ("taxes",),
        _(
            "Taxes of %(ratio)s%% of output are more than %(factor)s times away from the "
            "enterprise's median of %(median)s%% over its last %(months)s months."
        ),
        tax_per_output_own,
    ),
    Rule(
        "output_per_kwh_industry",
        SOFT,
        ("electricity",),
        _(
            "Output per kWh of %(ratio)s yuan is more than %(factor)s times away from the "
            "median of %(median)s yuan of the %(firms)s firms of its industry in the zone."
        ),
        output_per_kwh_industry,
    ),
    Rule(
        "tax_per_output_industry",
        SOFT,
        ("taxes",),
        _(
            "Taxes of %(ratio)s%% of output are more than %(factor)s times away from the "
            "median of %(median)s%% of the %(firms)s firms of its industry in the zone."
        ),
        tax_per_output_industry,
    ),
    Rule(
        "newly_above_threshold",
        SOFT,
        ("revenue",),
        _(
            "Revenue over the last 12 months is %(revenue_12m)s (万元), at or above the "
            "threshold of %(threshold)s (万元), but the enterprise is not on the %(year)s "
            "roster of above-scale industry."
        ),
        newly_above_threshold,
    ),
)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
