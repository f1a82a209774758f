"""A small province with returns for January to March of 2024 and 2025, its indicator table
rebuilt, and targets of zone 甲: what the target, warning and ranking tests share.

Zones and their 规上工业 enterprises (all industry 3011, value-added rate 28.50 %), figures in 万元
per enterprise and month, January to March (2025 of 丙: January and February only):

| zone (city)       | firms | gross output 2024 → 2025 | revenue     | taxes          | electricity |
|-------------------|-------|--------------------------|-------------|----------------|-------------|
| 甲 (朔州 1406)    | 4     | 100·i → 110·i (i = 1..4) | 90·i → 90·i | 10 → 10, 10, 4 | 10 → 9      |
| 乙 (大同 1402)    | 1     | 300 → 300, 300, 150      | 100 → 80    | 10 → 10        | 10 → 10     |
| 丙 (石家庄, 河北) | 3     | 200 → 360 (no March)     | 200 → 200   | 10 → 10        | 10 → 10     |
| 丁 (朔州 1406)    | 3     | 100 → 125                | 100 → 100   | 10 → 10        | 10 → 10     |

Every firm employs 50 persons each month it reports.

1–3月 2025 gross output (万元): 甲 3300 (+10 %), 丙 2160 (no March, but its base is the whole
1–3月 of 2024, 1800: +20 %), 丁 1125
(+25 %), 乙 750 (−16.67 %). Disclosure in 山西: 乙 is one firm (primary); 大同 is then 乙 alone,
so 大同 is suppressed; 山西 = 朔州 + 大同, so 朔州 too; 朔州 = 甲 + 丁, so one of them: 丁, the
smaller. Outside the statistics office only 甲 of 山西 is shown.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from kaifaqu.conftest import World, make_uscc
from kaifaqu.core.models import IndustryClass
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.geo.models import Zone, ZoneLevel
from kaifaqu.geo.services import zone_create
from kaifaqu.indicators.models import PriceIndex, ReportedFigure, Target, TargetKind
from kaifaqu.indicators.services.rollups import rollup_rebuild
from kaifaqu.indicators.tests.publishing import publish_stored_months
from kaifaqu.returns.models import Return, ReturnStatus


@dataclass
class TargetWorld:
    world: World
    zone_d: Zone
    firms: dict[str, list[Enterprise]]


def _firm(zone: Zone, serial: int, name: str) -> Enterprise:
    return Enterprise.objects.create(
        uscc=make_uscc("140600", serial),
        name=name,
        industry=IndustryClass.objects.get(code="3011"),
        zone=zone,
    )


def _returns(firm: Enterprise, year: int, months: dict[int, dict[str, int]]) -> list[Return]:
    return [
        Return(
            enterprise=firm,
            period=date(year, number, 1),
            status=ReturnStatus.ACCEPTED,
            employees=50,
            **{name: Decimal(value) for name, value in values.items()},
        )
        for number, values in months.items()
    ]


def _same(values: dict[str, int], months: tuple[int, ...] = (1, 2, 3)) -> dict[int, dict]:
    return {number: values for number in months}


def build_target_world(world: World) -> TargetWorld:
    zone_d = zone_create(
        by=None,
        data={
            "name": "丁开发区",
            "level": ZoneLevel.PROVINCIAL,
            "region": world.shuozhou,
            "area_km2": Decimal("20"),
        },
    )
    firms = {
        "甲": [
            world.ent_a1,
            world.ent_a2,
            _firm(world.zone_a, 11, "甲三装备有限公司"),
            _firm(world.zone_a, 12, "甲四化工有限公司"),
        ],
        "乙": [world.ent_b],
        "丙": [
            world.ent_c,
            _firm(world.zone_c, 21, "丙二有限公司"),
            _firm(world.zone_c, 22, "丙三有限公司"),
        ],
        "丁": [_firm(zone_d, 31 + i, f"丁{i + 1}有限公司") for i in range(3)],
    }
    rows: list[Return] = []
    for i, firm in enumerate(firms["甲"], start=1):
        rows += _returns(
            firm,
            2024,
            _same({"gross_output": 100 * i, "revenue": 90 * i, "taxes": 10, "electricity": 10}),
        )
        rows += _returns(
            firm,
            2025,
            {
                number: {
                    "gross_output": 110 * i,
                    "revenue": 90 * i,
                    "taxes": 4 if number == 3 else 10,
                    "electricity": 9,
                }
                for number in (1, 2, 3)
            },
        )
    (b,) = firms["乙"]
    rows += _returns(
        b, 2024, _same({"gross_output": 300, "revenue": 100, "taxes": 10, "electricity": 10})
    )
    rows += _returns(
        b,
        2025,
        {
            number: {"gross_output": gross, "revenue": 80, "taxes": 10, "electricity": 10}
            for number, gross in ((1, 300), (2, 300), (3, 150))
        },
    )
    for firm in firms["丙"]:
        rows += _returns(
            firm, 2024, _same({"gross_output": 200, "revenue": 200, "taxes": 10, "electricity": 10})
        )
        rows += _returns(
            firm,
            2025,
            _same({"gross_output": 360, "revenue": 200, "taxes": 10, "electricity": 10}, (1, 2)),
        )
    for firm in firms["丁"]:
        rows += _returns(
            firm, 2024, _same({"gross_output": 100, "revenue": 100, "taxes": 10, "electricity": 10})
        )
        rows += _returns(
            firm, 2025, _same({"gross_output": 125, "revenue": 100, "taxes": 10, "electricity": 10})
        )
    Return.objects.bulk_create(rows)
    RosterEntry.objects.bulk_create(
        RosterEntry(enterprise=firm, year=year, category=StatCategory.INDUSTRY)
        for year in (2024, 2025)
        for group in firms.values()
        for firm in group
    )
    # Prices unchanged (100) in both provinces: growth at comparable prices is that at current
    # prices (without an index it would not be available).
    PriceIndex.objects.bulk_create(
        PriceIndex(
            region=province,
            period=date(2025, number, 1),
            value=Decimal(100),
            source="省统计局",
        )
        for province in (world.shanxi, world.hebei)
        for number in (1, 2, 3)
    )
    rollup_rebuild()
    publish_stored_months()
    return TargetWorld(world=world, zone_d=zone_d, firms=firms)


def annual(zone: Zone, indicator: str, value: str | None, growth: str | None = None) -> Target:
    return Target.objects.create(
        zone=zone,
        indicator=indicator,
        year=2025,
        value=Decimal(value) if value is not None else None,
        growth_pct=Decimal(growth) if growth is not None else None,
    )


def figure(zone: Zone, indicator: str, year: int, months: int, value: str) -> ReportedFigure:
    return ReportedFigure.objects.create(
        zone=zone,
        indicator=indicator,
        year=year,
        months=months,
        value=Decimal(value),
        source="区统计局",
    )


def zone_a_targets(zone: Zone) -> None:
    """Zone 甲's 2025 targets and the entered figures they are measured with (万元).

    gross output 12,000 and +8 %; revenue 15,000; value added +9 %; GDP 50,000 and +6.5 %
    (1–3月 11,000, a year before 10,000); 一般公共预算收入 6,000 (entered for 1–2月 only: 900);
    employees 500; 十四五 (2021–2025) GDP 45,000 at +7 % a year (2020: 30,000, 2024: 40,000).
    """
    annual(zone, "gross_output", "12000", "8.00")
    annual(zone, "revenue", "15000")
    annual(zone, "value_added", None, "9.00")
    annual(zone, "gdp", "50000", "6.50")
    annual(zone, "budget_revenue", "6000")
    annual(zone, "employees", "500")
    Target.objects.create(
        zone=zone,
        indicator="gdp",
        year=2025,
        kind=TargetKind.PLAN,
        plan_name="十四五",
        start_year=2021,
        end_year=2025,
        value=Decimal("45000"),
        growth_pct=Decimal("7.00"),
    )
    figure(zone, "gdp", 2025, 3, "11000")
    figure(zone, "gdp", 2024, 3, "10000")
    figure(zone, "budget_revenue", 2025, 2, "900")
    for year, value in (
        (2020, "30000"),
        (2021, "32000"),
        (2022, "35000"),
        (2023, "37000"),
        (2024, "40000"),
    ):
        figure(zone, "gdp", year, 12, value)


@pytest.fixture
def target_world(world: World) -> TargetWorld:
    built = build_target_world(world)
    zone_a_targets(world.zone_a)
    return built
