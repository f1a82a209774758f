"""应统尽统 gaps: roster firms without a return after the deadline, firms above a threshold off
the roster; refresh is idempotent; assign and close are audited.

Zone 甲, month 2025-09, deadline the 5th working day of October 2025 = 2025-10-14.
"""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kaifaqu.conftest import Personas, World, make_uscc
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import IndustryClass
from kaifaqu.enterprises.models import Enterprise, StatCategory
from kaifaqu.enterprises.services import enterprise_create, roster_entry_add
from kaifaqu.returns.models import Gap, GapKind, GapStatus, Return, ReturnStatus
from kaifaqu.returns.services import gap_assign, gap_close, gaps_refresh

pytestmark = pytest.mark.django_db

SEPTEMBER = Month(2025, 9)
DEADLINE = date(2025, 10, 14)
AFTER = date(2025, 10, 15)


def submit(
    enterprise: Enterprise, month: Month, revenue: str = "100", status: str = ReturnStatus.SUBMITTED
) -> Return:
    return Return.objects.create(
        enterprise=enterprise, period=month.first_day, status=status, revenue=Decimal(revenue)
    )


@pytest.fixture
def roster(world: World) -> None:
    for enterprise in (world.ent_a1, world.ent_a2):
        roster_entry_add(by=None, enterprise=enterprise, year=2025, category=StatCategory.INDUSTRY)
    submit(world.ent_a1, SEPTEMBER)


def not_reported() -> list[str]:
    return sorted(
        Gap.objects.filter(kind=GapKind.NOT_REPORTED, status=GapStatus.OPEN).values_list(
            "enterprise__name", flat=True
        )
    )


def test_no_gap_opens_on_or_before_the_deadline(
    world: World, personas: Personas, roster: None
) -> None:
    result = gaps_refresh(
        by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=DEADLINE
    )
    assert result.opened == 0
    assert not Gap.objects.exists()


def test_a_roster_firm_without_a_return_has_a_gap_after_the_deadline(
    world: World, personas: Personas, roster: None
) -> None:
    result = gaps_refresh(by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=AFTER)
    assert result.opened == 1
    assert not_reported() == ["甲二新材料有限公司"]
    gap = Gap.objects.get()
    assert (gap.period, gap.category) == (date(2025, 9, 1), StatCategory.INDUSTRY)
    assert LogEntry.objects.get_for_object(gap).get().actor == personas.statistician


def test_a_draft_or_sent_back_return_does_not_count_as_reported(
    world: World, personas: Personas, roster: None
) -> None:
    submit(world.ent_a2, SEPTEMBER, status=ReturnStatus.DRAFT)
    gaps_refresh(by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=AFTER)
    assert not_reported() == ["甲二新材料有限公司"]


def test_refreshing_again_changes_nothing(world: World, personas: Personas, roster: None) -> None:
    gaps_refresh(by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=AFTER)
    again = gaps_refresh(by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=AFTER)
    assert (again.opened, again.closed) == (0, 0)
    assert Gap.objects.count() == 1


def test_the_gap_closes_itself_when_the_return_arrives(
    world: World, personas: Personas, roster: None
) -> None:
    gaps_refresh(by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=AFTER)
    submit(world.ent_a2, SEPTEMBER)
    # The note is written in the active language; an earlier test's request may have left
    # another one active, so the refresh runs in Chinese explicitly.
    with translation.override("zh-hans"):
        result = gaps_refresh(
            by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=date(2025, 10, 20)
        )
    assert (result.opened, result.closed) == (0, 1)
    gap = Gap.objects.get()
    assert gap.status == GapStatus.CLOSED
    assert gap.note == "已收到月报。"
    assert gap.closed_by == personas.statistician


def test_a_firm_that_exited_before_the_month_is_not_expected(
    world: World, personas: Personas, roster: None
) -> None:
    from kaifaqu.enterprises.services import roster_exit

    entry = world.ent_a2.roster_entries.get()
    roster_exit(by=None, entry=entry, on=date(2025, 8, 31), reason="停产")
    gaps_refresh(by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=AFTER)
    assert not_reported() == []


