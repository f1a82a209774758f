"""Importing the tax bureau's or the grid's list: units, headers, all or nothing, re-import."""

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.returns.imports.proxies import proxies_import
from kaifaqu.returns.imports.proxies.spec import template_headers
from kaifaqu.returns.models import ProxyFigure, ProxyKind
from kaifaqu.returns.selectors.candidates import candidate_list
from kaifaqu.returns.tests.import_helpers import csv, xlsx
from kaifaqu.returns.tests.proxy_helpers import (
    AS_OF,
    TAX_HEADERS,
    reporting_peer,
    stored_tax,
    tax_rows,
)

pytestmark = pytest.mark.django_db
TODAY = date(2025, 7, 10)


def run(by, file, *, name="tax.xlsx", unit=MoneyUnit.WAN, source=""):  # type: ignore[no-untyped-def]
    return proxies_import(by=by, file=file, filename=name, unit=unit, source=source, today=TODAY)


def stored() -> set[tuple[str, str, str, Decimal, str]]:
    return {
        (name, f"{period:%Y-%m}", kind, value, source)
        for name, period, kind, value, source in ProxyFigure.objects.values_list(
            "enterprise__name", "period", "kind", "value", "source"
        )
    }


def test_it_reads_the_tax_bureaus_list_with_its_own_headers_and_units(
    world: World, personas: Personas
) -> None:
    # 纳税人识别号 is the USCC; 所属期 as a range within one month; tax in 元 from the header.
    headers = ["纳税人识别号", "纳税人名称", "税款所属期", "应纳税额（元）", "备注"]
    rows: list[list[Any]] = [
        [world.ent_a1.uscc, "甲一", "2025-03-01至2025-03-31", 123456, ""],
        [world.ent_a2.uscc.lower(), "甲二", "2025年3月", "８，０００", "补报"],
    ]
    result = run(personas.statistician, xlsx(headers, rows), unit=MoneyUnit.THOUSAND)
    assert (result.rows, result.created, result.errors) == (2, 2, [])
    assert stored() == {
        ("甲一水泥有限公司", "2025-03", ProxyKind.TAX, Decimal("12.3456"), "tax.xlsx"),
        ("甲二新材料有限公司", "2025-03", ProxyKind.TAX, Decimal("0.8000"), "tax.xlsx"),
    }


def test_the_declared_unit_applies_where_the_header_names_none(
    world: World, personas: Personas
) -> None:
    headers = ["统一社会信用代码", "报告期", "应纳税额 ", "用电量（千瓦时）", "来源"]
    rows = [[world.ent_a1.uscc, "202504", 25000, 1_234_567, "国网朔州供电公司"]]
    result = run(personas.statistician, csv(headers, rows), name="list.csv", unit=MoneyUnit.YUAN)
    assert (result.created, result.errors) == (2, [])
    # 25000 元 = 2.5 万元; 1,234,567 kWh = 123.4567 万千瓦时; the row's 来源 wins.
    assert stored() == {
        ("甲一水泥有限公司", "2025-04", ProxyKind.TAX, Decimal("2.5000"), "国网朔州供电公司"),
        (
            "甲一水泥有限公司",
            "2025-04",
            ProxyKind.ELECTRICITY,
            Decimal("123.4567"),
            "国网朔州供电公司",
        ),
    }


def test_the_source_on_the_form_is_written_on_rows_without_one(
    world: World, personas: Personas
) -> None:
    headers = ["社会信用代码", "所属月份", "用电量(万千瓦时)"]
    run(personas.statistician, xlsx(headers, [[world.ent_a2.uscc, "2025-05", 80]]), source="国网")
    assert stored() == {
        ("甲二新材料有限公司", "2025-05", ProxyKind.ELECTRICITY, Decimal("80.0000"), "国网")
    }


def test_a_file_with_one_bad_row_writes_nothing_and_names_every_bad_row(
    world: World, personas: Personas
) -> None:
    stored_tax(world.ent_a1, Month(2025, 3), "1")
    rows = [[world.ent_a1.uscc, "甲一", "2025-03", 5]] + [
        [world.ent_a2.uscc, "甲二", str(Month(2024, 1).shift(i)), 7] for i in range(18)
    ]
    rows[7][3] = "-3"  # Excel row 9
    rows[9][3] = "七"  # Excel row 11
    rows[12][2] = "2025-08"  # Excel row 14: after July 2025
    rows.append([world.ent_b.uscc, "乙一", "2025-03", 1])  # Excel row 21: zone 乙
    rows.append([world.ent_a2.uscc, "甲二", "2025-03", None])  # row 22: no figure, and a repeat
    result = run(personas.statistician, xlsx(TAX_HEADERS, rows))
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (9, "应纳税额(万元)", "negative"),
        (11, "应纳税额(万元)", "number"),
        (14, "所属期", "future"),
        (21, "统一社会信用代码", "enterprise"),
        (22, "应纳税额(万元)", "no_figure"),
        (22, "所属期", "duplicate"),
    ]
    assert ProxyFigure.objects.get().value == Decimal("1")  # untouched


def test_errors_are_told_in_the_users_language(world: World, personas: Personas) -> None:
    from django.utils import translation

    rows = [[world.ent_a1.uscc, "甲一", "2025-13", 5]]
    with translation.override("en"):
        message = run(personas.statistician, xlsx(TAX_HEADERS, rows)).errors[0].message
    assert message == "“2025-13” is not a month (write 2025-03, 2025年3月 or 202503)."
    with translation.override("zh-hans"):
        message = run(personas.statistician, xlsx(TAX_HEADERS, rows)).errors[0].message
    assert "2025-13" in message and "month" not in message


