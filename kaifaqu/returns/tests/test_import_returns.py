"""Importing a month of returns: units, headers, periods, 本月/累计, all or nothing, scope."""

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from kaifaqu.conftest import Personas, World, make_uscc
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.returns.imports import returns_import
from kaifaqu.returns.models import (
    Return,
    ReturnImport,
    ReturnSource,
    ReturnStatus,
    ReviewFinding,
    StatisticsSettings,
)
from kaifaqu.returns.tests.helpers import stored_return
from kaifaqu.returns.tests.import_helpers import csv, xlsx

TODAY = date(2025, 6, 10)
KEYS = ["统一社会信用代码", "报告期"]
OUTPUT = "工业总产值(当年价格)"
OUTPUT_YTD = "工业总产值(当年价格)1-本月累计"


def run(by, file, *, name="returns.xlsx", unit=MoneyUnit.THOUSAND):  # type: ignore[no-untyped-def]
    return returns_import(by=by, file=file, filename=name, unit=unit, today=TODAY)


def figure(enterprise: Enterprise, period: date, field: str) -> object:
    return Return.objects.values_list(field, flat=True).get(enterprise=enterprise, period=period)


# --- units ---------------------------------------------------------------------------------------


def test_it_converts_thousands_of_yuan_to_wan(world: World, personas: Personas) -> None:
    result = run(
        personas.statistician, xlsx([*KEYS, OUTPUT], [[world.ent_a1.uscc, "2025-03", 1500]])
    )
    assert (result.created, result.errors) == (1, [])
    assert figure(world.ent_a1, date(2025, 3, 1), "gross_output") == Decimal("150.0000")


def test_it_converts_yuan_and_wan_as_declared(world: World, personas: Personas) -> None:
    run(
        personas.statistician,
        xlsx([*KEYS, OUTPUT], [[world.ent_a1.uscc, "2025-03", 1500000]]),
        unit=MoneyUnit.YUAN,
    )
    run(
        personas.statistician,
        xlsx([*KEYS, OUTPUT], [[world.ent_a2.uscc, "2025-03", "150.1234"]]),
        unit=MoneyUnit.WAN,
    )
    assert figure(world.ent_a1, date(2025, 3, 1), "gross_output") == Decimal("150.0000")
    assert figure(world.ent_a2, date(2025, 3, 1), "gross_output") == Decimal("150.1234")


def test_a_unit_in_the_header_wins_over_the_declared_unit(world: World, personas: Personas) -> None:
    headers = [*KEYS, OUTPUT, "营业收入(万元)", "利润总额（元）"]
    run(personas.statistician, xlsx(headers, [[world.ent_a1.uscc, "2025-03", 1500, 150, 25000]]))
    assert figure(world.ent_a1, date(2025, 3, 1), "gross_output") == Decimal("150.0000")
    assert figure(world.ent_a1, date(2025, 3, 1), "revenue") == Decimal("150.0000")
    assert figure(world.ent_a1, date(2025, 3, 1), "total_profit") == Decimal("2.5000")


def test_it_keeps_electricity_in_wan_kwh_and_employees_as_counted(
    world: World, personas: Personas
) -> None:
    headers = [*KEYS, "用电量(千瓦时)", "从业人员期末人数(人)"]
    run(personas.statistician, xlsx(headers, [[world.ent_a1.uscc, "2025-03", 123456, 88]]))
    assert figure(world.ent_a1, date(2025, 3, 1), "electricity") == Decimal("12.3456")
    assert figure(world.ent_a1, date(2025, 3, 1), "employees") == 88


# --- headers and periods -------------------------------------------------------------------------


def test_it_matches_headers_of_other_offices_in_any_order(world: World, personas: Personas) -> None:
    headers = [
        "备注",
        " 工业总产值（当年价格）（千元）",
        "报 告 期",
        "营业收入",
        "统一社会信用代码 ",
    ]
    rows = [["ignored", "１，５００", "2025年3月", "2,000.5", f" {world.ent_a1.uscc.lower()} "]]
    result = run(personas.statistician, xlsx(headers, rows))
    assert result.errors == []
    assert figure(world.ent_a1, date(2025, 3, 1), "gross_output") == Decimal("150.0000")
    assert figure(world.ent_a1, date(2025, 3, 1), "revenue") == Decimal("200.0500")


