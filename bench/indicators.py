"""Benchmark: the indicator table at province scale against a reference written directly in polars.

The province is `kfq demo --province`'s (`generate_province`: 100 zones, 200,000 enterprises on
the 规上工业 roster, one accepted return per enterprise and month, MONTHS months up to 2024-12),
with a synthetic producer price index per month (all industry, and a third of the divisions) so
that value added at comparable prices is deflated. The facts are read once with `load_facts`
(timed on its own); then, in one run, on the same facts in memory:

  (a) the reference (`bench/indicator_reference.py`) for December of the last year;
  (b) `engine.indicator_table` for the same month;
each the best of 3, and their tables must be EXACTLY equal (every cell, every column); then
  (c) the reference and (d) the engine for every month of the data, one after the other, compared
      month by month: the work of rebuilding all roll-ups, in memory, without the database write.
Targets: b/a ≤ 3, d/c ≤ 10.
"""

from __future__ import annotations

import random
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import polars as pl

from bench.indicator_reference import COLUMNS, reference_table

ENTERPRISES = 200_000
MONTHS = 24
KEYS = ["slice_kind", "slice_key", "indicator"]
PPI_SOURCE = "合成数据（示例）：基准测试用价格指数"
T = TypeVar("T")


@dataclass
class Figures:
    zones: int
    enterprises: int
    months: int
    first: str
    last: str
    database: str
    returns: int
    load_s: float
    load_peak_mb: float
    month: str
    cells: int
    reference_s: float
    engine_s: float
    published: int
    reference_all_s: float
    engine_all_s: float
    cells_all: int
    peak_mb: float

    @property
    def month_ratio(self) -> float:
        return self.engine_s / self.reference_s

    @property
    def all_ratio(self) -> float:
        return self.engine_all_s / self.reference_all_s

    def report(self) -> str:
        return "\n".join(
            [
                f"indicator table: {self.zones} zones, {self.enterprises:,} enterprises, "
                f"{self.months} months ({self.first} … {self.last}) on {self.database}",
                f"  load_facts (all years, once)        {self.load_s:8.2f} s"
                f"   ({self.returns:,} accepted returns; peak memory so far "
                f"{self.load_peak_mb:,.0f} MB)",
                f"  one month, {self.month}: {self.cells:,} cells (slices × indicators), "
                "engine = reference exactly",
                f"  (a) reference in polars             {self.reference_s:8.2f} s   (best of 3)",
                f"  (b) engine.indicator_table          {self.engine_s:8.2f} s   (best of 3)",
                f"  all {self.months} months ({self.published} published, {self.cells_all:,} "
                "cells), in memory, no database write, engine = reference exactly",
                f"  (c) reference, every month          {self.reference_all_s:8.2f} s",
                f"  (d) engine, every month             {self.engine_all_s:8.2f} s",
                f"  peak resident memory                {self.peak_mb:8.0f} MB",
                f"  b/a = {self.month_ratio:.2f} (target ≤ 3)"
                f"   d/c = {self.all_ratio:.2f} (target ≤ 10)",
            ]
        )


# --- the province --------------------------------------------------------------------------------


def ensure_province(*, zones: int, enterprises: int, months: int, echo: Any) -> None:
    """The synthetic province of `kfq demo --province` with `months` months of returns."""
    from kaifaqu.demo.province import generate_province

    summary = generate_province(zones=zones, enterprises=enterprises, months=months, progress=None)
    wanted = (zones, enterprises, enterprises * months)
    if (summary.zones, summary.enterprises, summary.returns) != wanted:
        raise SystemExit(
            f"the database holds a synthetic province of {summary.zones} zones, "
            f"{summary.enterprises:,} enterprises and {summary.returns:,} returns, not "
            f"{zones}, {enterprises:,} and {enterprises * months:,}: "
            "delete var/bench/ (or use another DATABASE_URL) and run again"
        )
    echo(f"  {summary.enterprises:,} enterprises, {summary.returns:,} returns")


def ensure_price_indexes(*, months: int, seed: int = 2025) -> int:
    """A producer price index for every month of the province but every fifth (all industry),
    and for a third of the divisions in most months: months are deflated by their division's
    index, by all industry's, or not at all (no comparable value). Written once; gives the rows
    written."""
    from kaifaqu.demo.province import LAST_MONTH
    from kaifaqu.indicators.models import PriceIndex
    from kaifaqu.indicators.models.inputs import industrial_divisions

    periods = [LAST_MONTH.shift(-offset) for offset in range(months - 1, -1, -1)]
    if PriceIndex.objects.filter(source=PPI_SOURCE).exists():
        return 0
    rng = random.Random(seed)
    divisions = [code for code in industrial_divisions().values_list("code", flat=True)]
    chosen = [code for code in divisions if rng.random() < 1 / 3]
    rows = []
    for number, month in enumerate(periods):
        if number % 5 != 4:
            rows.append((month, "", rng.uniform(94, 106)))
        rows += [(month, code, rng.uniform(90, 110)) for code in chosen if rng.random() < 0.8]
    from kaifaqu.geo.models import Region, RegionLevel

    # The same indexes in every province (the synthetic province is one).
    provinces = list(Region.objects.filter(level=RegionLevel.PROVINCE))
    PriceIndex.objects.bulk_create(
        [
            PriceIndex(
                region=province,
                period=month.first_day,
                division=division,
                value=Decimal(f"{value:.2f}"),
                source=PPI_SOURCE,
            )
            for province in provinces
            for month, division, value in rows
        ],
        batch_size=1_000,
    )
    return len(rows) * len(provinces)


# --- comparing the tables -----------------------------------------------------------------------


