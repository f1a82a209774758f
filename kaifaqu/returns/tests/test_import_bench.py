"""The benchmark's code path on 500 rows, so that `make bench` cannot rot unnoticed."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bench.import_returns import HISTORY_MONTHS, ensure_province, run, write_workbook
from kaifaqu.returns.models import Return, ReturnStatus


def test_the_benchmark_imports_the_provinces_last_month_again(db: None, tmp_path: Path) -> None:
    figures = run(rows=500, workdir=tmp_path, echo=lambda _text: None)
    assert (figures.rows, figures.created) == (500, 500)
    synthetic = Return.objects.filter(enterprise__zone__name__startswith="模拟")
    assert synthetic.count() == 500 * (HISTORY_MONTHS + 1)
    assert synthetic.filter(status=ReturnStatus.SUBMITTED).count() == 500
    # The province's own figures continue its series, so few returns raise a finding (the
    # synthetic firms' output per kWh spreads tenfold: a tenth stand out in their industry).
    assert 0 < figures.findings < 100
    assert figures.fastexcel_s > 0 and figures.import_s > 0 and figures.reference_s > 0
    assert "b/a =" in figures.report()


def test_the_workbook_holds_the_month_and_the_year_to_date_in_thousand_yuan(
    db: None, tmp_path: Path
) -> None:
    ensure_province(zones=1, enterprises=3, echo=lambda _text: None)
    path = tmp_path / "month.xlsx"
    assert write_workbook(path) == 3
    header, first, *_rest = load_workbook(path, read_only=True).worksheets[0].values
    returns = Return.objects.filter(enterprise__uscc=first[0], period__year=2024)
    december = returns.get(period__month=12)
    assert first[2] == "2024-12"
    assert first[header.index("工业总产值(当年价格)(千元)")] == float(december.gross_output * 10)
    year = sum(r.revenue for r in returns)
    assert first[header.index("营业收入1-本月累计(千元)")] == pytest.approx(float(year * 10))


def test_a_province_of_another_size_is_refused(db: None) -> None:
    ensure_province(zones=1, enterprises=3, echo=lambda _text: None)
    with pytest.raises(SystemExit, match="delete var/bench"):
        ensure_province(zones=1, enterprises=4, echo=lambda _text: None)


def test_without_history_the_month_is_imported_into_an_empty_province(
    db: None, tmp_path: Path
) -> None:
    figures = run(rows=300, history=0, workdir=tmp_path, echo=lambda _text: None)
    assert (figures.rows, figures.created, figures.history) == (300, 300, 0)
    assert Return.objects.count() == 300
    assert "over 0 months of history" in figures.report()
