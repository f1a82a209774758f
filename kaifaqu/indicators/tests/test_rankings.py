"""Rankings of zones for the provincial office: order by value and by growth, shared ranks,
masking of confidential zones (保密) and scope, on the small province of target_world.py."""

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.indicators.selectors.targets import BY_GROWTH, zone_ranking
from kaifaqu.indicators.tests.target_world import TargetWorld, figure, target_world

__all__ = ["target_world"]
pytestmark = pytest.mark.django_db
PAGE = reverse("indicators:zone-ranking")
API = "/api/zone-rankings/"
MARCH = Month(2025, 3)


def ranked(
    user: User, indicator: str = "gross_output", month: Month = MARCH, **kwargs: Any
) -> list:
    ranking = zone_ranking(user=user, month=month, indicator=indicator, **kwargs)
    return [
        (
            row.zone.name,
            row.value_rank,
            row.value,
            None if row.growth_pct is None else row.growth_pct.quantize(Decimal("0.01")),
            row.growth_rank,
            row.enterprises,
            row.suppressed,
        )
        for row in ranking.rows
    ]


def test_the_office_sees_every_zone_ranked_by_value_and_by_growth(
    target_world: TargetWorld, personas: Personas
) -> None:
    # 1–3月 gross output (万元): 甲 3300 (+10 %), 丙 2160 (+20 %: no March return, but its base
    # is still the whole 1–3月 of 2024, 1800), 丁 1125 (+25 %), 乙 750 (−16.67 %).
    assert ranked(personas.sysadmin) == [
        ("甲开发区", 1, Decimal(3300), Decimal("10.00"), 3, 4, False),
        ("丙开发区", 2, Decimal(2160), Decimal("20.00"), 2, 3, False),
        ("丁开发区", 3, Decimal(1125), Decimal("25.00"), 1, 3, False),
        ("乙开发区", 4, Decimal(750), Decimal("-16.67"), 4, 1, False),
    ]
    by_growth = ranked(personas.sysadmin, by=BY_GROWTH)
    assert [row[0] for row in by_growth] == ["丁开发区", "丙开发区", "甲开发区", "乙开发区"]


def test_equal_figures_share_a_rank(target_world: TargetWorld, personas: Personas) -> None:
    # 1–2月 taxes (万元): 甲 4 × 20 = 80, 丙 3 × 20 = 60, 丁 60, 乙 20; all flat on 2024.
    rows = ranked(personas.sysadmin, "taxes", Month(2025, 2))
    assert [(name, rank, growth_rank) for name, rank, _v, _g, growth_rank, *_ in rows] == [
        ("甲开发区", 1, 1),
        ("丁开发区", 2, 1),  # equal ranks in the order of the names
        ("丙开发区", 2, 1),
        ("乙开发区", 4, 1),
    ]


def test_a_zone_without_any_figure_takes_no_rank(
    target_world: TargetWorld, personas: Personas
) -> None:
    # Nobody in 丙 reported employees for March: no figure, not a 0.
    rows = {row[0]: row for row in ranked(personas.sysadmin, "employees")}
    assert rows["丙开发区"][1:3] == (None, None)
    assert [rows[name][1] for name in ("甲开发区", "丁开发区", "乙开发区")] == [1, 2, 3]


def test_confidential_zones_are_masked_and_take_no_rank(
    target_world: TargetWorld, personas: Personas
) -> None:
    # 乙 is one firm; 大同 and 朔州 follow, and within 朔州 丁 (smaller than 甲) hides 乙 from
    # 山西 − 甲 − 丁. 丙 is in 河北, outside the provincial office's region.
    assert ranked(personas.province_viewer) == [
        ("甲开发区", 1, Decimal(3300), Decimal("10.00"), 1, 4, False),
        ("丁开发区", None, None, None, None, 3, True),
        ("乙开发区", None, None, None, None, 1, True),
    ]
    ranking = zone_ranking(user=personas.sysadmin, month=MARCH, indicator="gross_output")
    protected = {row.zone.name for row in ranking.rows if row.protected}
    assert protected == {"丁开发区", "乙开发区"}


