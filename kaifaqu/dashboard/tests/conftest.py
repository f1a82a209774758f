"""Zone 甲 of the shared world with the figures and rosters its home page shows."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from kaifaqu.conftest import World
from kaifaqu.enterprises.models import StatCategory
from kaifaqu.enterprises.services import roster_entry_add
from kaifaqu.indicators.models import Indicator
from kaifaqu.indicators.services import reported_figure_record

ARTICLE = "《向“新”奋进 提质而“立”》"


@dataclass
class ZoneAFigures:
    source: str


@pytest.fixture
def zone_a_figures(world: World) -> ZoneAFigures:
    """2024 figures of the article typed in 万元, an older year that must not show, and rosters."""
    for indicator, wan in [
        (Indicator.GDP, "727630"),
        (Indicator.FISCAL_REVENUE, "966559"),
        (Indicator.BUDGET_REVENUE, "57730"),
    ]:
        reported_figure_record(
            by=None,
            zone=world.zone_a,
            indicator=indicator,
            year=2024,
            value=Decimal(wan),
            source=ARTICLE,
        )
    reported_figure_record(
        by=None,
        zone=world.zone_a,
        indicator=Indicator.GDP,
        year=2023,
        value=Decimal("650000"),
        source="2023 statistical bulletin",
    )
    reported_figure_record(
        by=None,
        zone=world.zone_b,
        indicator=Indicator.GDP,
        year=2024,
        value=Decimal("300000"),
        source="乙 bulletin",
    )
    for enterprise in (world.ent_a1, world.ent_a2):
        roster_entry_add(by=None, enterprise=enterprise, year=2024, category=StatCategory.INDUSTRY)
    roster_entry_add(by=None, enterprise=world.ent_a1, year=2023, category=StatCategory.INDUSTRY)
    roster_entry_add(by=None, enterprise=world.ent_a1, year=2024, category=StatCategory.WHOLESALE)
    return ZoneAFigures(source=ARTICLE)
