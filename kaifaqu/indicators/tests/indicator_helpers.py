"""A small world of zone 甲 whose indicator table is worked out by hand in the tests.

Zone 甲 (all in 3011, division 30; value-added rate 28.5 %), gross output in 万元 a month:

| enterprise       | park | 2024 Jan–Mar  | 2025 Jan, Feb, Mar |
|------------------|------|---------------|--------------------|
| 甲一              | 一园 | 100 each      | 120, 120, 150      |
| 甲二, 甲三, 甲四     | 二园 | 50 each       | 55 each            |
| 甲五, 甲六, 甲七     | 三园 | 200 each      | 210 each           |
| 甲八 (2024 only)   | 三园 | 1000 each     | 999 each           |

甲八 is on the 2024 roster only: 同口径 leaves it out of 2025 and of its base. Sales output is 95 %
of gross output in 2024 and 90 % in 2025. The producer price index of all industry in March 2025
is 105 (Jan and Feb: none, so 100). Zones 乙 and 丙 have no roster enterprise.
"""

from datetime import date
from decimal import Decimal

import pytest

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World, make_uscc
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.permissions import Role
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.enterprises.services import enterprise_create
from kaifaqu.geo.models import Park, Zone
from kaifaqu.geo.services import park_create
from kaifaqu.indicators.models import PriceIndex
from kaifaqu.indicators.services.inputs import price_index_create
from kaifaqu.indicators.services.rollups import rollup_rebuild
from kaifaqu.indicators.tests.publishing import publish_stored_months
from kaifaqu.returns.models import Return, ReturnStatus

OUTPUT_2024 = {"甲一": 100, "二园": 50, "三园": 200, "甲八": 1000}


def zone_statistician(zone: Zone, username: str) -> User:
    """The statistics office of a zone the personas have none for (丙, 丁, …): since 三员分立 no
    one sees the figures of every zone unmasked, so each zone's are checked with its own."""
    return user_create(
        username=username, password=PASSWORD, role=Role.STATISTICIAN, scope_zone=zone
    )


def _firm(world: World, name: str, serial: int, park: Park) -> Enterprise:
    return enterprise_create(
        by=None,
        data={
            "uscc": make_uscc("140600", serial),
            "name": name,
            "industry": IndustryClass.objects.get(code="3011"),
            "zone": world.zone_a,
            "park": park,
        },
    )


@pytest.fixture
def park_a3(world: World) -> Park:
    return park_create(
        by=None, data={"zone": world.zone_a, "name": "三园", "area_km2": Decimal("10")}
    )


@pytest.fixture
def indicators_world(world: World, personas: Personas, park_a3: Park) -> dict[str, Enterprise]:
    firms = {
        "甲一": world.ent_a1,
        "甲二": world.ent_a2,
        "甲三": _firm(world, "甲三建材有限公司", 13, world.park_a2),
        "甲四": _firm(world, "甲四建材有限公司", 14, world.park_a2),
        "甲五": _firm(world, "甲五水泥有限公司", 15, park_a3),
        "甲六": _firm(world, "甲六水泥有限公司", 16, park_a3),
        "甲七": _firm(world, "甲七水泥有限公司", 17, park_a3),
        "甲八": _firm(world, "甲八水泥有限公司", 18, park_a3),
    }

    def output(name: str, year: int, month: int) -> Decimal:
        if name == "甲八":
            return Decimal(1000 if year == 2024 else 999)
        if name == "甲一":
            return Decimal(100) if year == 2024 else Decimal(150 if month == 3 else 120)
        if name in ("甲二", "甲三", "甲四"):
            return Decimal(50 if year == 2024 else 55)
        return Decimal(200 if year == 2024 else 210)

    for year in (2024, 2025):
        RosterEntry.objects.bulk_create(
            RosterEntry(enterprise=firm, year=year, category=StatCategory.INDUSTRY)
            for name, firm in firms.items()
            if year == 2024 or name != "甲八"
        )
        share = Decimal("0.95") if year == 2024 else Decimal("0.9")
        Return.objects.bulk_create(
            Return(
                enterprise=firm,
                period=date(year, month, 1),
                status=ReturnStatus.ACCEPTED,
                gross_output=output(name, year, month),
                sales_output=output(name, year, month) * share,
                revenue=output(name, year, month),
                electricity=Decimal("10"),
                employees=50,
            )
            for name, firm in firms.items()
            for month in (1, 2, 3)
        )
    # 山西's all-industry index: 100 in January and February (no price change), 105 in March.
    for month, value in ((1, "100"), (2, "100"), (3, "105")):
        price_index_create(
            by=personas.statistician,
            data={
                "region": world.shanxi,
                "period": date(2025, month, 1),
                "division": "",
                "value": Decimal(value),
                "source": "省统计局",
            },
        )
    rollup_rebuild()
    publish_stored_months()
    return firms


def unchanged_prices(world: World, months: tuple[int, ...] = (1, 2)) -> None:
    """山西's all-industry price index at 100 for these months of 2025 (stored directly, as
    the migration would: no roll-up is queued)."""
    PriceIndex.objects.bulk_create(
        PriceIndex(
            region=world.shanxi, period=date(2025, number, 1), value=Decimal(100), source="省统计局"
        )
        for number in months
    )


def three_firms_accepted(world: World) -> None:
    """甲一, 甲二 (zone 甲) and 乙一 (zone 乙) on the 2024 and 2025 rosters, with accepted returns
    for January to March of both years: gross output 100 × (1 + firm) 万元 a month in 2024,
    +10 % in 2025."""
    firms = [world.ent_a1, world.ent_a2, world.ent_b]
    for year in (2024, 2025):
        RosterEntry.objects.bulk_create(
            RosterEntry(enterprise=firm, year=year, category=StatCategory.INDUSTRY)
            for firm in firms
        )
        Return.objects.bulk_create(
            Return(
                enterprise=firm,
                period=date(year, number, 1),
                status=ReturnStatus.ACCEPTED,
                gross_output=Decimal(100 * (index + 1)) * (Decimal("1.1") if year == 2025 else 1),
                revenue=Decimal(90 * (index + 1)),
                electricity=Decimal("10"),
                employees=50,
            )
            for index, firm in enumerate(firms)
            for number in (1, 2, 3)
        )
