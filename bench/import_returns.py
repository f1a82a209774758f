"""Benchmark: importing a province-scale month of returns (200,000 rows, one workbook).

The province is `kfq demo --province`'s (kaifaqu/demo/province.py) with 14 months of returns up to
2024-12; the workbook is its last month as a statistics office sends it (千元, each figure for
the month and 1–本月累计), and that month is removed before the import, so the import writes a
whole month over 13 months of history that the review compares with.

Measured in one run, on the database DATABASE_URL selects:
  (a) fastexcel alone reading the workbook into polars (the reference floor: best of 3 reads);
  (b) our import, `returns_import` (read + validate + write + review);
  (c) the naive reference: openpyxl reads the rows and each is saved with
      `Return.objects.create`, timed on the first SAMPLE rows (rolled back) and extrapolated
      linearly to the whole file;
and the peak resident memory of the process. Targets: b/a ≤ 5, c/b ≥ 20, peak < 2 GB.
"""

from __future__ import annotations

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
# The province's returns run up to 2024-12 (LAST_MONTH); the benchmark imports that month again,
# over the 13 months before it that the review compares with (a year back and the month before).
HISTORY_MONTHS = 13
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
    history: int
    database: str
    fastexcel_s: float
    import_s: float
    reference_sample_s: float
    reference_s: float
    peak_mb: float
    created: int
    findings: int
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
                f"import of a month of returns: {self.rows:,} rows on {self.database}, "
                f"over {self.history} months of history",
                f"  (a) fastexcel read into polars      {self.fastexcel_s:8.2f} s   (best of 3)",
                f"  (b) returns_import (full)           {self.import_s:8.2f} s"
                f"   ({self.created:,} returns created, {self.findings:,} soft findings)",
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
    """The template's headers with the unit the office writes money in: (千元), not (万元)."""
    from kaifaqu.returns.imports.template import template_headers

    return [name.replace("(万元)", "(千元)") for name in template_headers()]


def import_month() -> date:
    from kaifaqu.demo.province import LAST_MONTH

    return LAST_MONTH.first_day


def synthetic_returns() -> Any:
    from kaifaqu.demo.province import PREFIX
    from kaifaqu.returns.models import Return

    return Return.objects.filter(enterprise__zone__name__startswith=PREFIX)


