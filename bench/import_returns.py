"""Benchmark: importing a province-scale month of returns (200,000 rows, one workbook).

Measured in one run, on the database DATABASE_URL selects:
  (a) fastexcel alone reading the workbook into polars (the reference floor);
  (b) our import, `returns_import` (read + validate + write + review), on an empty month;
  (c) the naive reference: openpyxl reads the rows and each is saved with
      `Return.objects.create`, timed on the first SAMPLE rows (rolled back) and extrapolated
      linearly to the whole file;
and the peak resident memory of the process. Targets: b/a ≤ 5, c/b ≥ 20, peak < 2 GB.
"""

from __future__ import annotations

import random
import resource
import sys
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROWS = 200_000
SAMPLE = 5_000
PERIOD = "2025-01"
FIELDS = (
    "gross_output",
    "sales_output",
    "export_delivery",
    "revenue",
    "total_profit",
    "vat_payable",
    "taxes",
    "electricity",
    "employees",
)


@dataclass
class Figures:
    rows: int
    database: str
    fastexcel_s: float
    import_s: float
    reference_sample_s: float
    reference_s: float
    peak_mb: float
    created: int
    stages: dict[str, float]

    @property
    def import_over_read(self) -> float:
        return self.import_s / self.fastexcel_s

    @property
    def reference_over_import(self) -> float:
        return self.reference_s / self.import_s

    def report(self) -> str:
        return "\n".join(
            [
                f"import of a month of returns: {self.rows:,} rows on {self.database}",
                f"  (a) fastexcel read into polars      {self.fastexcel_s:8.2f} s",
                f"  (b) returns_import (full)           {self.import_s:8.2f} s"
                f"   ({self.created:,} returns created)",
                f"  (c) openpyxl + ORM create per row   {self.reference_s:8.2f} s"
                f"   (extrapolated from {min(SAMPLE, self.rows):,} rows: {self.reference_sample_s:.2f} s)",
                "      of which "
                + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.stages.items()),
                f"  peak resident memory                {self.peak_mb:8.0f} MB",
                f"  b/a = {self.import_over_read:.2f} (target ≤ 5)"
                f"   c/b = {self.reference_over_import:.1f} (target ≥ 20)"
                f"   peak {'<' if self.peak_mb < 2048 else '≥'} 2 GB",
            ]
        )


def header() -> list[str]:
    from kaifaqu.statistics.imports.template import template_headers

    return template_headers()


def write_workbook(path: Path, enterprises: list[tuple[str, str]], seed: int = 7) -> None:
    """A month of plausible figures in 千元 (1–本月累计 equal to the month: it is January)."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("月度报表")
    sheet.append(header())
    for uscc, name in enterprises:
        output = rng.randint(1_000, 500_000)
        sales = round(output * rng.uniform(0.85, 1.0))
        export = round(sales * rng.uniform(0, 0.2))
        revenue = round(output * rng.uniform(0.9, 1.1))
        profit = round(revenue * rng.uniform(-0.05, 0.12))
        vat = round(revenue * 0.03, 1)
        taxes = round(revenue * 0.05, 1)
        power = round(output / rng.uniform(50, 200), 2)  # 万千瓦时
        employees = rng.randint(20, 2_000)
        month = [output, sales, export, revenue, profit, vat, taxes, power]
        sheet.append([uscc, name, PERIOD, *month, employees, *month])
    workbook.save(path)


def read_with_fastexcel(path: Path) -> Any:
    import fastexcel

    return fastexcel.read_excel(str(path)).load_sheet(0).to_polars()


def reference_import(path: Path, limit: int) -> float:
    """openpyxl + one ORM create per row, rolled back; enterprises looked up in a dict."""
    from django.db import transaction
    from openpyxl import load_workbook

    from kaifaqu.core.lib.money import MoneyUnit, to_wan
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.statistics.models import Return, ReturnSource, ReturnStatus

    ids = dict(Enterprise.objects.values_list("uscc", "id"))
    start = time.perf_counter()
    with transaction.atomic():
        workbook = load_workbook(path, read_only=True)
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(min_row=2, max_row=limit + 1, values_only=True):
            values = {
                name: to_wan(Decimal(str(row[3 + i])), MoneyUnit.THOUSAND)
                for i, name in enumerate(FIELDS[:-2])
            }
            Return.objects.create(
                enterprise_id=ids[row[0]],
                period=Month.parse(str(row[2])).first_day,
                status=ReturnStatus.SUBMITTED,
                source=ReturnSource.IMPORT,
                electricity=Decimal(str(row[10])),
                employees=int(row[11]),
                **values,
            )
        workbook.close()
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def clear_month() -> None:
    """Remove the benchmark month left by an earlier run, in SQL (it is synthetic data)."""
    from kaifaqu.statistics.models import Return, ReviewFinding

    month = Return.objects.filter(period=date(2025, 1, 1), enterprise__name__startswith="合成企业")
    findings = ReviewFinding.objects.filter(return_record__in=month.values("pk"))
    findings._raw_delete(findings.db)  # type: ignore[attr-defined]
    month = Return.objects.filter(pk__in=list(month.values_list("pk", flat=True)))
    month._raw_delete(month.db)  # type: ignore[attr-defined]


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def run(*, rows: int = ROWS, workdir: Path, echo: Any = print, profile: bool = False) -> Figures:
    """Create the province (if needed), write the workbook, and measure (a), (c), (b)."""
    from django.db import connection

    from bench.province import province_create, province_enterprises
    from kaifaqu.statistics.imports import returns_import

    workdir.mkdir(parents=True, exist_ok=True)
    echo(f"creating the synthetic province ({rows:,} enterprises) …")
    province_create(zones=min(100, max(1, rows // 2_000)), enterprises=rows, echo=None)
    enterprises = province_enterprises(rows)
    clear_month()
    path = workdir / f"returns-{rows}.xlsx"
    if not path.exists():
        echo(f"writing {path} …")
        write_workbook(path, enterprises)

    echo("(a) fastexcel …")
    start = time.perf_counter()
    frame = read_with_fastexcel(path)
    fastexcel_s = time.perf_counter() - start
    assert frame.height == len(enterprises)
    del frame

    sample = min(SAMPLE, len(enterprises))
    echo(f"(c) openpyxl + ORM on {sample:,} rows …")
    reference_sample_s = reference_import(path, sample)
    reference_s = reference_sample_s * len(enterprises) / sample

    echo("(b) returns_import …")
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    marks: list[tuple[str, float]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter()))

    start = time.perf_counter()
    result = returns_import(
        by=None, file=path, filename=path.name, today=date(2025, 6, 1), progress=progress
    )
    import_s = time.perf_counter() - start
    # Each stage reports itself when it starts; it lasts until the next one starts.
    ends = [t for _, t in marks[1:]] + [start + import_s]
    stages = {stage: end - began for (stage, began), end in zip(marks, ends, strict=True)}
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        echo(text.getvalue())
    if result.errors:
        raise SystemExit(f"the import failed: {result.errors[:5]}")
    return Figures(
        rows=len(enterprises),
        database=connection.vendor,
        fastexcel_s=fastexcel_s,
        import_s=import_s,
        reference_sample_s=reference_sample_s,
        reference_s=reference_s,
        peak_mb=peak_mb(),
        created=result.created,
        stages=stages,
    )