def test_a_file_without_a_figure_column_or_a_period_is_refused(
    world: World, personas: Personas
) -> None:
    no_figures = run(personas.statistician, xlsx(["统一社会信用代码", "报告期", "营业收入"], []))
    assert [e.code for e in no_figures.errors] == ["no_figures"]
    no_period = run(personas.statistician, xlsx(["统一社会信用代码", "应纳税额"], []))
    assert [e.code for e in no_period.errors] == ["missing_column"]
    # A cumulative column is not a month's figure: it is not read as one.
    cumulative = run(
        personas.statistician, xlsx(["统一社会信用代码", "报告期", "用电量1-本月累计"], [])
    )
    assert [e.code for e in cumulative.errors] == ["no_figures"]
    empty = run(personas.statistician, xlsx(TAX_HEADERS, []))
    assert [e.code for e in empty.errors] == ["empty"]
    not_excel = run(personas.statistician, io.BytesIO(b"\x00\x01garbage"), name="tax.xlsx")
    assert [e.code for e in not_excel.errors] == ["file"]


def test_importing_the_same_file_again_changes_nothing(world: World, personas: Personas) -> None:
    content = xlsx(TAX_HEADERS, tax_rows(world)).getvalue()
    first = run(personas.statistician, io.BytesIO(content))
    assert (first.created, first.updated, first.unchanged) == (12, 0, 0)
    entries = LogEntry.objects.count()
    again = run(personas.statistician, io.BytesIO(content))
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 12, [])
    assert LogEntry.objects.count() == entries
    # A corrected list updates only what changed, and the history names the file.
    rows = tax_rows(world)
    rows[-1][3] = 9
    corrected = run(personas.statistician, xlsx(TAX_HEADERS, rows), name="tax-v2.xlsx")
    assert (corrected.created, corrected.updated, corrected.unchanged) == (0, 1, 11)
    figure = ProxyFigure.objects.get(period=AS_OF.first_day)
    assert figure.value == Decimal("9")
    entry = LogEntry.objects.get_for_object(figure).latest("timestamp")
    assert entry.actor == personas.statistician
    assert entry.changes_dict["value"] == ["7.0000", "9.0000"]
    assert entry.additional_data == {"import": "tax-v2.xlsx"}
    # Without a 来源, the file's name goes on the changed figure only.
    sources = dict(ProxyFigure.objects.values_list("period", "source"))
    assert sources[AS_OF.first_day] == "tax-v2.xlsx"
    assert set(sources.values()) == {"tax.xlsx", "tax-v2.xlsx"}


def test_only_the_statistics_office_imports(world: World, personas: Personas) -> None:
    for persona in (
        personas.reporter,
        personas.park_user,
        personas.province_viewer,
        personas.zone_admin,
    ):
        with pytest.raises(PermissionDenied):
            run(persona, xlsx(TAX_HEADERS, tax_rows(world)))
    result = run(personas.statistician_b, xlsx(TAX_HEADERS, tax_rows(world)))
    assert {e.code for e in result.errors} == {"enterprise"}
    assert not ProxyFigure.objects.exists()


def test_an_imported_tax_list_makes_a_non_reporting_firm_a_candidate(
    world: World, personas: Personas
) -> None:
    reporting_peer(world)
    before = candidate_list(user=personas.statistician, zone=world.zone_a, as_of=AS_OF)
    assert before == []
    assert run(personas.statistician, xlsx(TAX_HEADERS, tax_rows(world))).ok
    [row] = candidate_list(user=personas.statistician, zone=world.zone_a, as_of=AS_OF)
    # 84 万元 of tax × 20 = 1680 → 84.0 %; 420 in the last 3 months → 140 a month → 3 months.
    assert (row.enterprise, row.proxy_kind, row.trailing, row.share_pct, row.months_left) == (
        world.ent_a2,
        ProxyKind.TAX,
        Decimal("1680.0000"),
        Decimal("84.0"),
        3,
    )


# --- the page ------------------------------------------------------------------------------------

PAGE = reverse("returns:proxy-import")


def test_the_page_imports_and_shows_the_counts(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    upload = xlsx(TAX_HEADERS, tax_rows(world))
    upload.name = "tax.xlsx"  # type: ignore[attr-defined]
    response = client.post(PAGE, {"file": upload, "unit": "万元", "source": "税务局"})
    assert response.status_code == 200
    assert b"12 rows read: 12 figures created, 0 updated, 0 unchanged." in response.content
    assert set(ProxyFigure.objects.values_list("source", flat=True)) == {"税务局"}


def test_the_page_lists_every_error_with_its_row(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    rows = tax_rows(world)
    rows[2][3] = "abc"
    upload = xlsx(TAX_HEADERS, rows)
    upload.name = "tax.xlsx"  # type: ignore[attr-defined]
    response = client.post(PAGE, {"file": upload, "unit": "万元"})
    assert response.status_code == 400
    assert table_rows(response)[0][:2] == ["4", "应纳税额(万元)"]
    assert not ProxyFigure.objects.exists()


def test_the_page_and_its_template_are_for_writers_only(client: Client, personas: Personas) -> None:
    template = reverse("returns:proxy-import-template")
    for persona in (
        personas.reporter,
        personas.park_user,
        personas.province_viewer,
        personas.zone_admin,
    ):
        client.force_login(persona)
        assert client.get(PAGE).status_code == 403
        assert client.get(template).status_code == 403
    client.force_login(personas.statistician)
    assert reverse("returns:proxy-list") in client.get(PAGE).content.decode()
    workbook = load_workbook(io.BytesIO(client.get(template).content))
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert headers == [
        "统一社会信用代码",
        "单位名称",
        "报告期",
        "应纳税额(万元)",
        "用电量(万千瓦时)",
        "来源",
    ]
    assert headers == template_headers()