def test_it_reads_every_period_form_and_an_excel_date(world: World, personas: Personas) -> None:
    periods = ["2025-01", "2025年2月", "202503", datetime(2025, 4, 1), "2025/5"]
    rows = [[world.ent_a1.uscc, p, 1000] for p in periods]
    result = run(personas.statistician, xlsx([*KEYS, OUTPUT], rows))
    assert result.errors == []
    stored = Return.objects.filter(enterprise=world.ent_a1).order_by("period")
    assert [r.period for r in stored] == [date(2025, m, 1) for m in (1, 2, 3, 4, 5)]


def test_rows_are_numbered_as_in_excel_below_a_title(world: World, personas: Personas) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["规模以上工业企业月度报表（2025年3月）"])
    sheet.append([])
    sheet.append([*KEYS, OUTPUT])
    sheet.append([world.ent_a1.uscc, "2025-03", 1000])
    sheet.append([world.ent_a2.uscc, "2025-03", "一千"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = run(personas.statistician, buffer)
    # Title in row 1, blank row 2, headers in row 3: the bad cell is in row 5.
    assert [(e.row, e.column, e.code) for e in result.errors] == [(5, OUTPUT, "number")]


def test_rows_are_numbered_as_in_excel_below_blank_rows(world: World, personas: Personas) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["B3"], sheet["C3"], sheet["D3"] = KEYS[0], KEYS[1], OUTPUT
    sheet["B4"], sheet["C4"], sheet["D4"] = world.ent_a1.uscc, "2025-03", 1000
    sheet["B6"], sheet["C6"], sheet["D6"] = world.ent_a2.uscc, "2025-03", "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = run(personas.statistician, buffer)
    # Rows 1–2 and column A are empty, row 5 is blank: the bad cell is D6.
    assert [(e.row, e.column, e.code) for e in result.errors] == [(6, OUTPUT, "number")]


def test_a_missing_required_column_is_named(world: World, personas: Personas) -> None:
    result = run(
        personas.statistician, xlsx(["统一社会信用代码", OUTPUT], [[world.ent_a1.uscc, 1]])
    )
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (None, "报告期", "missing_column")
    ]
    result = run(personas.statistician, xlsx(["报告期", OUTPUT], [["2025-03", 1]]))
    assert [e.code for e in result.errors] == ["file"]
    assert "统一社会信用代码" in result.errors[0].message
    assert Return.objects.count() == 0


def test_it_rejects_a_file_that_is_not_a_workbook(world: World, personas: Personas) -> None:
    result = run(personas.statistician, io.BytesIO(b"PK\x03\x04 broken zip"), name="x.xlsx")
    assert [e.code for e in result.errors] == ["file"]
    result = run(personas.statistician, io.BytesIO(b""), name="x.csv")
    assert [e.code for e in result.errors] == ["file"]
    result = run(personas.statistician, xlsx([*KEYS, OUTPUT], []))
    assert [e.code for e in result.errors] == ["empty"]


# --- 本月 and 1–本月累计 ------------------------------------------------------------------------


def test_it_derives_months_from_cumulative_figures_within_the_file(
    world: World, personas: Personas
) -> None:
    rows = [[world.ent_a1.uscc, "2025-01", 1000], [world.ent_a1.uscc, "2025-02", 2500]]
    result = run(personas.statistician, xlsx([*KEYS, OUTPUT_YTD], rows))
    assert result.errors == []
    # January 1000 千元 = 100 万元; February 2500 − 1000 = 1500 千元 = 150 万元.
    assert figure(world.ent_a1, date(2025, 1, 1), "gross_output") == Decimal("100.0000")
    assert figure(world.ent_a1, date(2025, 2, 1), "gross_output") == Decimal("150.0000")


def test_it_derives_a_month_from_the_stored_months_of_the_year(
    world: World, personas: Personas
) -> None:
    stored_return(world.ent_a1, date(2025, 1, 1), gross_output="100")
    stored_return(world.ent_a1, date(2024, 12, 1), gross_output="999")  # another year: ignored
    result = run(
        personas.statistician, xlsx([*KEYS, OUTPUT_YTD], [[world.ent_a1.uscc, "2025-03", 3000]])
    )
    assert result.errors == []
    # 1–3月 300 万元 − January's 100 万元 (February not reported) = 200 万元.
    assert figure(world.ent_a1, date(2025, 3, 1), "gross_output") == Decimal("200.0000")


def test_stored_months_before_and_between_the_files_months_count(
    world: World, personas: Personas
) -> None:
    for number, output in ((1, "100"), (2, "50"), (4, "80"), (7, "999")):
        stored_return(world.ent_a1, date(2025, number, 1), gross_output=output)
    rows = [[world.ent_a1.uscc, "2025-03", 3000], [world.ent_a1.uscc, "2025-05", 5000]]
    result = run(personas.statistician, xlsx([*KEYS, OUTPUT_YTD], rows))
    assert result.errors == []
    # March: 300 − (100 + 50) = 150 万元. May: 500 − (300 + April's 80) = 120 万元 (July ignored).
    assert figure(world.ent_a1, date(2025, 3, 1), "gross_output") == Decimal("150.0000")
    assert figure(world.ent_a1, date(2025, 5, 1), "gross_output") == Decimal("120.0000")


def test_months_and_cumulatives_mix_across_months_and_enterprises(
    world: World, personas: Personas
) -> None:
    a1, a2 = world.ent_a1.uscc, world.ent_a2.uscc
    rows: list[list[Any]] = [
        [a2, "2025-01", None, 700],  # another enterprise first: its own year
        [a1, "2025-04", None, 4000],
        [a1, "2025-01", 1000, None],
        [a1, "2025-02", None, 2500],
        [a1, "2025-03", 500, None],
    ]
    result = run(personas.statistician, xlsx([*KEYS, OUTPUT, OUTPUT_YTD], rows))
    assert result.errors == []
    # 甲一: Jan 100; Feb 250 − 100 = 150; Mar 50; Apr 400 − (250 + 50) = 100 万元. 甲二: Jan 70.
    stored = dict(
        Return.objects.filter(enterprise=world.ent_a1).values_list("period__month", "gross_output")
    )
    assert stored == {1: Decimal("100"), 2: Decimal("150"), 3: Decimal("50"), 4: Decimal("100")}
    assert figure(world.ent_a2, date(2025, 1, 1), "gross_output") == Decimal("70")


def test_a_cumulative_that_disagrees_with_the_months_is_flagged_with_both_figures(
    world: World, personas: Personas
) -> None:
    stored_return(world.ent_a1, date(2025, 1, 1), gross_output="100")
    headers = [*KEYS, OUTPUT, OUTPUT_YTD]
    result = run(personas.statistician, xlsx(headers, [[world.ent_a1.uscc, "2025-02", 1600, 2500]]))
    # Stored January 100 + February 160 = 260 万元, but the file says 250 万元: both quoted in
    # the file's 千元, with the unit, never as the stored 万元.
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, OUTPUT_YTD, "cumulative_mismatch")
    ]
    assert "2,500.00 千元" in result.errors[0].message
    assert "2,600.00 千元" in result.errors[0].message
    assert Return.objects.count() == 1