def test_zone_users_see_their_own_zone_only(target_world: TargetWorld, personas: Personas) -> None:
    assert ranked(personas.zone_admin) == [
        ("甲开发区", 1, Decimal(3300), Decimal("10.00"), 1, 4, False)
    ]
    assert ranked(personas.statistician) == ranked(personas.zone_admin)
    assert ranked(personas.outsider) == [("乙开发区", None, None, None, None, 1, True)]
    assert ranked(personas.reporter) == []
    assert ranked(personas.auditor) == []


def test_entered_figures_rank_on_the_same_months(
    target_world: TargetWorld, personas: Personas
) -> None:
    world = target_world.world
    figure(world.zone_b, "gdp", 2025, 3, "12000")
    figure(world.zone_b, "gdp", 2024, 3, "12500")
    figure(world.zone_c, "gdp", 2025, 2, "9000")  # 1–2月: not comparable with 1–3月
    # 甲 11,000 (+10 %; target_world), 乙 12,000 (−4 %); GDP is published, never 保密.
    assert ranked(personas.province_viewer, "gdp") == [
        ("乙开发区", 1, Decimal(12000), Decimal("-4.00"), 2, None, False),
        ("甲开发区", 2, Decimal(11000), Decimal("10.00"), 1, None, False),
        ("丁开发区", None, None, None, None, None, False),
    ]


def test_the_page_in_chinese_shows_yi_yuan_and_the_mark(
    client: Client, target_world: TargetWorld, personas: Personas
) -> None:
    client.force_login(personas.province_viewer)
    response = client.get(PAGE, {"month": "2025-03"})
    assert response.status_code == 200
    assert table_rows(response) == [
        ["1", "甲开发区", "0.3300", "10.0", "1", "4"],
        ["—", "丁开发区", "保密", "—", "3"],
        ["—", "乙开发区", "保密", "—", "1"],
    ]
    assert "规上工业总产值" in response.content.decode()


def test_the_page_in_english_for_the_office(
    client: Client, target_world: TargetWorld, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.sysadmin)
    response = client.get(PAGE, {"month": "2025-03", "by": "growth"})
    rows = table_rows(response)
    assert [row[:2] for row in rows] == [
        ["3", "丁开发区"],
        ["2", "丙开发区"],
        ["1", "甲开发区"],
        ["4", "乙开发区"],
    ]
    # 750 万元 = 0.0750 亿元 (亿元 to 4 places); 乙 is shown to the office, marked confidential.
    assert rows[3][2] == "0.0750 Confidential outside the office"
    assert (
        "Gross output of above-scale industry (规上工业总产值), Months 1–3"
        in response.content.decode()
    )


def test_the_page_is_for_the_office_only(
    client: Client, target_world: TargetWorld, personas: Personas
) -> None:
    for persona in (personas.reporter, personas.auditor):
        client.force_login(persona)
        assert client.get(PAGE).status_code == 403


def test_the_page_reads_in_a_few_queries(
    client: Client,
    target_world: TargetWorld,
    personas: Personas,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(personas.sysadmin)
    with django_assert_max_num_queries(10):
        assert client.get(PAGE, {"month": "2025-03"}).status_code == 200


def test_the_api_masks_as_the_page(target_world: TargetWorld, personas: Personas) -> None:
    response = token_client(personas.province_viewer).get(API, {"month": "2025-03"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["indicator"], body["masked"], body["unit"]) == (
        "gross_output",
        True,
        "10,000 yuan",
    )
    assert [
        (row["zone_name"], row["value_rank"], row["value"], row["growth_pct"], row["suppressed"])
        for row in body["rows"]
    ] == [
        ("甲开发区", 1, "3300.0000", "10.00", False),
        ("丁开发区", None, None, None, True),
        ("乙开发区", None, None, None, True),
    ]
    office = token_client(personas.sysadmin).get(API, {"month": "2025-03", "by": "growth"}).json()
    assert office["rows"][0]["zone_name"] == "丁开发区"
    assert office["masked"] is False


def test_the_api_refuses_what_the_page_refuses(
    target_world: TargetWorld, personas: Personas
) -> None:
    for persona in (personas.reporter, personas.auditor):
        assert token_client(persona).get(API).status_code == 403
    bad = token_client(personas.sysadmin).get(API, {"indicator": "sales_rate"})
    assert bad.status_code == 400
