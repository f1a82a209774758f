"""`kfq import returns FILE`: the result, or every error with its row and exit code 1."""

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kaifaqu.cli import main
from kaifaqu.conftest import Personas, World
from kaifaqu.returns.models import ProxyFigure, Return
from kaifaqu.returns.tests.import_helpers import csv, xlsx

HEADERS = ["统一社会信用代码", "报告期", "工业总产值(当年价格)"]


def test_it_imports_a_workbook_as_a_statistician(
    tmp_path: Path, world: World, personas: Personas
) -> None:
    path = tmp_path / "march.xlsx"
    path.write_bytes(xlsx(HEADERS, [[world.ent_a1.uscc, "2025-03", 150]]).getvalue())
    result = CliRunner().invoke(
        main, ["import", "returns", str(path), "--unit", "万元", "--as", "statistician"]
    )
    assert result.exit_code == 0, result.output
    assert "1 rows: 1 created, 0 updated, 0 unchanged" in result.output
    assert str(Return.objects.get().gross_output) == "150.0000"


def test_it_prints_every_error_and_exits_with_1(
    tmp_path: Path, world: World, personas: Personas
) -> None:
    path = tmp_path / "march.csv"
    rows: list[list[Any]] = [[world.ent_a1.uscc, "2025-03", "x"], [world.ent_a2.uscc, "3月", 1]]
    path.write_bytes(csv(HEADERS, rows).getvalue())
    result = CliRunner().invoke(main, ["import", "returns", str(path), "--as", "statistician"])
    assert result.exit_code == 1
    assert "row 2\t工业总产值(当年价格)" in result.output
    assert "row 3\t报告期" in result.output
    assert Return.objects.count() == 0


def test_it_refuses_an_unknown_user(tmp_path: Path, world: World) -> None:
    path = tmp_path / "march.csv"
    path.write_bytes(csv(HEADERS, []).getvalue())
    result = CliRunner().invoke(main, ["import", "returns", str(path), "--as", "nobody"])
    assert result.exit_code == 1
    assert "nobody" in result.output


def test_it_imports_the_tax_bureaus_list(tmp_path: Path, world: World, personas: Personas) -> None:
    path = tmp_path / "tax.csv"
    rows = [[world.ent_a2.uscc, "2025-03", 7000]]
    path.write_bytes(csv(["统一社会信用代码", "所属期", "应纳税额(千元)"], rows).getvalue())
    result = CliRunner().invoke(
        main,
        ["import", "proxies", str(path), "--as", "statistician", "--source", "税务局2025年3月"],
    )
    assert result.exit_code == 0, result.output
    assert "1 rows: 1 created, 0 updated, 0 unchanged" in result.output
    figure = ProxyFigure.objects.get()
    assert (figure.kind, str(figure.value), figure.source) == ("tax", "700.0000", "税务局2025年3月")


def test_a_bad_tax_list_writes_nothing(tmp_path: Path, world: World, personas: Personas) -> None:
    path = tmp_path / "tax.csv"
    rows = [[world.ent_a2.uscc, "2025-03", 7], [world.ent_a2.uscc, "2025-04", -1]]
    path.write_bytes(csv(["统一社会信用代码", "所属期", "应纳税额(万元)"], rows).getvalue())
    result = CliRunner().invoke(main, ["import", "proxies", str(path), "--as", "statistician"])
    assert result.exit_code == 1
    assert "row 3\t应纳税额(万元)" in result.output
    assert ProxyFigure.objects.count() == 0


@pytest.mark.parametrize("kind", ["returns", "proxies"])
def test_a_person_who_may_not_import_gets_the_reason_not_a_traceback(
    tmp_path: Path, world: World, personas: Personas, kind: str
) -> None:
    path = tmp_path / "march.csv"
    path.write_bytes(csv(HEADERS, [[world.ent_a1.uscc, "2025-03", 150]]).getvalue())
    result = CliRunner().invoke(main, ["import", kind, str(path), "--as", "reporter"])
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert "no active user" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert Return.objects.count() == 0
