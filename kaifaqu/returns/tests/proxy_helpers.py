"""A zone where one firm reports and another is known only from its tax (上规入统 by proxy).

Zone 甲 as of 2025-06 (window 2024-07…2025-06), 规上工业 threshold 2000 万元, candidates from 80 %:
- 甲一 (division 30) reports 12 × revenue 100 and taxes 5: revenue ÷ tax = 1200 / 60 = 20; it is
  on the 2025 roster, so it is never a candidate itself.
- 甲二 (division 30, park 二园) does not report; its tax is 7 万元 a month: 12 × 7 = 84 → 84 × 20
  = 1680 万元 = 84.0 % of 2000; last 3 months 21 × 20 = 420 → 140 a month; (2000 − 1680) / 140
  = 2.29 → 3 months left.
"""

from decimal import Decimal

from kaifaqu.conftest import World
from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import Enterprise, StatCategory
from kaifaqu.enterprises.services import roster_entry_add
from kaifaqu.returns.models import ProxyFigure, ProxyKind, Return, ReturnStatus

AS_OF = Month(2025, 6)
WINDOW = [AS_OF.shift(-i) for i in range(11, -1, -1)]
TAX_HEADERS = ["统一社会信用代码", "单位名称", "所属期", "应纳税额(万元)"]


def reporting_peer(world: World) -> None:
    Return.objects.bulk_create(
        Return(
            enterprise=world.ent_a1,
            period=month.first_day,
            status=ReturnStatus.ACCEPTED,
            revenue=Decimal("100"),
            taxes=Decimal("5"),
        )
        for month in WINDOW
    )
    roster_entry_add(by=None, enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY)


def tax_rows(world: World, value: object = 7) -> list[list[object]]:
    """The tax bureau's list of 甲二 for the 12 months of the window."""
    return [[world.ent_a2.uscc, world.ent_a2.name, str(month), value] for month in WINDOW]


def stored_tax(
    enterprise: Enterprise, month: Month, value: str, source: str = "税务局"
) -> ProxyFigure:
    return ProxyFigure.objects.create(
        enterprise=enterprise,
        period=month.first_day,
        kind=ProxyKind.TAX,
        value=Decimal(value),
        source=source,
    )
