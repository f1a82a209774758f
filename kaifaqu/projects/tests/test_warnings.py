"""Project warnings (项目预警): no progress within the zone's norm, overdue issues, started
projects without their monthly investment report; scoped; page, cockpit card and API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import Role
from kaifaqu.projects.models import ProjectSettings, Stage
from kaifaqu.projects.selectors import project_warning_counts, project_warnings
from kaifaqu.projects.services import (
    fai_register,
    fai_report_record,
    issue_raise,
    project_advance,
    service_visit_record,
)

pytestmark = pytest.mark.django_db

# All four projects of the world were signed on 2025-01-10.
TODAY = date(2025, 5, 1)


def stale_names(user: User, today: date = TODAY) -> dict[str, int]:
    warnings = project_warnings(user=user, today=today)
    return {row.project.name: row.days for row in warnings.stale}


def test_a_project_without_progress_for_longer_than_the_norm_is_warned(
    world: World, personas: Personas
) -> None:
    # 2025-01-10 → 2025-05-01: 21 + 28 + 31 + 30 + 1 = 111 days, more than the default 90.
    assert stale_names(personas.zone_admin) == {"甲一扩建项目": 111, "甲二新建项目": 111}
    # On 2025-04-10 it is 90 days: not more than the norm, no warning.
    assert stale_names(personas.zone_admin, date(2025, 4, 10)) == {}
    assert stale_names(personas.zone_admin, date(2025, 4, 11)) == {
        "甲一扩建项目": 91,
        "甲二新建项目": 91,
    }


def test_a_visit_a_stage_change_or_an_investment_report_is_progress(
    world: World, personas: Personas
) -> None:
    service_visit_record(
        by=personas.zone_admin,
        project=world.project_a1,
        data={"visited_on": date(2025, 3, 1), "met_with": "项目经理", "summary": "现场调度"},
    )
    project_advance(
        project=world.project_a2,
        to_stage=Stage.STARTED,
        on=date(2025, 1, 20),
        by=None,
        data={"planned_investment": Decimal("3000")},
    )
    # 甲一: visited 2025-03-01, 61 days before TODAY; 甲二: started 2025-01-20, 101 days.
    assert stale_names(personas.zone_admin) == {"甲二新建项目": 101}
    registration = fai_register(by=None, project=world.project_a2, registered_on=date(2025, 1, 25))
    fai_report_record(
        by=None, registration=registration, month=Month(2025, 3), month_amount=Decimal("200")
    )
    # The March report counts from 2025-03-01: 61 days.
    assert stale_names(personas.zone_admin) == {}
    assert stale_names(personas.zone_admin, date(2025, 6, 1)) == {
        "甲一扩建项目": 92,
        "甲二新建项目": 92,
    }


def test_a_zone_sets_its_own_norm_and_projects_at_capacity_or_ended_are_not_warned(
    world: World, personas: Personas
) -> None:
    ProjectSettings.objects.create(zone=world.zone_a, stale_days=120)
    assert stale_names(personas.zone_admin) == {}  # 111 days is within 120
    project_advance(
        project=world.project_b, to_stage=Stage.TERMINATED, on=date(2025, 1, 11), by=None, note="撤"
    )
    # 乙's only project ended; 丙's own administrator sees its (default norm): 111 days.
    zone_c_admin = user_create(
        username="zone_c_admin", password=PASSWORD, role=Role.ZONE_ADMIN, scope_zone=world.zone_c
    )
    assert stale_names(zone_c_admin) == {"丙物流项目": 111}
    # The provincial office of 山西 sees neither 乙's ended project nor 河北's 丙.
    assert stale_names(personas.province_viewer) == {}
    rows = project_warnings(user=personas.province_viewer, today=date(2025, 5, 20)).stale
    # 甲 at 130 days against its norm of 120.
    assert sorted((row.project.name, row.days, row.norm) for row in rows) == [
        ("甲一扩建项目", 130, 120),
        ("甲二新建项目", 130, 120),
    ]
    rows = project_warnings(user=zone_c_admin, today=date(2025, 5, 20)).stale
    # 丙 at 130 against the default 90.
    assert [(row.project.name, row.days, row.norm) for row in rows] == [("丙物流项目", 130, 90)]
    assert project_warnings(user=personas.sysadmin, today=date(2025, 5, 20)).stale == []


def test_overdue_issues_and_missing_reports_are_warned(world: World, personas: Personas) -> None:
    issue_raise(
        by=personas.zone_admin,
        project=world.project_a1,
        data={
            "problem": "施工用电未接入",
            "department": "供电公司",
            "raised_on": date(2025, 3, 1),
            "due_on": date(2025, 4, 20),
        },
    )
    project_advance(
        project=world.project_a1,
        to_stage=Stage.STARTED,
        on=date(2025, 2, 1),
        by=None,
        data={"planned_investment": Decimal("45000")},
    )
    warnings = project_warnings(user=personas.zone_admin, today=TODAY)
    # Due 2025-04-20, not settled by 2025-05-01: 11 days overdue.
    assert [(row.issue.problem, row.days) for row in warnings.overdue] == [("施工用电未接入", 11)]
    # On 2025-05-01 the April report is due; 甲一 started in February (45000 万元 ≥ 500 万元,
    # eligible, not registered yet).
    assert warnings.report_month == Month(2025, 4)
    assert [project.name for project in warnings.missing] == ["甲一扩建项目"]
    counts = project_warning_counts(user=personas.zone_admin, today=TODAY)
    # 甲二 only is without progress (甲一 moved on 2025-02-01: 89 days).
    assert (counts.stale, counts.overdue, counts.missing) == (1, 1, 1)


def test_each_persona_is_warned_of_what_it_sees_only(world: World, personas: Personas) -> None:
    assert set(stale_names(personas.outsider)) == {"乙储能项目"}
    assert set(stale_names(personas.park_user)) == {"甲一扩建项目"}
    assert set(stale_names(personas.province_viewer)) == {
        "甲一扩建项目",
        "甲二新建项目",
        "乙储能项目",
    }
    assert set(stale_names(personas.reporter)) == {"甲一扩建项目"}
    assert stale_names(personas.auditor) == {}


def test_the_page_the_cockpit_card_and_the_api(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    page = client.get(reverse("projects:warnings"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "项目预警" in body and "甲一扩建项目" in body and "乙储能项目" not in body
    assert page.context["zone"] == world.zone_a
    home = client.get(reverse("dashboard:zone-home", args=[world.zone_a.pk]))
    assert 'id="project-warnings"' in home.content.decode()
    data = client.get("/api/project-warnings/").json()
    assert data["stale_count"] == len(data["stale"]) == 2
    assert {row["name"] for row in data["stale"]} == {"甲一扩建项目", "甲二新建项目"}
    # Another zone is not a choice.
    assert client.get(reverse("projects:warnings"), {"zone": world.zone_b.pk}).status_code == 404
    assert client.get("/api/project-warnings/", {"zone": world.zone_b.pk}).status_code == 400
    client.force_login(personas.auditor)
    assert client.get(reverse("projects:warnings")).status_code == 403


def test_an_enterprises_reporter_is_not_shown_the_zones_project_warnings(
    client: Client, world: World, personas: Personas
) -> None:
    # The zone's follow-up of its projects is its offices' work, as on the cockpit.
    client.force_login(personas.reporter)
    assert client.get(reverse("projects:warnings")).status_code == 403
    assert client.get(reverse("projects:warnings-export")).status_code == 403


def test_a_stalled_project_is_warned_and_one_at_capacity_is_not(
    world: World, personas: Personas
) -> None:
    project_advance(
        project=world.project_a1,
        to_stage=Stage.STALLED,
        on=date(2025, 1, 20),
        by=None,
        note="缺资金",
    )
    project_advance(
        project=world.project_a2,
        to_stage=Stage.AT_CAPACITY,
        on=date(2025, 1, 20),
        by=None,
        data={"total_investment": Decimal("3000")},
    )
    # Both moved on 2025-01-20, 101 days before TODAY: only the stalled one is expected to move.
    assert stale_names(personas.zone_admin) == {"甲一扩建项目": 101}
