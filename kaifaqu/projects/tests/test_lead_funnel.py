"""The funnel (招商漏斗): how far the leads of a period got, with rates computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.permissions import Role
from kaifaqu.geo.models import Zone
from kaifaqu.projects.models import DropReason, Lead, LeadSource, Stage
from kaifaqu.projects.selectors import Funnel, lead_funnel, rate
from kaifaqu.projects.services import lead_convert, lead_create, lead_drop, project_advance

pytestmark = pytest.mark.django_db
YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def test_rates_are_percentages_to_one_decimal_rounded_half_up() -> None:
    assert rate(4, 7) == Decimal("57.1")  # 57.142…
    assert rate(2, 3) == Decimal("66.7")  # 66.666…
    assert rate(1, 8) == Decimal("12.5")
    assert rate(1, 16) == Decimal("6.3")  # 6.25: half up (half to even would give 6.2)
    assert rate(3, 3) == Decimal("100.0")
    assert rate(0, 0) is None


def lead(zone: Zone, title: str, source: str, received: date, officer: User | None = None) -> Lead:
    return lead_create(
        by=None,
        data={
            "zone": zone,
            "title": title,
            "investor": f"{title}投资方",
            "source": source,
            "expected_investment": Decimal("10000"),
            "received_on": received,
            "officer": officer,
        },
    )


def advance(project: Any, *moves: tuple[str, date]) -> None:
    for stage, on in moves:
        project_advance(
            project=project,
            to_stage=stage,
            on=on,
            by=None,
            note="原因" if stage in (Stage.STALLED, Stage.TERMINATED) else "",
            data={
                "signed_investment": Decimal("10000"),
                "planned_investment": Decimal("10000"),
            },
        )


@pytest.fixture
def funnel_leads(world: World) -> None:
    """Zone 甲, leads of 2025 (L1–L7), one of 2024 and one of zone 乙.

    L1 fair, officer   → 洽谈 02-01, 签约 03-01, 开工 05-01, 投产 09-01   furthest 投产
    L2 fair            → 洽谈 02-01, 签约 04-01, 停滞 06-01               furthest 签约 (stalled)
    L3 referral, off.  → 洽谈 02-01, 终止 03-01                          furthest 洽谈 (terminated)
    L4 referral        → 签约 02-10 directly, 开工 07-01                 furthest 开工
    L5 online, officer   open
    L6 online            dropped: 落户他地
    L7 walk-in           dropped: 不符合产业政策
    """
    officer = user_create(
        username="zhaoshang",
        password=PASSWORD,
        role=Role.INVESTMENT_OFFICER,
        scope_zone=world.zone_a,
        full_name="招商员",
    )
    a = world.zone_a
    l1 = lead(a, "L1", LeadSource.FAIR, date(2025, 1, 10), officer)
    l2 = lead(a, "L2", LeadSource.FAIR, date(2025, 1, 11))
    l3 = lead(a, "L3", LeadSource.REFERRAL, date(2025, 1, 12), officer)
    l4 = lead(a, "L4", LeadSource.REFERRAL, date(2025, 1, 13))
    lead(a, "L5", LeadSource.ONLINE, date(2025, 3, 1), officer)
    l6 = lead(a, "L6", LeadSource.ONLINE, date(2025, 3, 2))
    l7 = lead(a, "L7", LeadSource.WALK_IN, date(2025, 12, 31))
    lead(a, "L8 of 2024", LeadSource.FAIR, date(2024, 12, 31))
    lead(world.zone_b, "乙 L9", LeadSource.FAIR, date(2025, 5, 1))

    p1 = lead_convert(lead=l1, by=None, on=date(2025, 2, 1), data={})
    advance(
        p1,
        (Stage.SIGNED, date(2025, 3, 1)),
        (Stage.STARTED, date(2025, 5, 1)),
        (Stage.COMMISSIONED, date(2025, 9, 1)),
    )
    p2 = lead_convert(lead=l2, by=None, on=date(2025, 2, 1), data={})
    advance(p2, (Stage.SIGNED, date(2025, 4, 1)), (Stage.STALLED, date(2025, 6, 1)))
    p3 = lead_convert(lead=l3, by=None, on=date(2025, 2, 1), data={})
    advance(p3, (Stage.TERMINATED, date(2025, 3, 1)))
    p4 = lead_convert(
        lead=l4,
        by=None,
        on=date(2025, 2, 10),
        data={"signed_investment": Decimal("9000")},
        stage=Stage.SIGNED,
    )
    advance(p4, (Stage.STARTED, date(2025, 7, 1)))
    lead_drop(by=None, lead=l6, on=date(2025, 4, 1), reason=DropReason.WENT_ELSEWHERE)
    lead_drop(by=None, lead=l7, on=date(2025, 12, 31), reason=DropReason.POLICY)


def steps(funnel: Funnel) -> list[tuple[int, Decimal | None, Decimal | None]]:
    return [(s["count"], s["step_rate"], s["overall_rate"]) for s in funnel.total.steps]


def test_the_funnel_counts_each_lead_at_the_furthest_stage_its_project_reached(
    world: World, personas: Personas, funnel_leads: None
) -> None:
    funnel = lead_funnel(user=personas.zone_admin, start=YEAR[0], end=YEAR[1])
    # received 7 (L1–L7; not L8 of 2024 nor 乙's L9); converted 4 (L1–L4); signed 3 (L1, L2
    # stalled after signing, L4); started 2 (L1, L4); commissioned 1 (L1).
    # Step rates: 4/7 = 57.14 → 57.1; 3/4 = 75.0; 2/3 = 66.67 → 66.7; 1/2 = 50.0.
    # Of the leads received: 4/7 → 57.1; 3/7 = 42.86 → 42.9; 2/7 = 28.57 → 28.6; 1/7 = 14.29 → 14.3.
    assert steps(funnel) == [
        (7, None, None),
        (4, Decimal("57.1"), Decimal("57.1")),
        (3, Decimal("75.0"), Decimal("42.9")),
        (2, Decimal("66.7"), Decimal("28.6")),
        (1, Decimal("50.0"), Decimal("14.3")),
    ]
    assert funnel.total.overall_rate == Decimal("14.3")
    assert (funnel.total.open, funnel.total.dropped) == (1, 2)


def test_the_funnel_by_source_and_by_officer(
    world: World, personas: Personas, funnel_leads: None
) -> None:
    funnel = lead_funnel(user=personas.zone_admin, start=YEAR[0], end=YEAR[1])
    by_source = {row.key: (row.counts, row.overall_rate, row.dropped) for row in funnel.by_source}
    assert by_source == {
        # fair: L1 (投产), L2 (签约, stalled): overall 1/2 = 50.0
        LeadSource.FAIR: ([2, 2, 2, 1, 1], Decimal("50.0"), 0),
        # referral: L3 (洽谈, terminated), L4 (开工)
        LeadSource.REFERRAL: ([2, 2, 1, 1, 0], Decimal("0.0"), 0),
        LeadSource.ONLINE: ([2, 0, 0, 0, 0], Decimal("0.0"), 1),
        LeadSource.WALK_IN: ([1, 0, 0, 0, 0], Decimal("0.0"), 1),
    }
    assert [row.key for row in funnel.by_source] == ["referral", "fair", "online", "walk_in"]
    by_officer = [
        (row.label if row.key else "", row.counts, row.conversion_rate) for row in funnel.by_officer
    ]
    # 招商员: L1, L3, L5 → converted 2 of 3 = 66.7; nobody: L2, L4, L6, L7 → 2 of 4 = 50.0
    # (the leads without an officer come last).
    assert by_officer == [
        ("招商员", [3, 2, 1, 1, 1], Decimal("66.7")),
        ("", [4, 2, 2, 1, 0], Decimal("50.0")),
    ]
    assert [lead.title for lead in funnel.dropped] == ["L6", "L7"]
    assert len(funnel.drop_reasons) == 2 and all(count == 1 for _, count in funnel.drop_reasons)


def test_the_period_bounds_are_included(
    world: World, personas: Personas, funnel_leads: None
) -> None:
    # L7 came in on 2025-12-31 and L8 on 2024-12-31.
    assert (
        lead_funnel(
            user=personas.zone_admin, start=date(2025, 12, 31), end=date(2025, 12, 31)
        ).total.received
        == 1
    )
    assert (
        lead_funnel(
            user=personas.zone_admin, start=date(2024, 12, 31), end=date(2025, 1, 10)
        ).total.received
        == 2
    )


def test_the_funnel_shows_each_persona_its_own_leads_only(
    world: World, personas: Personas, funnel_leads: None
) -> None:
    def received(user: User, zone: Zone | None = None) -> int:
        return lead_funnel(user=user, start=YEAR[0], end=YEAR[1], zone=zone).total.received

    assert received(personas.province_viewer) == 8  # 甲's 7 and 乙's L9
    assert received(personas.province_viewer, world.zone_b) == 1
    assert received(personas.outsider) == 1
    assert received(personas.park_user) == 0  # none of them is in its park
    assert received(personas.reporter) == 0