def test_a_cumulative_within_one_yuan_of_the_months_is_accepted(
    world: World, personas: Personas
) -> None:
    stored_return(world.ent_a1, date(2025, 1, 1), gross_output="100")
    headers = [*KEYS, OUTPUT, OUTPUT_YTD]
    # 2600.001 千元 is 1 元 above 260 万元; 2600.002 千元 would be 2 元 above.
    ok = run(
        personas.statistician, xlsx(headers, [[world.ent_a1.uscc, "2025-02", 1600, "2600.001"]])
    )
    assert ok.errors == []
    off = run(
        personas.statistician, xlsx(headers, [[world.ent_a2.uscc, "2025-02", 1600, "1600.002"]])
    )
    assert [e.code for e in off.errors] == ["cumulative_mismatch"]


def test_employees_are_never_summed(world: World, personas: Personas) -> None:
    stored_return(world.ent_a1, date(2025, 1, 1), employees="50")
    headers = [*KEYS, OUTPUT_YTD, "从业人员期末人数"]
    run(personas.statistician, xlsx(headers, [[world.ent_a1.uscc, "2025-02", 1000, 52]]))
    assert figure(world.ent_a1, date(2025, 2, 1), "employees") == 52


# --- all or nothing ------------------------------------------------------------------------------


def test_every_bad_row_is_listed(world: World, personas: Personas) -> None:
    unknown = make_uscc("140600", 9999)
    rows: list[list[Any]] = [
        [world.ent_a1.uscc, "2025-03", "abc"],
        [unknown, "2025-03", 1],
        [world.ent_a2.uscc, "2025-13", 1],
        [world.ent_a2.uscc, "2025-04", -5],
        [world.ent_a2.uscc, "2025-07", 1],
        [world.ent_a2.uscc, "2025-07", 2],
    ]
    result = run(personas.statistician, xlsx([*KEYS, OUTPUT], rows))
    assert [(e.row, e.code) for e in result.errors] == [
        (2, "number"),
        (3, "enterprise"),
        (4, "period"),
        (5, "negative_value"),
        (6, "period_in_future"),
        (7, "duplicate"),
    ]
    assert "abc" in result.errors[0].message
    assert unknown in result.errors[1].message
    assert Return.objects.count() == 0


