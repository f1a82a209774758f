"""Leads (招商线索): registering, following up, dropping and reopening, converting to a project
(its history starts on the day the lead came in), going cold, and who sees what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.permissions import Role
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.models import (
    DropReason,
    Lead,
    LeadSource,
    LeadStatus,
    Project,
    ProjectSettings,
    Stage,
    may_see_contacts,
)
from kaifaqu.projects.selectors import (
    going_cold,
    lead_follow_ups_for_project,
    lead_list,
    project_cycles,
)
from kaifaqu.projects.services import (
    follow_up_add,
    lead_convert,
    lead_create,
    lead_drop,
    lead_reopen,
    lead_update,
    project_advance,
)

pytestmark = pytest.mark.django_db


def make_lead(
    by: User | None,
    zone: Zone,
    title: str = "年产5万吨负极材料项目",
    *,
    park: Park | None = None,
    received_on: date = date(2025, 1, 6),
    source: str = LeadSource.FAIR,
    **more: Any,
) -> Lead:
    return lead_create(
        by=by,
        data={
            "zone": zone,
            "park": park,
            "title": title,
            "investor": "某新能源科技有限公司",
            "source": source,
            "contact_person": "王经理",
            "contact_phone": "13800001234",
            "contact_email": "wang@example.com",
            "industry": IndustryClass.objects.get(code="3011"),
            "expected_investment": Decimal("30000"),
            "received_on": received_on,
            **more,
        },
    )


@pytest.fixture
def officer(world: World) -> User:
    return user_create(
        username="zhaoshang",
        password=PASSWORD,
        role=Role.INVESTMENT_OFFICER,
        scope_zone=world.zone_a,
        full_name="招商员",
    )


@pytest.fixture
def lead(world: World, personas: Personas, officer: User) -> Lead:
    return make_lead(personas.zone_admin, world.zone_a, park=world.park_a1, officer=officer)


# --- registering -------------------------------------------------------------------------------


def test_a_zone_registers_an_open_lead_and_the_change_is_audited(
    lead: Lead, personas: Personas
) -> None:
    assert lead.status == LeadStatus.OPEN and lead.project is None
    entry = LogEntry.objects.get_for_object(lead).get()
    assert entry.actor == personas.zone_admin


def test_it_rejects_a_park_of_another_zone_an_outside_officer_and_a_future_day(
    world: World, personas: Personas
) -> None:
    with pytest.raises(ValidationError) as error:
        make_lead(personas.zone_admin, world.zone_a, park=world.park_b)
    assert "park" in error.value.message_dict
    other_officer = user_create(
        username="b_officer",
        password=PASSWORD,
        role=Role.INVESTMENT_OFFICER,
        scope_zone=world.zone_b,
    )
    with pytest.raises(ValidationError) as error:
        make_lead(personas.zone_admin, world.zone_a, officer=other_officer)
    assert "officer" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_lead(
            personas.zone_admin,
            world.zone_a,
            received_on=timezone.localdate() + timedelta(days=1),
        )
    assert "received_on" in error.value.message_dict


def test_a_park_user_registers_leads_of_its_own_park_only(world: World, personas: Personas) -> None:
    mine = make_lead(personas.park_user, world.zone_a, park=world.park_a1)
    assert mine.park == world.park_a1
    with pytest.raises(PermissionDenied):
        make_lead(personas.park_user, world.zone_a, "二园的线索", park=world.park_a2)
    with pytest.raises(PermissionDenied):
        make_lead(personas.statistician, world.zone_a, "统计人员的线索")


def test_each_persona_sees_only_the_leads_of_its_scope(world: World, personas: Personas) -> None:
    in_a1 = make_lead(None, world.zone_a, "一园线索", park=world.park_a1)
    in_a2 = make_lead(None, world.zone_a, "二园线索", park=world.park_a2)
    in_b = make_lead(None, world.zone_b, "乙区线索")
    in_c = make_lead(None, world.zone_c, "丙区线索")

    def seen(user: User) -> set[Lead]:
        return set(Lead.objects.for_user(user))

    assert seen(personas.zone_admin) == {in_a1, in_a2}
    assert seen(personas.park_user) == {in_a1}
    assert seen(personas.outsider) == {in_b}
    assert seen(personas.province_viewer) == {in_a1, in_a2, in_b}  # 山西, never 河北
    assert seen(personas.reporter) == set()
    assert seen(personas.auditor) == set()
    assert seen(personas.sysadmin) == set()
    assert seen(personas.secadmin) == set()
    # 河北's lead is seen by its own zone's staff.
    zone_c_admin = user_create(
        username="zone_c_admin", password=PASSWORD, role=Role.ZONE_ADMIN, scope_zone=world.zone_c
    )
    assert seen(zone_c_admin) == {in_c}


def test_contacts_are_shown_only_to_the_leads_own_zone_or_park(
    world: World, personas: Personas, lead: Lead
) -> None:
    assert may_see_contacts(personas.zone_admin, lead)
    assert may_see_contacts(personas.park_user, lead)  # the lead is in 一园
    assert not may_see_contacts(personas.sysadmin, lead)  # no business data
    assert may_see_contacts(personas.statistician, lead)  # the zone's own staff
    assert not may_see_contacts(personas.province_viewer, lead)  # beyond the zone
    assert not may_see_contacts(personas.outsider, lead)
    assert not may_see_contacts(personas.reporter, lead)
    in_a2 = make_lead(None, world.zone_a, "二园线索", park=world.park_a2)
    assert not may_see_contacts(personas.park_user, in_a2)


def test_another_zone_cannot_change_a_lead(personas: Personas, lead: Lead) -> None:
    with pytest.raises(PermissionDenied):
        lead_update(by=personas.outsider, lead=lead, data={"note": "改"})
    with pytest.raises(PermissionDenied):
        lead_drop(by=personas.outsider, lead=lead, on=date(2025, 2, 1), reason=DropReason.POLICY)
    updated = lead_update(by=personas.zone_admin, lead=lead, data={"note": "已约见"})
    assert updated.note == "已约见"


# --- follow-ups --------------------------------------------------------------------------------


def test_a_follow_up_is_dated_between_the_leads_arrival_and_today(
    personas: Personas, lead: Lead
) -> None:
    follow_up = follow_up_add(
        by=personas.zone_admin,
        data={
            "lead": lead,
            "on": date(2025, 1, 20),
            "method": "visit",
            "content": "赴企业总部走访，了解投资意向",
            "next_step": "邀请来区考察",
            "next_on": date(2025, 2, 10),
        },
    )
    assert follow_up.by == personas.zone_admin
    for on in (date(2025, 1, 5), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            follow_up_add(
                by=personas.zone_admin,
                data={"lead": lead, "on": on, "method": "call", "content": "电话"},
            )
        assert "on" in error.value.message_dict
    with pytest.raises(ValidationError):  # the next follow-up before this one
        follow_up_add(
            by=personas.zone_admin,
            data={
                "lead": lead,
                "on": date(2025, 2, 1),
                "method": "call",
                "content": "电话",
                "next_on": date(2025, 1, 31),
            },
        )
    with pytest.raises(PermissionDenied):
        follow_up_add(
            by=personas.outsider,
            data={"lead": lead, "on": date(2025, 2, 1), "method": "call", "content": "电话"},
        )


def test_follow_ups_are_recorded_on_open_leads_only(personas: Personas, lead: Lead) -> None:
    lead_drop(by=personas.zone_admin, lead=lead, on=date(2025, 2, 1), reason=DropReason.NO_CONTACT)
    with pytest.raises(ValidationError):
        follow_up_add(
            by=personas.zone_admin,
            data={"lead": lead, "on": date(2025, 2, 2), "method": "call", "content": "电话"},
        )


# --- dropping and reopening --------------------------------------------------------------------


def test_a_dropped_lead_needs_a_reason_and_other_needs_a_note(
    personas: Personas, lead: Lead
) -> None:
    with pytest.raises(ValidationError) as error:
        lead_drop(by=personas.zone_admin, lead=lead, on=date(2025, 2, 1), reason="")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        lead_drop(by=personas.zone_admin, lead=lead, on=date(2025, 2, 1), reason=DropReason.OTHER)
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        lead_drop(by=personas.zone_admin, lead=lead, on=date(2025, 1, 1), reason=DropReason.POLICY)
    assert "on" in error.value.message_dict  # before the lead came in
    lead.refresh_from_db()
    assert lead.status == LeadStatus.OPEN
    dropped = lead_drop(
        by=personas.zone_admin,
        lead=lead,
        on=date(2025, 2, 1),
        reason=DropReason.WENT_ELSEWHERE,
        note="落户邻市",
    )
    assert (dropped.status, dropped.dropped_on, dropped.drop_reason) == (
        LeadStatus.DROPPED,
        date(2025, 2, 1),
        DropReason.WENT_ELSEWHERE,
    )


def test_the_database_refuses_a_dropped_lead_without_its_reason(lead: Lead) -> None:
    lead.status = LeadStatus.DROPPED
    with pytest.raises(ValidationError):
        lead.full_clean()


def test_a_dropped_lead_is_reopened_and_an_open_one_is_not(personas: Personas, lead: Lead) -> None:
    with pytest.raises(ValidationError):
        lead_reopen(by=personas.zone_admin, lead=lead)
    lead_drop(by=personas.zone_admin, lead=lead, on=date(2025, 2, 1), reason=DropReason.POLICY)
    reopened = lead_reopen(by=personas.zone_admin, lead=lead)
    assert (reopened.status, reopened.dropped_on, reopened.drop_reason) == (
        LeadStatus.OPEN,
        None,
        "",
    )


# --- conversion --------------------------------------------------------------------------------


def test_conversion_carries_the_lead_over_and_starts_the_history_on_its_arrival(
    world: World, personas: Personas, lead: Lead, officer: User
) -> None:
    # A blank in the data (an empty form field) leaves what the lead carries over.
    project = lead_convert(
        lead=lead, by=personas.zone_admin, on=date(2025, 2, 3), data={"investor": ""}
    )
    assert (
        project.name,
        project.zone,
        project.park,
        project.investor,
        project.industry_id,
        project.total_investment,
        project.officer,
        project.stage,
        project.stage_since,
    ) == (
        "年产5万吨负极材料项目",
        world.zone_a,
        world.park_a1,
        "某新能源科技有限公司",
        "3011",
        Decimal("30000"),
        officer,
        Stage.NEGOTIATING,
        date(2025, 2, 3),
    )
    history = [(c.from_stage, c.to_stage, c.on) for c in project.stage_changes.all()]
    assert history == [
        ("", Stage.LEAD, date(2025, 1, 6)),  # the day the lead came in
        (Stage.LEAD, Stage.NEGOTIATING, date(2025, 2, 3)),
    ]
    lead.refresh_from_db()
    assert (lead.status, lead.project, lead.converted_on) == (
        LeadStatus.CONVERTED,
        project,
        date(2025, 2, 3),
    )


def test_the_lead_to_signing_cycle_counts_from_the_leads_arrival(
    world: World, personas: Personas, lead: Lead
) -> None:
    project = lead_convert(lead=lead, by=personas.zone_admin, on=date(2025, 2, 3), data={})
    project_advance(
        project=project,
        to_stage=Stage.SIGNED,
        on=date(2025, 3, 7),
        by=personas.zone_admin,
        data={"signed_investment": Decimal("30000")},
    )
    cycle = next(
        c
        for c in project_cycles(user=personas.zone_admin, today=date(2025, 12, 31))
        if c.project.pk == project.pk
    )
    # 2025-01-06 → 2025-03-07: 25 days left of January + 28 of February + 7 of March = 60.
    assert cycle.spans["lead_to_signed"].days == 60
    assert not cycle.spans["lead_to_signed"].open


def test_a_lead_is_converted_once_and_a_dropped_one_must_be_reopened_first(
    world: World, personas: Personas, lead: Lead
) -> None:
    lead_convert(lead=lead, by=personas.zone_admin, on=date(2025, 2, 3), data={})
    with pytest.raises(ValidationError):
        lead_convert(
            lead=lead, by=personas.zone_admin, on=date(2025, 2, 4), data={"name": "另一个名字"}
        )
    assert Project.objects.filter(lead__isnull=False).count() == 1
    other = make_lead(personas.zone_admin, world.zone_a, "被放弃的线索")
    lead_drop(by=personas.zone_admin, lead=other, on=date(2025, 2, 1), reason=DropReason.POLICY)
    with pytest.raises(ValidationError):
        lead_convert(lead=other, by=personas.zone_admin, on=date(2025, 2, 3), data={})
    lead_reopen(by=personas.zone_admin, lead=other)
    project = lead_convert(lead=other, by=personas.zone_admin, on=date(2025, 2, 3), data={})
    assert project.name == "被放弃的线索"


def test_a_conversion_into_signing_needs_the_signed_investment_and_writes_nothing_without(
    personas: Personas, lead: Lead
) -> None:
    projects_before = Project.objects.count()
    with pytest.raises(ValidationError) as error:
        lead_convert(
            lead=lead, by=personas.zone_admin, on=date(2025, 2, 3), data={}, stage=Stage.SIGNED
        )
    assert "signed_investment" in error.value.message_dict
    assert Project.objects.count() == projects_before
    lead.refresh_from_db()
    assert lead.status == LeadStatus.OPEN
    project = lead_convert(
        lead=lead,
        by=personas.zone_admin,
        on=date(2025, 2, 3),
        data={"signed_investment": Decimal("28000"), "name": "负极材料项目"},
        stage=Stage.SIGNED,
    )
    assert (project.name, project.stage, project.signed_investment) == (
        "负极材料项目",
        Stage.SIGNED,
        Decimal("28000"),
    )


def test_a_conversion_is_dated_from_the_leads_arrival_up_to_today(
    personas: Personas, lead: Lead
) -> None:
    for on in (date(2025, 1, 5), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            lead_convert(lead=lead, by=personas.zone_admin, on=on, data={})
        # The lead's own rule, before any project is written (its wording, not the stage's).
        assert refused.value.message_dict["on"][0] in (
            f"日期不得早于线索接收日期{lead.received_on.isoformat()}。",
            "日期不能晚于今天。",
        )
    for stage in (Stage.LEAD, Stage.TERMINATED):
        # 线索 is where the project starts, not where it goes; off the line is not a conversion.
        with pytest.raises(ValidationError) as refused:
            lead_convert(
                lead=lead, by=personas.zone_admin, on=date(2025, 2, 3), data={}, stage=stage
            )
        assert "stage" in refused.value.message_dict


def test_a_lead_without_an_amount_needs_the_projects_total_investment(
    world: World, personas: Personas
) -> None:
    lead = make_lead(personas.zone_admin, world.zone_a, "金额未定的线索", expected_investment=None)
    with pytest.raises(ValidationError) as error:
        lead_convert(lead=lead, by=personas.zone_admin, on=date(2025, 2, 3), data={})
    assert "total_investment" in error.value.message_dict
    project = lead_convert(
        lead=lead,
        by=personas.zone_admin,
        on=date(2025, 2, 3),
        data={"total_investment": Decimal("5000")},
    )
    assert project.total_investment == Decimal("5000")


def test_only_the_leads_own_staff_convert_it(world: World, personas: Personas, lead: Lead) -> None:
    in_a2 = make_lead(None, world.zone_a, "二园线索", park=world.park_a2)
    for user, target in (
        (personas.outsider, lead),
        (personas.park_user, in_a2),
        (personas.province_viewer, lead),
        (personas.statistician, lead),
    ):
        with pytest.raises(PermissionDenied):
            lead_convert(lead=target, by=user, on=date(2025, 2, 3), data={})
    project = lead_convert(lead=lead, by=personas.park_user, on=date(2025, 2, 3), data={})
    assert project.park == world.park_a1


def test_the_projects_follow_ups_are_those_of_its_lead_and_only_for_who_may_see_it(
    world: World, personas: Personas, lead: Lead
) -> None:
    for day, content in ((date(2025, 1, 20), "走访"), (date(2025, 1, 10), "电话初询")):
        follow_up_add(
            by=personas.zone_admin,
            data={"lead": lead, "on": day, "method": "call", "content": content},
        )
    project = lead_convert(
        lead=lead, by=personas.zone_admin, on=date(2025, 2, 3), data={"enterprise": world.ent_a1}
    )
    assert [f.content for f in lead_follow_ups_for_project(project)] == ["电话初询", "走访"]
    assert lead_follow_ups_for_project(project, user=personas.zone_admin).count() == 2
    # The enterprise's reporter sees its project but not how the zone courted it.
    assert Project.objects.for_user(personas.reporter).filter(pk=project.pk).exists()
    assert not lead_follow_ups_for_project(project, user=personas.reporter).exists()
    assert not lead_follow_ups_for_project(project, user=personas.outsider).exists()
    assert not lead_follow_ups_for_project(world.project_a2).exists()  # not from a lead


# --- going cold --------------------------------------------------------------------------------


def test_a_lead_goes_cold_after_the_zones_days_without_follow_up(
    world: World, personas: Personas
) -> None:
    today = timezone.localdate()
    ProjectSettings.objects.create(zone=world.zone_a, lead_cold_days=10)

    def aged(zone: Zone, title: str, received: int, followed: int | None = None) -> Lead:
        lead = make_lead(None, zone, title, received_on=today - timedelta(days=received))
        if followed is not None:
            follow_up_add(
                by=None,
                data={
                    "lead": lead,
                    "on": today - timedelta(days=followed),
                    "method": "call",
                    "content": "电话",
                },
            )
        return lead

    # Zone 甲 allows 10 days: 11 days since the last follow-up is cold, 10 is not; without a
    # follow-up the days count from the lead's arrival (12 days: cold).
    cold_a = aged(world.zone_a, "甲·11天未跟进", 40, followed=11)
    aged(world.zone_a, "甲·10天未跟进", 40, followed=10)
    cold_new = aged(world.zone_a, "甲·12天无跟进", 12)
    # Zone 乙 keeps the default 30 days: 31 is cold, 30 is not.
    cold_b = aged(world.zone_b, "乙·31天", 31)
    aged(world.zone_b, "乙·30天", 30)
    # A dropped lead does not go cold however quiet.
    dropped = aged(world.zone_a, "甲·已放弃", 90)
    lead_drop(by=None, lead=dropped, on=today - timedelta(days=80), reason=DropReason.POLICY)

    listed = {lead.title: lead for lead in lead_list(user=personas.province_viewer)}
    assert {title for title, lead in listed.items() if lead.going_cold} == {
        "甲·11天未跟进",
        "甲·12天无跟进",
        "乙·31天",
    }
    assert listed["甲·11天未跟进"].quiet_days() == 11
    cold = going_cold(lead_list(user=personas.province_viewer), today=today)
    assert set(cold) == {cold_a, cold_new, cold_b}
    assert set(going_cold(lead_list(user=personas.zone_admin), today=today)) == {cold_a, cold_new}