def test_a_firm_above_its_threshold_off_the_roster_is_a_gap(
    world: World, personas: Personas, roster: None
) -> None:
    outside = enterprise_create(
        by=None,
        data={
            "uscc": make_uscc("140600", 20),
            "name": "未入库企业",
            "industry": IndustryClass.objects.get(code="3011"),
            "zone": world.zone_a,
            "park": world.park_a1,
        },
    )
    # 12 × 170 = 2040 万元 ≥ 2000 → a gap; 12 × 160 = 1920 would not be.
    for i in range(12):
        submit(outside, SEPTEMBER.shift(-i), revenue="170")
    result = gaps_refresh(
        by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=DEADLINE
    )
    assert result.opened == 1
    gap = Gap.objects.get(kind=GapKind.OUTSIDE_ROSTER)
    assert (gap.enterprise, gap.category, gap.period) == (outside, StatCategory.INDUSTRY, None)
    # Entering the roster closes it.
    roster_entry_add(by=None, enterprise=outside, year=2025, category=StatCategory.INDUSTRY)
    assert (
        gaps_refresh(
            by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=DEADLINE
        ).closed
        == 1
    )


def test_a_firm_just_below_its_threshold_is_no_gap(
    world: World, personas: Personas, roster: None
) -> None:
    outside = enterprise_create(
        by=None,
        data={
            "uscc": make_uscc("140600", 20),
            "name": "未入库企业",
            "industry": IndustryClass.objects.get(code="3011"),
            "zone": world.zone_a,
            "park": world.park_a1,
        },
    )
    for i in range(12):
        submit(outside, SEPTEMBER.shift(-i), revenue="160")
    gaps_refresh(by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=DEADLINE)
    assert not Gap.objects.filter(kind=GapKind.OUTSIDE_ROSTER).exists()


def test_only_the_zone_statistics_office_may_refresh(
    world: World, personas: Personas, roster: None
) -> None:
    for user in (personas.outsider, personas.reporter, personas.park_user):
        with pytest.raises(PermissionDenied):
            gaps_refresh(by=user, zone=world.zone_a, month=SEPTEMBER, today=AFTER)
    assert not Gap.objects.exists()


@pytest.fixture
def gap(world: World, personas: Personas, roster: None) -> Gap:
    gaps_refresh(by=None, zone=world.zone_a, month=SEPTEMBER, today=AFTER)
    return Gap.objects.get()


def test_a_gap_is_assigned_to_a_colleague_and_the_change_is_audited(
    personas: Personas, gap: Gap
) -> None:
    gap_assign(by=personas.zone_admin, gap=gap, to=personas.statistician)
    gap.refresh_from_db()
    assert gap.assigned_to == personas.statistician
    entry = LogEntry.objects.get_for_object(gap).order_by("-timestamp").first()
    assert entry is not None and entry.actor == personas.zone_admin


def test_a_gap_cannot_be_assigned_to_someone_of_another_zone(personas: Personas, gap: Gap) -> None:
    with pytest.raises(ValidationError):
        gap_assign(by=personas.zone_admin, gap=gap, to=personas.outsider)
    with pytest.raises(PermissionDenied):
        gap_assign(by=personas.outsider, gap=gap, to=personas.outsider)


def test_closing_a_gap_needs_a_note(personas: Personas, gap: Gap) -> None:
    with pytest.raises(ValidationError):
        gap_close(by=personas.statistician, gap=gap, note=" ")
    gap_close(by=personas.statistician, gap=gap, note="企业已电话催报")
    gap.refresh_from_db()
    assert (gap.status, gap.note, gap.closed_by) == (
        GapStatus.CLOSED,
        "企业已电话催报",
        personas.statistician,
    )


def test_a_closed_gap_is_not_opened_again(world: World, personas: Personas, gap: Gap) -> None:
    gap_close(by=personas.statistician, gap=gap, note="已核实停产")
    result = gaps_refresh(by=personas.statistician, zone=world.zone_a, month=SEPTEMBER, today=AFTER)
    assert result.opened == 0
    assert Gap.objects.get().status == GapStatus.CLOSED


def test_an_outsider_sees_no_gap_of_zone_a(personas: Personas, gap: Gap) -> None:
    assert not Gap.objects.for_user(personas.outsider).exists()
    assert not Gap.objects.for_user(personas.reporter).exists()
    assert Gap.objects.for_user(personas.statistician).get() == gap
