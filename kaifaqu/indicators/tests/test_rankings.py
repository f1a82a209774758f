"""Rankings of zones for the provincial office: order by value and by growth, shared ranks,
masking of confidential zones (保密) and scope, on the small province of target_world.py.

Since 三员分立 nobody sees the zones of a province unmasked (a zone's statistician sees its own
zone, the provincial office the province masked, the system administrator nothing): the order is
checked on `open_world`, where zone 乙 has three firms and no zone of 山西 is 保密."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, make_uscc
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.indicators.selectors.targets import BY_GROWTH, zone_ranking
from kaifaqu.indicators.services.rollups import rollup_rebuild
from kaifaqu.indicators.tests.indicator_helpers import zone_statistician
from kaifaqu.indicators.tests.publishing import publish_stored_months
from kaifaqu.indicators.tests.target_world import TargetWorld, figure, target_world
from kaifaqu.returns.models import Return, ReturnStatus

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


@pytest.fixture
def open_world(target_world: TargetWorld) -> TargetWorld:
    """target_world with two more firms in zone 乙 (park 乙园), each as 乙一 but for taxes of 15
    万元 a month (2024 and 2025): 乙 is three firms, none above 85 %, so that no zone of 山西 is
    保密 and the provincial office sees every zone of the province ranked."""
    world = target_world.world
    added = [
        Enterprise.objects.create(
            uscc=make_uscc("140200", serial),
            name=f"乙{serial - 39}储能有限公司",
            industry=IndustryClass.objects.get(code="3011"),
            zone=world.zone_b,
            park=world.park_b,
        )
        for serial in (41, 42)
    ]
    RosterEntry.objects.bulk_create(
        RosterEntry(enterprise=firm, year=year, category=StatCategory.INDUSTRY)
        for firm in added
        for year in (2024, 2025)
    )
    Return.objects.bulk_create(
        Return(
            enterprise=firm,
            period=date(year, number, 1),
            status=ReturnStatus.ACCEPTED,
            gross_output=Decimal(300 if year == 2024 or number < 3 else 150),
            revenue=Decimal(100 if year == 2024 else 80),
            taxes=Decimal(15),
            electricity=Decimal(10),
            employees=50,
        )
        for firm in added
        for year in (2024, 2025)
        for number in (1, 2, 3)
    )
    rollup_rebuild()
    publish_stored_months()
    target_world.firms["乙"] += added
    return target_world


def test_the_office_sees_every_zone_ranked_by_value_and_by_growth(
    open_world: TargetWorld, personas: Personas
) -> None:
    # 1–3月 gross output (万元): 甲 3300 (+10 %), 乙 3 × 750 = 2250 against 2700 (−16.67 %),
    # 丁 1125 (+25 %); 丙 is in 河北, outside the provincial office's region.
    assert ranked(personas.province_viewer) == [
        ("甲开发区", 1, Decimal(3300), Decimal("10.00"), 2, 4, False),
        ("乙开发区", 2, Decimal(2250), Decimal("-16.67"), 3, 3, False),
        ("丁开发区", 3, Decimal(1125), Decimal("25.00"), 1, 3, False),
    ]
    by_growth = ranked(personas.province_viewer, by=BY_GROWTH)
    assert [row[0] for row in by_growth] == ["丁开发区", "甲开发区", "乙开发区"]
    # 丙 sent no March return, but its base is still the whole 1–3月 of 2024 (1800): 2160,
    # +20 %, as its statistics office sees it (河北's March is not published).
    office_c = zone_statistician(open_world.world.zone_c, "statistician_c")
    assert ranked(office_c) == [("丙开发区", 1, Decimal(2160), Decimal("20.00"), 1, 3, False)]
    # 三员分立: the system administrator sees no zone.
    assert ranked(personas.sysadmin) == []


def test_equal_figures_share_a_rank(open_world: TargetWorld, personas: Personas) -> None:
    # 1–2月 taxes (万元): 甲 4 × 20 = 80, 乙 20 + 2 × 30 = 80, 丁 3 × 20 = 60; all flat on 2024.
    rows = ranked(personas.province_viewer, "taxes", Month(2025, 2))
    assert [(name, rank, growth_rank) for name, rank, _v, _g, growth_rank, *_ in rows] == [
        ("乙开发区", 1, 1),  # equal ranks in the order of the names
        ("甲开发区", 1, 1),
        ("丁开发区", 3, 1),  # after two firsts comes the third
    ]


def test_a_zone_without_any_figure_takes_no_rank(
    open_world: TargetWorld, personas: Personas
) -> None:
    # Nobody in 丁 reported employees for March: no figure, not a 0.
    Return.objects.filter(enterprise__zone=open_world.zone_d, period=date(2025, 3, 1)).update(
        employees=None
    )
    rollup_rebuild()
    rows = {row[0]: row for row in ranked(personas.province_viewer, "employees")}
    assert rows["丁开发区"][1:3] == (None, None) and not rows["丁开发区"][6]
    # 甲 4 × 50 = 200, 乙 3 × 50 = 150 persons.
    assert [rows[name][1:3] for name in ("甲开发区", "乙开发区")] == [
        (1, Decimal(200)),
        (2, Decimal(150)),
    ]


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
    # Each zone's statistics office sees its own figure, marked as confidential outside it.
    offices = {
        "甲开发区": personas.statistician,
        "乙开发区": personas.statistician_b,
        "丁开发区": zone_statistician(target_world.zone_d, "statistician_d"),
    }
    shown = {}
    for name, office in offices.items():
        (row,) = zone_ranking(user=office, month=MARCH, indicator="gross_output").rows
        assert row.zone.name == name and not row.suppressed
        shown[name] = (row.value, row.protected)
    assert shown == {
        "甲开发区": (Decimal(3300), False),
        "乙开发区": (Decimal(750), True),
        "丁开发区": (Decimal(1125), True),
    }


def test_zone_users_see_their_own_zone_only(target_world: TargetWorld, personas: Personas) -> None:
    assert ranked(personas.zone_admin) == [
        ("甲开发区", 1, Decimal(3300), Decimal("10.00"), 1, 4, False)
    ]
    assert ranked(personas.statistician) == ranked(personas.zone_admin)
    assert ranked(personas.outsider) == [("乙开发区", None, None, None, None, 1, True)]
    assert ranked(personas.reporter) == []
    assert ranked(personas.auditor) == []
    assert ranked(personas.sysadmin) == []


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
    client.force_login(personas.statistician_b)
    response = client.get(PAGE, {"month": "2025-03", "by": "growth"})
    rows = table_rows(response)
    assert [row[:2] for row in rows] == [["1", "乙开发区"]]
    # 750 万元 = 0.0750 亿元 (亿元 to 4 places); 乙 is shown to its statistics office, marked
    # confidential.
    assert rows[0][2] == "0.0750 Confidential outside the office"
    assert (
        "Gross output of above-scale industry (规上工业总产值), Months 1–3"
        in response.content.decode()
    )


def test_the_page_ranks_by_growth_for_the_province_office(
    client: Client, open_world: TargetWorld, personas: Personas
) -> None:
    client.force_login(personas.province_viewer)
    rows = table_rows(client.get(PAGE, {"month": "2025-03", "by": "growth"}))
    # In the order of growth, each with its rank by value.
    assert [row[:3] for row in rows] == [
        ["3", "丁开发区", "0.1125"],
        ["1", "甲开发区", "0.3300"],
        ["2", "乙开发区", "0.2250"],
    ]


def test_the_page_is_for_the_office_only(
    client: Client, target_world: TargetWorld, personas: Personas
) -> None:
    for persona in (personas.reporter, personas.sysadmin, personas.secadmin, personas.auditor):
        client.force_login(persona)
        assert client.get(PAGE).status_code == 403


def test_the_page_reads_in_a_few_queries(
    client: Client,
    target_world: TargetWorld,
    personas: Personas,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(personas.province_viewer)
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
    office = token_client(personas.statistician_b).get(API, {"month": "2025-03", "by": "growth"})
    assert office.json()["masked"] is False
    assert [(row["zone_name"], row["value"]) for row in office.json()["rows"]] == [
        ("乙开发区", "750.0000")
    ]


def test_the_api_refuses_what_the_page_refuses(
    target_world: TargetWorld, personas: Personas
) -> None:
    for persona in (personas.reporter, personas.sysadmin, personas.auditor):
        assert token_client(persona).get(API).status_code == 403
    bad = token_client(personas.province_viewer).get(API, {"indicator": "sales_rate"})
    assert bad.status_code == 400