def test_sales_far_above_output_is_refused_and_a_little_above_is_not(
    world: World, personas: Personas
) -> None:
    headers = [*KEYS, OUTPUT, "工业销售产值"]
    bad = run(personas.statistician, xlsx(headers, [[world.ent_a1.uscc, "2025-03", 1000, 2000]]))
    assert [(e.row, e.column, e.code) for e in bad.errors] == [
        (2, "工业销售产值", "sales_above_output")
    ]
    good = run(personas.statistician, xlsx(headers, [[world.ent_a1.uscc, "2025-03", 1000, 1100]]))
    assert good.errors == [] and good.created == 1


def test_one_bad_row_in_ten_thousand_leaves_the_database_unchanged(
    world: World, personas: Personas
) -> None:
    industry = world.ent_a1.industry
    Enterprise.objects.bulk_create(
        Enterprise(
            uscc=make_uscc("140600", 100_000 + i),
            name=f"企业{i}",
            industry=industry,
            zone=world.zone_a,
        )
        for i in range(10_000)
    )
    kept = stored_return(world.ent_a1, date(2025, 3, 1), gross_output="7")
    rows = [[make_uscc("140600", 100_000 + i), "2025-03", 1000 + i] for i in range(10_000)]
    rows[7000][2] = "12,3x"
    result = run(personas.statistician, xlsx([*KEYS, OUTPUT], rows))
    # The header is row 1, so the 7001st data row is Excel row 7002.
    assert [(e.row, e.column, e.code) for e in result.errors] == [(7002, OUTPUT, "number")]
    assert Return.objects.count() == 1
    kept.refresh_from_db()
    assert kept.gross_output == Decimal("7.0000")
    assert ReturnImport.objects.count() == 0


def test_a_statistician_cannot_import_returns_of_another_zone(
    world: World, personas: Personas
) -> None:
    zone_b_statistician = personas.statistician_b
    rows = [[world.ent_b.uscc, "2025-03", 1000], [world.ent_a1.uscc, "2025-03", 1000]]
    result = run(zone_b_statistician, xlsx([*KEYS, OUTPUT], rows))
    assert [(e.row, e.code) for e in result.errors] == [(3, "enterprise")]
    assert world.ent_a1.uscc in result.errors[0].message
    assert Return.objects.count() == 0
    # The same file without the foreign row goes in.
    assert run(zone_b_statistician, xlsx([*KEYS, OUTPUT], rows[:1])).created == 1


