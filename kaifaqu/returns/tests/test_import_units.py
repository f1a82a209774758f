"""The units of an imported file: 万元 by default, 元/千元/万元/亿元 chosen in the file (a header's
unit) or on the form / command line (the header wins); messages quote the user's number and unit."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from django.test import Client
from django.urls import reverse

from kaifaqu.cli import main
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.returns.imports import RETURNS_IMPORT, returns_import
from kaifaqu.returns.imports.proxies import proxies_import
from kaifaqu.returns.models import ProxyFigure, Return
from kaifaqu.returns.tests.import_helpers import xlsx

TODAY = date(2025, 6, 10)
KEYS = ["统一社会信用代码", "报告期"]
MARCH = date(2025, 3, 1)


def stored(world: World) -> tuple[Decimal, Decimal, Decimal]:
    record = Return.objects.get(enterprise=world.ent_a1, period=MARCH)
    return record.gross_output, record.revenue, record.electricity  # type: ignore[return-value]


def test_the_default_unit_is_wan(world: World, personas: Personas) -> None:
    assert RETURNS_IMPORT.default_unit == MoneyUnit.WAN
    assert list(RETURNS_IMPORT.units) == [
        MoneyUnit.YUAN,
        MoneyUnit.THOUSAND,
        MoneyUnit.WAN,
        MoneyUnit.YI,
    ]
    file = xlsx([*KEYS, "工业总产值"], [[world.ent_a1.uscc, "2025-03", "1234.5"]])
    result = returns_import(by=personas.statistician, file=file, filename="a.xlsx", today=TODAY)
    assert result.errors == []
    assert stored(world)[0] == Decimal("1234.5000")


def test_a_thousand_yuan_file_a_yuan_file_and_a_yi_choice_store_the_same_wan(
    world: World, personas: Personas
) -> None:
    # 1,234.5 万元 of output, 2,000 万元 of revenue, 50 万千瓦时 written three ways.
    files: list[tuple[list[str], list[object], MoneyUnit]] = [
        # 千元 in the headers; the form's 元 is overruled.
        (
            ["工业总产值(千元)", "营业收入（千元）", "用电量(千瓦时)"],
            [12345, 20000, 500000],
            MoneyUnit.YUAN,
        ),
        # 元 in full-width brackets; the form says 亿元.
        (
            ["工业总产值（元）", "营业收入(元)", "用电量"],
            [12345000, 20000000, 50],
            MoneyUnit.YI,
        ),
        # No unit in the headers: the form's 亿元.
        (["工业总产值", "营业收入", "用电量(万千瓦时)"], ["0.12345", "0.2", 50], MoneyUnit.YI),
    ]
    for headers, figures, unit in files:
        file = xlsx([*KEYS, *headers], [[world.ent_a1.uscc, "2025-03", *figures]])
        result = returns_import(
            by=personas.statistician, file=file, filename="a.xlsx", unit=unit, today=TODAY
        )
        assert result.errors == [], headers
        assert stored(world) == (Decimal("1234.5000"), Decimal("2000.0000"), Decimal("50.0000"))


def test_the_header_unit_beats_the_form_unit_on_the_page(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    file = xlsx([*KEYS, "工业总产值(千元)", "营业收入"], [[world.ent_a1.uscc, "2025-03", 15000, 3]])
    file.name = "march.xlsx"
    response = client.post(
        reverse("returns:return-import"), {"file": file, "unit": "亿元"}, HTTP_ACCEPT_LANGUAGE="zh"
    )
    assert response.status_code == 200
    # 15,000 千元 = 1,500 万元 (the header's unit); 3 亿元 = 30,000 万元 (the form's).
    assert stored(world)[:2] == (Decimal("1500.0000"), Decimal("30000.0000"))
    page = client.get(reverse("returns:return-import")).content.decode()
    assert 'id="import-units"' in page and 'name="electricity_unit"' in page
    assert '<option value="亿元"' in page


def test_electricity_in_kwh_is_chosen_on_the_form_or_the_command_line(
    tmp_path: Path, world: World, personas: Personas
) -> None:
    path = tmp_path / "march.xlsx"
    path.write_bytes(
        xlsx(
            [*KEYS, "工业总产值", "用电量"], [[world.ent_a1.uscc, "2025-03", 1, 123456]]
        ).getvalue()
    )
    result = CliRunner().invoke(
        main,
        [
            "import",
            "returns",
            str(path),
            "--unit",
            "千元",
            "--electricity-unit",
            "千瓦时",
            "--as",
            "statistician",
        ],
    )
    assert result.exit_code == 0, result.output
    record = Return.objects.get()
    assert (record.gross_output, record.electricity) == (Decimal("0.1000"), Decimal("12.3456"))


def test_an_error_quotes_the_users_number_and_unit(world: World, personas: Personas) -> None:
    headers = [*KEYS, "工业总产值(千元)", "工业销售产值(千元)", "营业收入"]
    file = xlsx(headers, [[world.ent_a1.uscc, "2025-03", 1000, "1234.5", -5]])
    result = returns_import(
        by=personas.statistician,
        file=file,
        filename="a.xlsx",
        unit=MoneyUnit.YUAN,
        today=TODAY,
    )
    messages = {error.code: error.message for error in result.errors}
    # 工业销售产值 above 1.2 × 工业总产值, quoted as the file writes them (千元), not in 万元.
    assert "1,234.50 千元" in messages["sales_above_output"]
    assert "1,000.00 千元" in messages["sales_above_output"]
    assert "123.45" not in messages["sales_above_output"]
    # The revenue's unit is the form's: 元.
    assert "-5.00 元" in messages["negative_value"]
    assert Return.objects.count() == 0


def test_a_too_large_figure_is_quoted_with_its_unit(world: World, personas: Personas) -> None:
    file = xlsx([*KEYS, "工业总产值(亿元)"], [[world.ent_a1.uscc, "2025-03", "1e20"]])
    result = returns_import(by=personas.statistician, file=file, filename="a.xlsx", today=TODAY)
    assert [e.code for e in result.errors] == ["too_large"]
    assert "亿元" in result.errors[0].message


def test_the_proxy_list_takes_yi_and_kwh_and_quotes_a_negative_in_its_unit(
    world: World, personas: Personas
) -> None:
    headers = ["统一社会信用代码", "所属期", "应纳税额", "用电量"]
    file = xlsx(headers, [[world.ent_a1.uscc, "2025-03", "0.0012", 5000]])
    result = proxies_import(
        by=personas.statistician,
        file=file,
        filename="t.xlsx",
        unit=MoneyUnit.YI,
        electricity_unit="千瓦时",
        today=TODAY,
    )
    assert result.errors == []
    values = dict(ProxyFigure.objects.values_list("kind", "value"))
    assert values == {"tax": Decimal("12.0000"), "electricity": Decimal("0.5000")}
    bad = xlsx(headers, [[world.ent_a2.uscc, "2025-03", "-1500", None]])
    result = proxies_import(
        by=personas.statistician, file=bad, filename="t.xlsx", unit=MoneyUnit.THOUSAND, today=TODAY
    )
    assert "-1,500.00 千元" in result.errors[0].message
