"""Running the rules on batches: candidate frames (hard) and stored returns (soft), set-based."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import polars as pl
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from kaifaqu.core.frames import insert_frame, queryset_frame, timestamp
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.enterprises.thresholds import (
    category_for_industry,
    pick_threshold,
    thresholds_for_year,
)
from kaifaqu.returns.models import (
    MONTHLY_FIELDS,
    Return,
    ReviewFinding,
    Severity,
    StatisticsSettings,
)
from kaifaqu.returns.review.baseline import baseline
from kaifaqu.returns.review.rules import (
    FINDING_SCHEMA,
    RULES,
    HardBatch,
    SoftBatch,
)

# Ids per `IN (...)` list: well under SQLite's limit on bound parameters.
CHUNK = 10_000
# The figures the soft rules compare.
SOFT_FIELDS = ("gross_output", "revenue", "electricity", "taxes")
OUTPUT_COLUMNS = ["row", "field", "rule", "params"]


def _empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema={**FINDING_SCHEMA, "rule": pl.Utf8}).select(OUTPUT_COLUMNS)


def _run(severity: str, batch: HardBatch | SoftBatch) -> pl.DataFrame:
    """Every rule of the severity on the batch, collected in one polars query."""
    frames = [
        rule.check(batch).with_columns(pl.lit(rule.code).alias("rule")).select(OUTPUT_COLUMNS)
        for rule in RULES
        if rule.severity == severity
    ]
    return (
        pl.concat([_empty_findings().lazy(), *frames])
        .sort("row", "rule", "field", maintain_order=True)
        .collect()
    )


def hard_violations(
    frame: pl.DataFrame, *, settings: StatisticsSettings | None, today: date
) -> pl.DataFrame:
    """Hard rules on a batch of candidate returns (set-based, polars).

    Input columns: 'row' (Int64, the caller's row id), 'period' (pl.Date, first of month),
    'established_on' (pl.Date, nullable), and every name in MONTHLY_FIELDS (Float64 or Decimal,
    nullable). Output: one row per violation with columns 'row', 'field', 'rule' (code) and
    'params' (JSON of the figures for the message). `settings` None means the model defaults.
    """
    settings = settings or StatisticsSettings()
    columns = [
        pl.col("row").cast(pl.Int64),
        pl.col("period").cast(pl.Date),
        (
            pl.col("established_on").cast(pl.Date)
            if "established_on" in frame.columns
            else pl.lit(None, dtype=pl.Date).alias("established_on")
        ),
        *(pl.col(name).cast(pl.Float64) for name in MONTHLY_FIELDS),
    ]
    batch = HardBatch(
        frame=frame.select(columns),
        sales_over_output_max=float(settings.sales_over_output_max),
        current_month=today.replace(day=1),
    )
    return _run(Severity.HARD.value, batch)


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


# Up to this many runs of consecutive ids are selected as ranges rather than listed.
MAX_RUNS = 100


def _id_filters(ids: list[int], lookup: str) -> list[Q]:
    """Conditions that together select the sorted, distinct ids, in as few queries as it takes.

    Returns written by one import have consecutive ids: a few `BETWEEN` ranges select them
    without binding (and compiling) a parameter per id; scattered ids are listed in chunks.
    """
    runs: list[list[int]] = []
    for value in ids:
        if runs and value == runs[-1][1] + 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    if len(runs) <= MAX_RUNS:
        condition = Q()
        for first, last in runs:
            condition |= Q(**{f"{lookup}__range": (first, last)})
        return [condition]
    return [Q(**{f"{lookup}__in": chunk}) for chunk in _chunks(ids)]


def _returns(queryset: models.QuerySet[Any], extra: dict[str, tuple[str, Any]]) -> pl.DataFrame:
    money = {name: (name, pl.Float64) for name in SOFT_FIELDS}
    return queryset_frame(queryset, {**extra, "period": ("period", pl.Date), **money})


def _settings_frame(zone_ids: list[int]) -> pl.DataFrame:
    stored = {s.zone_id: s for s in StatisticsSettings.objects.filter(zone_id__in=zone_ids)}
    default = StatisticsSettings()
    rows = []
    for zone_id in zone_ids:
        s = stored.get(zone_id, default)
        rows.append(
            {
                "zone_id": zone_id,
                "mom_pct": float(s.month_on_month_swing_pct),
                "yoy_pct": float(s.year_on_year_swing_pct),
                "own_factor": float(s.own_history_factor),
                "industry_factor": float(s.industry_factor),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "zone_id": pl.Int64,
            "mom_pct": pl.Float64,
            "yoy_pct": pl.Float64,
            "own_factor": pl.Float64,
            "industry_factor": pl.Float64,
        },
    )


def _threshold_frame(current: pl.DataFrame) -> pl.DataFrame:
    """The 规上工业 revenue threshold (万元) for each year and industry class under review.

    Read from the versioned thresholds (one query a year); null for industries outside 规上工业.
    """
    rows = []
    for year in sorted(current["year"].unique().to_list()):
        versions = thresholds_for_year(year)
        for industry in sorted(current.filter(pl.col("year") == year)["industry"].unique()):
            threshold = None
            if category_for_industry(industry) == StatCategory.INDUSTRY:
                row = pick_threshold(versions, StatCategory.INDUSTRY, industry, year)
                if row is not None and row.threshold_wan is not None:
                    threshold = float(row.threshold_wan)
            rows.append((year, industry, threshold))
    return pl.DataFrame(
        rows,
        schema={"year": pl.Int32, "industry": pl.Utf8, "revenue_threshold": pl.Float64},
        orient="row",
    )


CURRENT_COLUMNS = {
    "row": pl.Int64,
    "enterprise_id": pl.Int64,
    "period": pl.Date,
    **{name: pl.Float64 for name in SOFT_FIELDS},
}
ENTERPRISE_COLUMNS = {
    "zone_id": ("enterprise__zone_id", pl.Int64),
    "industry": ("enterprise__industry_id", pl.Utf8),
}


def returns_in_hand(records: Sequence[Return]) -> pl.DataFrame:
    """The `written` frame of `soft_findings` for returns the caller holds with their enterprise
    (a submission reviews its return without reading it and its firm back)."""
    return pl.DataFrame(
        {
            "row": [record.pk for record in records],
            "enterprise_id": [record.enterprise_id for record in records],
            "period": [record.period for record in records],
            **{
                name: [
                    None if getattr(record, name) is None else float(getattr(record, name))
                    for record in records
                ]
                for name in SOFT_FIELDS
            },
            "zone_id": [record.enterprise.zone_id for record in records],
            "industry": [record.enterprise.industry_id for record in records],
        },
        schema={**CURRENT_COLUMNS, "zone_id": pl.Int64, "industry": pl.Utf8},
    )


def _conform(frame: pl.DataFrame, columns: dict[str, Any]) -> pl.DataFrame:
    return frame.select(pl.col(name).cast(dtype) for name, dtype in columns.items())


def _enterprises(enterprise_ids: list[int]) -> pl.DataFrame:
    """zone_id and industry of these enterprises."""
    return pl.concat(
        [
            queryset_frame(
                Enterprise.objects.filter(condition),
                {
                    "enterprise_id": ("id", pl.Int64),
                    "zone_id": ("zone_id", pl.Int64),
                    "industry": ("industry_id", pl.Utf8),
                },
            )
            for condition in _id_filters(enterprise_ids, "id")
        ]
    )


def _stored_current(ids: list[int]) -> pl.DataFrame:
    return pl.concat(
        [
            _returns(
                Return.objects.filter(condition),
                {"row": ("id", pl.Int64), "enterprise_id": ("enterprise_id", pl.Int64)},
            )
            for condition in _id_filters(ids, "id")
        ]
    )


def _others(
    queryset: models.QuerySet[Any], ids: list[int], extra: dict[str, tuple[str, Any]]
) -> pl.DataFrame:
    """The stored returns of the queryset other than the batch's own (which are in hand).

    The batch is left out in SQL when its ids form a few runs (an import's are consecutive),
    otherwise after reading.
    """
    runs = _id_filters(ids, "id")
    if len(runs) == 1:
        return _returns(queryset.exclude(runs[0]), extra)
    frame = _returns(queryset, {"row": ("id", pl.Int64), **extra})
    batch = pl.DataFrame({"row": ids}, schema={"row": pl.Int64})
    return frame.join(batch, on="row", how="anti").drop("row")


def _load(ids: list[int], written: pl.DataFrame | None) -> SoftBatch | None:
    # The caller may hand over each return's zone and industry with its figures.
    placed = written is not None and {"zone_id", "industry"} <= set(written.columns)
    current = _conform(
        _stored_current(ids) if written is None else written.filter(pl.col("row").is_in(ids)),
        {**CURRENT_COLUMNS, "zone_id": pl.Int64, "industry": pl.Utf8}
        if placed
        else CURRENT_COLUMNS,
    )
    if current.is_empty():
        return None
    enterprise_ids = sorted(current["enterprise_id"].unique().to_list())
    if not placed:
        current = current.join(_enterprises(enterprise_ids), on="enterprise_id", how="inner")
    current = current.with_columns(
        pl.col("industry").str.slice(0, 2).alias("division"),
        pl.col("period").dt.year().alias("year"),
    )
    zone_ids = sorted(current["zone_id"].unique().to_list())
    periods = sorted(current["period"].unique().to_list())
    years = sorted(current["year"].unique().to_list())
    peer_columns = {
        "enterprise_id": pl.Int64,
        "period": pl.Date,
        **{name: pl.Float64 for name in SOFT_FIELDS},
        "zone_id": pl.Int64,
        "industry": pl.Utf8,
    }
    peers = pl.concat(
        [
            _conform(current, peer_columns),
            _conform(
                _others(
                    # Firms' own figures: an estimate (估算) is made from its peers already.
                    Return.objects.filter(
                        _of_divisions(current["division"].unique().to_list()),
                        enterprise__zone_id__in=zone_ids,
                        period__in=periods,
                        is_estimate=False,
                    ),
                    ids,
                    {"enterprise_id": ("enterprise_id", pl.Int64), **ENTERPRISE_COLUMNS},
                ),
                peer_columns,
            ),
        ]
    ).with_columns(pl.col("industry").str.slice(0, 2).alias("division"))
    current = (
        current.join(_settings_frame(zone_ids), on="zone_id", how="left")
        .join(
            _off_roster(zone_ids, years, enterprise_ids), on=["enterprise_id", "year"], how="left"
        )
        .with_columns(pl.col("on_roster").fill_null(True))
        .join(_threshold_frame(current), on=["year", "industry"], how="left")
        .join(baseline(current.select("row", "enterprise_id", "period")), on="row", how="left")
    )
    return SoftBatch(current=current, peers=peers)


# A batch of up to this many industry divisions reads only their peers (a submission reads its
# own division's, not its zone's every return of the month); a larger one reads them all.
MAX_PEER_DIVISIONS = 8
# A batch of up to this many enterprises looks up only their own roster entries; a larger one
# reads its zones' firms outside the roster (the few, rather than the roster's many).
MAX_ROSTER_LOOKUPS = 500


def _of_divisions(divisions: list[str]) -> Q:
    """The returns whose firm is of one of these divisions (all when they are many). The peer
    rules compare a return only with its own division's returns of its zone and month."""
    if len(divisions) > MAX_PEER_DIVISIONS:
        return Q()
    condition = Q(pk__in=[])
    for division in divisions:
        condition |= Q(enterprise__industry__code__startswith=division)
    return condition


def _off_roster(zone_ids: list[int], years: list[int], enterprise_ids: list[int]) -> pl.DataFrame:
    """The batch's enterprises outside the 规上工业 roster of each year (enterprise_id, year,
    on_roster False)."""
    firms = (
        Enterprise.objects.filter(pk__in=enterprise_ids)
        if len(enterprise_ids) <= MAX_ROSTER_LOOKUPS
        else Enterprise.objects.filter(zone_id__in=zone_ids)
    )
    frames = []
    for year in years:
        entered = RosterEntry.objects.filter(
            enterprise=OuterRef("pk"), category=StatCategory.INDUSTRY, year=year
        )
        frames.append(
            queryset_frame(
                firms.exclude(Exists(entered)),
                {"enterprise_id": ("id", pl.Int64)},
            ).with_columns(pl.lit(year, dtype=pl.Int32).alias("year"))
        )
    schema = {"enterprise_id": pl.Int64, "year": pl.Int32}
    return pl.concat([pl.DataFrame(schema=schema), *frames]).with_columns(
        pl.lit(False).alias("on_roster")
    )


def soft_findings(return_ids: Sequence[int], written: pl.DataFrame | None = None) -> pl.DataFrame:
    """The soft findings of these returns ('row' is the return id), computed, not stored.

    `written`: the returns as the caller has just written them, when it has them in hand ('row'
    the id, 'enterprise_id', 'period' and the figures SOFT_FIELDS in 万元 / 万千瓦时; optionally
    each enterprise's 'zone_id' and 'industry'); they are then not read back.
    """
    ids = sorted(set(return_ids))
    batch = _load(ids, written) if ids else None
    if batch is None:
        return _empty_findings()
    return _run(Severity.SOFT.value, batch)


def review_returns(*, return_ids: Sequence[int], written: pl.DataFrame | None = None) -> None:
    """(Re)compute and store the soft findings of these returns, replacing their previous ones.

    Set-based: the returns (unless `written` gives them, see `soft_findings`), their history,
    their industry peers, the zones' settings and the roster are read in a few queries into polars, every soft rule runs on the whole batch, and
    the findings are replaced with bulk operations.
    """
    ids = sorted(set(return_ids))
    if not ids:
        return
    findings = soft_findings(ids, written)
    rows = findings.select(
        pl.col("row").alias("return_record_id"),
        "rule",
        pl.lit(Severity.SOFT.value).alias("severity"),
        "field",
        "params",
        timestamp(timezone.now()).alias("found_at"),
    )
    with transaction.atomic():
        for condition in _id_filters(ids, "return_record__id"):
            ReviewFinding.objects.filter(condition, severity=Severity.SOFT).delete()
        # Findings are derived from the returns, not anyone's entry: written set-based.
        insert_frame(ReviewFinding, rows)