def write_workbook(path: Path) -> int:
    """The province's own figures of the import month, as a statistics office would send them:
    money in 千元, each figure for the month and from January to the month (1–本月累计)."""
    from django.db.models import Q, Sum
    from openpyxl import Workbook

    month = import_month()
    in_month = Q(period=month)
    sums = {f"month_{f}": Sum(f, filter=in_month) for f in FIELDS}
    sums |= {f"ytd_{f}": Sum(f) for f in FIELDS if f != "employees"}
    rows = (
        synthetic_returns()
        .filter(period__year=month.year, period__lte=month)
        .values("enterprise__uscc", "enterprise__name")
        .annotate(**sums)
        .order_by("enterprise__uscc")
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("月度报表")
    sheet.append(header())
    count = 0

    def shown(name: str, value: Decimal | None) -> float | None:
        if value is None:
            return None
        return float(value) if name in ("electricity", "employees") else float(value * 10)

    for row in rows.iterator(chunk_size=5_000):
        this_month = [shown(f, row[f"month_{f}"]) for f in FIELDS]
        to_date = [shown(f, row[f"ytd_{f}"]) for f in FIELDS if f != "employees"]
        sheet.append(
            [
                row["enterprise__uscc"],
                row["enterprise__name"],
                f"{month:%Y-%m}",
                *this_month,
                *to_date,
            ]
        )
        count += 1
    workbook.save(path)
    return count


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
    from kaifaqu.returns.models import Return, ReturnSource, ReturnStatus

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
        # The naive reference writes no ledger rows (a service would call ledger_update); it is
        # rolled back anyway.
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def clear_month() -> None:
    """Remove the import month from the province, in SQL (it is synthetic data)."""
    from django.db import connection

    from kaifaqu.returns.models import Return, ReturnLedger, ReviewFinding
    from kaifaqu.returns.services.ledger import ledger_rebuild

    month = synthetic_returns().filter(period=import_month())
    findings = ReviewFinding.objects.filter(return_record__in=month.values("pk"))
    findings._raw_delete(findings.db)  # type: ignore[attr-defined]
    month = month.model.objects.filter(pk__in=list(month.values_list("pk", flat=True)))
    month._raw_delete(month.db)  # type: ignore[attr-defined]
    # Returns written outside the services: the ledger's month is rebuilt (to nothing).
    ledger_rebuild(periods=[import_month()])
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The deleted month's 200,000 row versions stay in the tables and indexes until a vacuum:
        # without one, each run would find more dead entries where the month is read. (Not in a
        # test's transaction, where VACUUM cannot run.)
        with connection.cursor() as cursor:
            for model in (ReviewFinding, Return, ReturnLedger):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def ensure_province(
    *, zones: int, enterprises: int, echo: Any, history: int = HISTORY_MONTHS
) -> None:
    """The synthetic province of `kfq demo --province`, with `history` months before the import
    month (whose returns are removed by `clear_month` before each import)."""
    from kaifaqu.demo.province import generate_province

    summary = generate_province(
        zones=zones, enterprises=enterprises, months=history + 1, progress=None
    )
    kept = synthetic_returns().exclude(period=import_month()).count()
    if (summary.zones, summary.enterprises, kept) != (zones, enterprises, enterprises * history):
        raise SystemExit(
            f"the database holds a synthetic province of {summary.zones} zones, "
            f"{summary.enterprises:,} enterprises and {kept:,} returns before the import month, "
            f"not {zones}, {enterprises:,} and {enterprises * history:,}: "
            "delete var/bench/ (or use another DATABASE_URL) and run again"
        )
    echo(f"  {summary.enterprises:,} enterprises, {summary.returns:,} returns")


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def run(
    *,
    rows: int = ROWS,
    history: int = HISTORY_MONTHS,
    workdir: Path,
    echo: Any = print,
    profile: bool = False,
) -> Figures:
    """Create the province (if needed), write the workbook, and measure (a), (c), (b)."""
    from django.db import connection

    from kaifaqu.returns.imports import returns_import
    from kaifaqu.returns.models import ReviewFinding

    workdir.mkdir(parents=True, exist_ok=True)
    echo(f"the synthetic province ({rows:,} enterprises, {history} months before the import) …")
    zones = min(100, max(1, rows // 2_000))
    ensure_province(zones=zones, enterprises=rows, echo=echo, history=history)
    path = workdir / f"returns-{rows}-h{history}-{import_month():%Y%m}.xlsx"
    if not path.exists():
        echo(f"writing {path} …")
        write_workbook(path)
    clear_month()

    echo("(a) fastexcel …")
    # The best of three reads: the floor, with the file in the page cache as it is for (b).
    reads = []
    for _attempt in range(3):
        start = time.perf_counter()
        frame = read_with_fastexcel(path)
        reads.append(time.perf_counter() - start)
        file_rows = frame.height
        del frame
    fastexcel_s = min(reads)

    sample = min(SAMPLE, file_rows)
    echo(f"(c) openpyxl + ORM on {sample:,} rows …")
    reference_sample_s = reference_import(path, sample)
    reference_s = reference_sample_s * file_rows / sample

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
        rows=file_rows,
        history=history,
        database=connection.vendor,
        fastexcel_s=fastexcel_s,
        import_s=import_s,
        reference_sample_s=reference_sample_s,
        reference_s=reference_s,
        peak_mb=peak_mb(),
        created=result.created,
        findings=ReviewFinding.objects.filter(
            return_record__in=synthetic_returns().filter(period=import_month()).values("pk")
        ).count(),
        stages=stages,
    )
