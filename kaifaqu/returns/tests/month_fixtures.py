"""Zone 甲's March 2025 as the month's pages, API and CLI tests see it (hand-worked counts).

Five firms must report: 甲一 (一园, accepted), 甲二 (二园, awaiting review), 测试企业31 (二园, sent
back), 测试企业32 (一园, nothing yet; its contact 王会计), 测试企业35 (一园, a draft). A sixth,
测试企业33, enters the roster in April and does not count.

Reached the office: accepted + awaiting review + sent back = 3 of 5 → 报送率 60.0 %;
accepted 1 of 5 → 审核通过率 20.0 %. 一园: 1 of 3 reached → 33.3 %; 二园: 2 of 2 → 100.0 %.
"""

from datetime import date
from typing import Any

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.returns.models import ReportingMonth, Return, ReturnStatus
from kaifaqu.returns.services.months import reporting_month_open
from kaifaqu.returns.tests.helpers import firm, stored_return

MARCH = date(2025, 3, 1)


def on_roster(*firms: Enterprise, year: int = 2025, **details: object) -> None:
    RosterEntry.objects.bulk_create(
        RosterEntry(enterprise=each, year=year, category=StatCategory.INDUSTRY, **details)
        for each in firms
    )


def make_march(world: World, personas: Personas) -> dict[str, Any]:
    firms = {
        "accepted": world.ent_a1,
        "waiting": world.ent_a2,
        "sent_back": firm(world.zone_a, 31, park=world.park_a2),
        "silent": firm(
            world.zone_a,
            32,
            park=world.park_a1,
            statistics_contact="王会计",
            statistics_phone="0349-1234567",
        ),
        "draft": firm(world.zone_a, 35, park=world.park_a1),
    }
    on_roster(*firms.values())
    on_roster(firm(world.zone_a, 33, park=world.park_a1), entered_on=date(2025, 4, 1))
    stored_return(firms["accepted"], MARCH, status=ReturnStatus.ACCEPTED, gross_output=100)
    stored_return(firms["waiting"], MARCH, status=ReturnStatus.SUBMITTED, gross_output=50)
    stored_return(firms["sent_back"], MARCH, status=ReturnStatus.RETURNED, gross_output=70)
    stored_return(firms["draft"], MARCH, status=ReturnStatus.DRAFT, gross_output=20)
    month = reporting_month_open(
        by=personas.statistician, zone=world.zone_a, period=MARCH, deadline=date(2025, 4, 10)
    )
    return {**firms, "month": month}


def the_return(enterprise: Enterprise) -> Return:
    return Return.objects.get(enterprise=enterprise, period=MARCH)


def march_month(world: World) -> ReportingMonth:
    return ReportingMonth.objects.get(zone=world.zone_a, period=MARCH)


def extra_user(username: str, role: str, **scope: Any) -> User:
    return user_create(username=username, password=PASSWORD, role=role, **scope)