def test_reporters_may_not_import(world: World, personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        run(personas.reporter, xlsx([*KEYS, OUTPUT], [[world.ent_a1.uscc, "2025-03", 1]]))
    with pytest.raises(PermissionDenied):
        run(personas.park_user, xlsx([*KEYS, OUTPUT], [[world.ent_a1.uscc, "2025-03", 1]]))


# --- writing -------------------------------------------------------------------------------------


def test_imported_returns_are_submitted_from_an_import_and_logged(
    world: World, personas: Personas
) -> None:
    result = run(
        personas.statistician, xlsx([*KEYS, OUTPUT], [[world.ent_a1.uscc, "2025-03", 1000]])
    )
    assert (result.rows, result.created, result.updated, result.unchanged) == (1, 1, 0, 0)
    record = Return.objects.get()
    assert (record.status, record.source, record.submitted_by) == (
        ReturnStatus.SUBMITTED,
        ReturnSource.IMPORT,
        personas.statistician,
    )
    log = ReturnImport.objects.get()
    assert (log.by, log.file_name, log.rows, log.created) == (
        personas.statistician,
        "returns.xlsx",
        1,
        1,
    )
    assert len(log.sha256) == 64


def test_importing_the_same_file_again_changes_nothing(world: World, personas: Personas) -> None:
    headers = [*KEYS, OUTPUT, "工业销售产值", "用电量"]
    rows = [
        [world.ent_a1.uscc, "2025-03", 1000, 900, 12],
        [world.ent_a2.uscc, "2025-03", 3, 2, "0.5"],
    ]
    first = run(personas.statistician, xlsx(headers, rows))
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    stamps = list(Return.objects.order_by("pk").values_list("pk", "updated_at"))
    counts = (LogEntry.objects.count(), ReviewFinding.objects.count(), ReturnImport.objects.count())
    again = run(personas.statistician, xlsx(headers, rows))
    assert (again.rows, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert list(Return.objects.order_by("pk").values_list("pk", "updated_at")) == stamps
    assert (
        LogEntry.objects.count(),
        ReviewFinding.objects.count(),
        ReturnImport.objects.count(),
    ) == counts


def test_a_changed_figure_updates_only_its_return(world: World, personas: Personas) -> None:
    rows = [[world.ent_a1.uscc, "2025-03", 1000], [world.ent_a2.uscc, "2025-03", 3000]]
    run(personas.statistician, xlsx([*KEYS, OUTPUT], rows))
    Return.objects.filter(enterprise=world.ent_a1).update(status=ReturnStatus.ACCEPTED)
    rows[1][2] = 3100
    result = run(personas.statistician, xlsx([*KEYS, OUTPUT], rows))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert figure(world.ent_a2, date(2025, 3, 1), "gross_output") == Decimal("310.0000")
    assert figure(world.ent_a1, date(2025, 3, 1), "status") == ReturnStatus.ACCEPTED


def test_an_updated_return_has_its_change_logged_with_the_importer(
    world: World, personas: Personas
) -> None:
    run(personas.statistician, xlsx([*KEYS, OUTPUT], [[world.ent_a1.uscc, "2025-03", 3000]]))
    record = Return.objects.get()
    run(personas.statistician, xlsx([*KEYS, OUTPUT], [[world.ent_a1.uscc, "2025-03", 3100]]))
    entry = LogEntry.objects.get_for_object(record).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes == {"gross_output": ["300.0000", "310.0000"]}
    assert entry.actor == personas.statistician


def test_a_zone_with_its_own_threshold_accepts_what_the_default_refuses(
    world: World, personas: Personas
) -> None:
    StatisticsSettings.objects.create(zone=world.zone_a, sales_over_output_max=Decimal("1.50"))
    headers = [*KEYS, OUTPUT, "工业销售产值"]
    # Sales 1.4 × output: within zone 甲's 1.50, beyond the default 1.20 of zone 乙 (each zone's
    # statistician imports its own firms).
    own = run(personas.statistician, xlsx(headers, [[world.ent_a1.uscc, "2025-03", 1000, 1400]]))
    assert own.errors == []
    other = run(personas.statistician_b, xlsx(headers, [[world.ent_b.uscc, "2025-03", 1000, 1400]]))
    assert [(e.row, e.code) for e in other.errors] == [(2, "sales_above_output")]


def test_it_reads_csv_in_utf8_and_gb18030(world: World, personas: Personas) -> None:
    headers = [*KEYS, OUTPUT]
    utf8 = run(
        personas.statistician, csv(headers, [[world.ent_a1.uscc, "2025-03", 1500]]), name="a.csv"
    )
    gbk = run(
        personas.statistician,
        csv(headers, [[world.ent_a2.uscc, "2025年3月", "2,500"]], encoding="gb18030"),
        name="b.csv",
    )
    assert (utf8.errors, gbk.errors) == ([], [])
    assert figure(world.ent_a1, date(2025, 3, 1), "gross_output") == Decimal("150.0000")
    assert figure(world.ent_a2, date(2025, 3, 1), "gross_output") == Decimal("250.0000")
