"""上规入统 candidates: trailing revenue from returns or tax proxies, share, months left.

Zone 甲, as of 2025-06 (window 2024-07…2025-06), 规上工业 threshold 2000 万元, candidates from
80 % = 1600 万元. Reporting firms of division 30 and their revenue ÷ taxes over the window:
甲一 3600/240 = 15, 甲二 1680/120 = 14, 小厂 600/60 = 10 → division median 14. 炼铁厂 (division
31) reports June only: 300/10 = 30 → zone median of {10, 14, 15, 30} = 14.5.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from kaifaqu.conftest import Personas, World, make_uscc
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import IndustryClass
from kaifaqu.enterprises.models import Enterprise, StatCategory
from kaifaqu.enterprises.services import enterprise_create, roster_entry_add
from kaifaqu.returns.models import ProxyFigure, ProxyKind, Return, ReturnStatus
from kaifaqu.returns.selectors.candidates import (
    above_threshold_outside_roster,
    candidate_list,
    latest_month,
    months_left,
)

pytestmark = pytest.mark.django_db

AS_OF = Month(2025, 6)
WINDOW = [AS_OF.shift(-i) for i in range(11, -1, -1)]


@dataclass
class Firms:
    small: Enterprise
    iron: Enterprise
    cement_products: Enterprise
    steel_structures: Enterprise


def firm(world: World, name: str, serial: int, code: str) -> Enterprise:
    return enterprise_create(
        by=None,
        data={
            "uscc": make_uscc("140600", serial),
            "name": name,
            "industry": IndustryClass.objects.get(code=code),
            "zone": world.zone_a,
            "park": world.park_a1,
        },
    )


def returns(enterprise: Enterprise, months: list[Month], revenue: str, taxes: str) -> None:
    Return.objects.bulk_create(
        Return(
            enterprise=enterprise,
            period=month.first_day,
            status=ReturnStatus.ACCEPTED,
            revenue=Decimal(revenue),
            taxes=Decimal(taxes),
        )
        for month in months
    )


def tax_proxy(enterprise: Enterprise) -> None:
    # 9 months of 9 and the last 3 of 12: 117 万元 over the window, 36 in the last 3 months.
    ProxyFigure.objects.bulk_create(
        ProxyFigure(
            enterprise=enterprise,
            period=month.first_day,
            kind=ProxyKind.TAX,
            value=Decimal("12" if index >= 9 else "9"),
            source="税务局",
        )
        for index, month in enumerate(WINDOW)
    )


@pytest.fixture
def firms(world: World) -> Firms:
    returns(world.ent_a1, WINDOW, "300", "20")
    returns(world.ent_a2, WINDOW[:9], "130", "10")
    returns(world.ent_a2, WINDOW[9:], "170", "10")
    small = firm(world, "小厂", 10, "3011")
    returns(small, WINDOW, "50", "5")
    iron = firm(world, "炼铁厂", 11, "3110")
    returns(iron, [AS_OF], "300", "10")
    cement_products = firm(world, "水泥制品厂", 12, "3021")
    tax_proxy(cement_products)
    steel_structures = firm(world, "钢结构厂", 13, "3311")
    tax_proxy(steel_structures)
    roster_entry_add(by=None, enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY)
    return Firms(small, iron, cement_products, steel_structures)


def by_name(rows: list) -> dict:  # type: ignore[type-arg]
    return {row.enterprise.name: row for row in rows}


def test_a_reporting_firm_near_the_threshold_is_a_candidate(
    world: World, personas: Personas, firms: Firms
) -> None:
    found = by_name(candidate_list(user=personas.statistician, zone=world.zone_a, as_of=AS_OF))
    row = found["甲二新材料有限公司"]
    # 9 × 130 + 3 × 170 = 1680; 1680 / 2000 = 84.0 %; (2000 − 1680) / 170 = 1.88 → 2 months.
    assert row.category == StatCategory.INDUSTRY
    assert row.threshold == Decimal("2000")
    assert row.trailing == Decimal("1680.0000")
    assert not row.estimated
    assert row.share_pct == Decimal("84.0")
    assert row.months_left == 2


def test_a_firm_without_returns_is_estimated_from_its_tax_with_its_division_ratio(
    world: World, personas: Personas, firms: Firms
) -> None:
    found = by_name(candidate_list(user=personas.statistician, zone=world.zone_a, as_of=AS_OF))
    row = found["水泥制品厂"]
    # 117 × 14 = 1638 → 81.9 %; last 3 months 36 × 14 = 504 → 168 a month; 362 / 168 = 2.15 → 3.
    assert row.estimated and row.proxy_kind == ProxyKind.TAX
    assert row.trailing == Decimal("1638.0000")
    assert row.share_pct == Decimal("81.9")
    assert row.months_left == 3


def test_a_division_without_reporting_firms_uses_the_zone_ratio(
    world: World, personas: Personas, firms: Firms
) -> None:
    found = by_name(candidate_list(user=personas.statistician, zone=world.zone_a, as_of=AS_OF))
    row = found["钢结构厂"]
    # 117 × 14.5 = 1696.5 → 84.8 %; 36 × 14.5 = 522 → 174 a month; 303.5 / 174 = 1.74 → 2.
    assert row.trailing == Decimal("1696.5000")
    assert row.share_pct == Decimal("84.8")
    assert row.months_left == 2


def test_firms_far_below_the_share_or_on_the_roster_are_not_candidates(
    world: World, personas: Personas, firms: Firms
) -> None:
    found = by_name(candidate_list(user=personas.statistician, zone=world.zone_a, as_of=AS_OF))
    assert set(found) == {"甲二新材料有限公司", "水泥制品厂", "钢结构厂"}
    assert "甲一水泥有限公司" not in found  # 3600 万元, but on the 2025 roster
    assert "小厂" not in found  # 600 万元 = 30 %
    assert "炼铁厂" not in found  # 300 万元 = 15 %


def test_a_firm_above_the_threshold_off_the_roster_is_a_candidate_with_no_months_left(
    world: World, personas: Personas, firms: Firms
) -> None:
    world.ent_a1.roster_entries.all().delete()
    row = by_name(candidate_list(user=personas.statistician, zone=world.zone_a, as_of=AS_OF))[
        "甲一水泥有限公司"
    ]
    assert row.share_pct == Decimal("180.0")
    assert row.months_left == 0
    above = above_threshold_outside_roster(zone=world.zone_a, as_of=AS_OF)
    assert [row.enterprise.name for row in above] == ["甲一水泥有限公司"]


def test_a_raised_share_narrows_the_list(world: World, personas: Personas, firms: Firms) -> None:
    from kaifaqu.returns.models import StatisticsSettings

    StatisticsSettings.objects.create(zone=world.zone_a, candidate_share_pct=Decimal("84"))
    found = by_name(candidate_list(user=personas.statistician, zone=world.zone_a, as_of=AS_OF))
    # 1680 and 1696.5 reach 84 % of 2000 = 1680; 1638 does not.
    assert set(found) == {"甲二新材料有限公司", "钢结构厂"}


def test_the_park_user_sees_only_candidates_of_the_park(
    world: World, personas: Personas, firms: Firms
) -> None:
    found = by_name(candidate_list(user=personas.park_user, zone=world.zone_a, as_of=AS_OF))
    assert "甲二新材料有限公司" not in found  # park 二园
    assert "水泥制品厂" in found


def test_months_left_is_none_without_recent_revenue() -> None:
    assert (
        months_left(threshold=Decimal("2000"), trailing=Decimal("1700"), recent=Decimal("0"))
        is None
    )
    assert (
        months_left(threshold=Decimal("2000"), trailing=Decimal("1700"), recent=Decimal("300")) == 3
    )


def test_the_list_opens_on_the_zones_latest_month_with_data(world: World) -> None:
    today = date(2026, 11, 24)
    # Nothing yet: last month.
    assert latest_month(world.zone_a, today) == Month(2026, 10)
    Return.objects.create(enterprise=world.ent_a1, period=date(2025, 3, 1), revenue=Decimal("1"))
    # Zone 乙's later return and this month's are not zone 甲's latest month before today.
    Return.objects.create(enterprise=world.ent_b, period=date(2025, 9, 1), revenue=Decimal("1"))
    Return.objects.create(enterprise=world.ent_a2, period=date(2026, 11, 1), revenue=Decimal("1"))
    assert latest_month(world.zone_a, today) == Month(2025, 3)
    ProxyFigure.objects.create(
        enterprise=world.ent_a2,
        period=date(2025, 5, 1),
        kind=ProxyKind.TAX,
        value=Decimal("7"),
        source="税务局",
    )
    assert latest_month(world.zone_a, today) == Month(2025, 5)
