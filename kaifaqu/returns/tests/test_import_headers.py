"""Tolerant header matching and period parsing of the returns import (pure functions)."""

from datetime import date
from functools import partial

import pytest

from kaifaqu.core.imports.headers import match_header as match_in
from kaifaqu.core.imports.units import parse_period
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.returns.imports.spec import RETURNS
from kaifaqu.returns.imports.template import template_headers

match_header = partial(match_in, spec=RETURNS)


@pytest.mark.parametrize(
    ("header", "target", "cumulative", "unit"),
    [
        ("工业总产值(当年价格)", "gross_output", False, None),
        (" 工业总产值 （当年价格） ", "gross_output", False, None),
        ("工业总产值（当年价格）（千元）", "gross_output", False, MoneyUnit.THOUSAND),
        ("工业总产值(当年价格)1-本月累计", "gross_output", True, None),
        ("工业总产值（当年价格）１－本月累计（万元）", "gross_output", True, MoneyUnit.WAN),
        ("营业收入(万元)", "revenue", False, MoneyUnit.WAN),
        ("营业收入(元)", "revenue", False, MoneyUnit.YUAN),
        ("税金总额", "taxes", False, None),
        ("统一社会信用代码", "uscc", False, None),
        ("报 告 期", "period", False, None),
        ("从业人员期末人数(人)", "employees", False, None),
    ],
)
def test_it_matches_headers_whatever_their_spacing_brackets_and_unit(
    header: str, target: str, cumulative: bool, unit: MoneyUnit | None
) -> None:
    column = match_header(3, header)
    assert column is not None
    assert (column.index, column.target, column.cumulative, column.money_unit) == (
        3,
        target,
        cumulative,
        unit,
    )


def test_it_reads_the_electricity_unit_from_the_header() -> None:
    assert match_header(0, "用电量(万千瓦时)").kwh_per_unit == 10_000  # type: ignore[union-attr]
    assert match_header(0, "用电量（千瓦时）").kwh_per_unit == 1  # type: ignore[union-attr]


def test_it_ignores_unknown_columns() -> None:
    assert match_header(0, "备注") is None
    assert match_header(0, "") is None
    assert match_header(0, None) is None


@pytest.mark.parametrize(
    "text",
    [
        "2025-03",
        "2025年3月",
        "202503",
        "2025/3",
        "2025-03-15 00:00:00",
        "202503.0",
        "45731",
        "２０２５年３月",
    ],
)
def test_it_reads_a_period_in_each_form(text: str) -> None:
    # 45731 is the Excel serial number of 2025-03-15.
    assert parse_period(text) == date(2025, 3, 1)


@pytest.mark.parametrize("text", ["2025-13", "March", "2025", "20251", "", None])
def test_it_reads_no_period_from_other_text(text: str | None) -> None:
    assert parse_period(text) is None


def test_the_template_uses_the_national_forms_headers() -> None:
    headers = template_headers()
    assert headers[:3] == ["统一社会信用代码", "单位详细名称", "报告期"]
    assert "工业总产值(当年价格)(万元)" in headers
    assert "工业总产值(当年价格)1-本月累计(万元)" in headers
    assert "税金总额(万元)" in headers and "从业人员期末人数(人)" in headers
    assert "用电量(万千瓦时)" in headers
    assert not any(h.startswith("从业人员期末人数1-本月累计") for h in headers)
    # Every template header is recognized again by the import.
    assert all(match_header(i, h) is not None for i, h in enumerate(headers))