def differences(engine: pl.DataFrame, reference: pl.DataFrame, *, limit: int = 10) -> list[str]:
    """Where the engine's table and the reference's differ: columns, types, cells and values,
    named by indicator, slice and column (empty when they are equal)."""
    found: list[str] = []
    if engine.columns != list(COLUMNS):
        found.append(f"engine columns {engine.columns} are not the reference's {list(COLUMNS)}")
    names = [name for name in COLUMNS if name in engine.columns]
    found += [
        f"column {name}: engine {engine.schema[name]}, reference {reference.schema[name]}"
        for name in names
        if engine.schema[name] != reference.schema[name]
    ]
    for side, frame in (("engine", engine), ("reference", reference)):
        twice = frame.filter(frame.select(KEYS).is_duplicated())
        if twice.height:
            found.append(f"{side}: {twice.height} rows share a key, e.g. {twice.row(0)}")
    values = [name for name in names if name not in KEYS]
    joined = (
        engine.select(names)
        .with_columns(pl.lit(True).alias("_engine"))
        .join(
            reference.select(names).with_columns(pl.lit(True).alias("_reference")),
            on=KEYS,
            how="full",
            coalesce=True,
            suffix="_ref",
        )
    )
    for side, present, absent in (
        ("engine", "_engine", "_reference"),
        ("reference", "_reference", "_engine"),
    ):
        alone = joined.filter(pl.col(present) & pl.col(absent).is_null())
        if alone.height:
            found.append(
                f"{alone.height} cells only in the {side}'s table: "
                + _summary(alone)
                + f"; e.g. {alone.select(KEYS).head(3).rows()}"
            )
    both = joined.filter(pl.col("_engine") & pl.col("_reference"))
    for name in values:
        wrong = both.filter(pl.col(name).ne_missing(pl.col(f"{name}_ref")))
        if wrong.height:
            examples = wrong.select(*KEYS, name, f"{name}_ref").head(limit).rows()
            found.append(
                f"column {name}: {wrong.height} cells differ ({_summary(wrong)}); "
                "(kind, key, indicator, engine, reference): "
                + "; ".join(str(example) for example in examples)
            )
    return found


def _summary(frame: pl.DataFrame) -> str:
    counts = frame.group_by("indicator", "slice_kind").len().sort("indicator", "slice_kind")
    return ", ".join(f"{code} × {kind}: {count}" for code, kind, count in counts.rows())


def require_equal(engine: pl.DataFrame, reference: pl.DataFrame, month: Any) -> None:
    """Fail loudly, saying where, unless the two tables are exactly equal."""
    found = differences(engine, reference)
    if not found and not engine.sort(KEYS).equals(reference.sort(KEYS)):
        found.append("the tables differ (order-independent comparison)")
    if found:
        raise SystemExit(
            f"the engine and the reference disagree in {month}:\n  " + "\n  ".join(found)
        )


# --- measuring ----------------------------------------------------------------------------------


def timed(work: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def run(
    *,
    enterprises: int = ENTERPRISES,
    months: int = MONTHS,
    zones: int | None = None,
    echo: Any = print,
) -> Figures:
    """Create the province (if needed), load the facts, and measure (a)–(d) in one run."""
    from django.db import connection

    from kaifaqu.core.lib.periods import Month
    from kaifaqu.indicators.engine import indicator_table
    from kaifaqu.indicators.facts import load_facts

    zones = zones or min(100, max(1, enterprises // 2_000))
    echo(f"the synthetic province ({zones} zones, {enterprises:,} enterprises, {months} months) …")
    ensure_province(zones=zones, enterprises=enterprises, months=months, echo=echo)
    ensure_price_indexes(months=months)

    echo("load_facts …")
    load_s, facts = timed(load_facts)
    load_peak_mb = peak_mb()
    periods = facts.returns.get_column("period")
    first, last = Month.of(periods.min()), Month.of(periods.max())  # type: ignore[arg-type]
    month = Month(last.year, 12)

    echo(f"(a), (b): {month}, best of 3 each …")
    reference_runs, engine_runs = [], []
    for _attempt in range(3):
        # Interleaved, so that another job's load falls on both alike.
        seconds, reference = timed(partial(reference_table, facts, month.year, month.month))
        reference_runs.append(seconds)
        seconds, engine = timed(partial(indicator_table, facts, month))
        engine_runs.append(seconds)
    require_equal(engine, reference, month)
    cells = engine.height
    del engine, reference

    every = [first.shift(offset) for offset in range(_months_between(first, last) + 1)]
    echo(f"(c), (d): every month, {first} … {last} …")
    reference_all_s = engine_all_s = 0.0
    cells_all = 0
    for each in every:
        seconds, reference = timed(partial(reference_table, facts, each.year, each.month))
        reference_all_s += seconds
        seconds, engine = timed(partial(indicator_table, facts, each))
        engine_all_s += seconds
        require_equal(engine, reference, each)
        cells_all += engine.height
    return Figures(
        zones=zones,
        enterprises=enterprises,
        months=len(every),
        first=str(first),
        last=str(last),
        database=connection.vendor,
        returns=facts.returns.height,
        load_s=load_s,
        load_peak_mb=load_peak_mb,
        month=str(month),
        cells=cells,
        reference_s=min(reference_runs),
        engine_s=min(engine_runs),
        published=sum(1 for each in every if each.month != 1),
        reference_all_s=reference_all_s,
        engine_all_s=engine_all_s,
        cells_all=cells_all,
        peak_mb=peak_mb(),
    )


def _months_between(first: Any, last: Any) -> int:
    return (last.year - first.year) * 12 + last.month - first.month
