"""Registering, editing and moving projects through the pages."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.projects.models import Project, Stage, StageChange

CREATE = reverse("projects:project-create")


def advance_url(project: Project) -> str:
    return reverse("projects:project-advance", args=[project.pk])


def project_data(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "绿净新材料固废综合利用项目",
        "zone": world.zone_a.pk,
        "park": world.park_a1.pk,
        "site": "",
        "investor": "朔州市绿净新材料科技有限公司",
        "enterprise": "",
        "industry": "",
        "industry_query": "",
        "total_investment": "8000",
        "signed_investment": "8000",
        "land_mu": "120",
        "capacity": "",
        "expected_annual_output": "",
        "expected_annual_tax": "",
        "expected_jobs": "",
        "description": "",
        "stage": "signed",
        "stage_on": "2025-02-10",
        "note": "签约一批",
    }
    return {**data, **changes}


def form_errors(response: Any, form: str = "form") -> dict[str, list[str]]:
    return dict(response.context[form].errors)


@pytest.mark.django_db
def test_a_project_is_registered_in_its_stage_with_the_first_stage_change(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    response = client.post(
        CREATE, project_data(world, enterprise=world.ent_a1.uscc.lower(), industry_query="3011")
    )
    project = Project.objects.get(name="绿净新材料固废综合利用项目")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert (project.stage, project.stage_since) == (Stage.SIGNED, date(2025, 2, 10))
    assert (project.enterprise, project.industry_id) == (world.ent_a1, "3011")
    change = project.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.note, change.by) == (
        "",
        Stage.SIGNED,
        "签约一批",
        personas.zone_admin,
    )


@pytest.mark.django_db
def test_a_signed_project_needs_its_signed_investment(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    response = client.post(CREATE, project_data(world, signed_investment=""))
    assert form_errors(response)["signed_investment"] == [
        "A project entering Signed (签约) needs its signed investment (万元)."
    ]
    assert not Project.objects.filter(name="绿净新材料固废综合利用项目").exists()


@pytest.mark.django_db
def test_a_future_stage_date_is_reported_on_the_date_field(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(CREATE, project_data(world, stage_on=tomorrow))
    assert form_errors(response)["stage_on"] == ["A stage change cannot be dated in the future."]
    assert not Project.objects.filter(name="绿净新材料固废综合利用项目").exists()


@pytest.mark.django_db
def test_an_enterprise_outside_the_scope_cannot_be_named_as_implementer(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    response = client.post(CREATE, project_data(world, enterprise=world.ent_b.uscc))
    assert form_errors(response)["enterprise"] == [
        f"No enterprise you can see has the unified social credit code {world.ent_b.uscc}."
    ]


@pytest.mark.django_db
def test_the_edit_form_changes_fields_but_not_the_stage(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    edit = reverse("projects:project-edit", args=[world.project_a1.pk])
    form = client.get(edit).context["form"]
    assert "stage" not in form.fields and "stage_on" not in form.fields
    assert form.initial["enterprise"] == world.ent_a1.uscc
    data = project_data(
        world,
        name="甲一扩建项目",
        enterprise=world.ent_a1.uscc,
        total_investment="46000",
        stage="at_capacity",
    )
    assert client.post(edit, data).status_code == 302
    project = Project.objects.get(pk=world.project_a1.pk)
    assert (project.total_investment, project.stage) == (46000, Stage.SIGNED)


@pytest.mark.django_db
def test_readers_cannot_register_edit_or_move_projects(
    client: Client, world: World, personas: Personas
) -> None:
    edit = reverse("projects:project-edit", args=[world.project_a1.pk])
    move = {"to_stage": "approved", "on": "2025-02-01", "note": ""}
    for persona in (personas.reporter, personas.province_viewer, personas.statistician):
        client.force_login(persona)
        assert client.get(CREATE).status_code == 403
        assert client.get(edit).status_code == 403
        assert client.post(advance_url(world.project_a1), move).status_code == 403
        page = client.get(world.project_a1.get_absolute_url()).content.decode()
        assert CREATE not in page and edit not in page
        assert advance_url(world.project_a1) not in page
    assert Project.objects.get(pk=world.project_a1.pk).stage == Stage.SIGNED


@pytest.mark.django_db
def test_advancing_through_the_page_records_a_stage_change(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    page = client.get(world.project_a1.get_absolute_url())
    offered = [
        value for value, _label in page.context["advance_form"].fields["to_stage"].widget.choices
    ]
    assert offered == [
        "approved",
        "started",
        "building",
        "commissioned",
        "at_capacity",
        "stalled",
        "terminated",
    ]
    response = client.post(
        advance_url(world.project_a1),
        {"to_stage": "started", "on": "2025-03-15", "note": "开工", "planned_investment": "44000"},
    )
    assert response.status_code == 302
    project = Project.objects.get(pk=world.project_a1.pk)
    assert (project.stage, project.stage_since) == (Stage.STARTED, date(2025, 3, 15))
    # The 计划总投资 given with the move is saved with it.
    assert project.planned_investment == Decimal("44000")
    change = StageChange.objects.filter(project=project).latest("id")
    assert (change.from_stage, change.to_stage, change.note, change.by) == (
        Stage.SIGNED,
        Stage.STARTED,
        "开工",
        personas.zone_admin,
    )


@pytest.mark.django_db
def test_going_backwards_is_rejected_with_a_message(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    response = client.post(
        advance_url(world.project_a1), {"to_stage": "lead", "on": "2025-03-15", "note": ""}
    )
    assert response.status_code == 200
    assert form_errors(response, "advance_form")["to_stage"] == [
        "A project cannot move from Signed (签约) to Lead (线索)."
    ]
    assert "A project cannot move from Signed (签约) to Lead (线索)." in response.content.decode()
    assert Project.objects.get(pk=world.project_a1.pk).stage == Stage.SIGNED
    assert StageChange.objects.filter(project=world.project_a1).count() == 1


@pytest.mark.django_db
def test_a_date_before_the_current_stage_is_rejected(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    response = client.post(
        advance_url(world.project_a1), {"to_stage": "approved", "on": "2024-12-31", "note": ""}
    )
    assert form_errors(response, "advance_form")["on"] == [
        "The date cannot be before 2025-01-10, when the current stage began."
    ]


@pytest.mark.django_db
def test_moving_a_project_outside_the_scope_is_a_404(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.outsider)
    response = client.post(
        advance_url(world.project_a1), {"to_stage": "approved", "on": "2025-02-01"}
    )
    assert response.status_code == 404
    assert client.get(advance_url(world.project_b)).status_code == 405


@pytest.mark.django_db
def test_a_stage_date_is_corrected_on_the_page_and_shown_with_its_reason(
    client: Client, world: World, personas: Personas
) -> None:
    signed = world.project_a1.stage_changes.get()
    url = reverse("projects:stage-change-correct", args=[world.project_a1.pk])
    client.force_login(personas.zone_admin)
    refused = client.post(url, {"change": signed.pk, "on": "2025-01-08", "reason": ""})
    assert refused.status_code == 200 and "reason" in form_errors(refused, "correct_form")
    response = client.post(url, {"change": signed.pk, "on": "2025-01-08", "reason": "合同落款日"})
    assert response.status_code == 302
    page = client.get(world.project_a1.get_absolute_url()).content.decode()
    assert "合同落款日" in page and "2025-01-08" in page
    # A park service centre of another park may not.
    client.force_login(personas.park_user)
    other = reverse("projects:stage-change-correct", args=[world.project_a2.pk])
    change = world.project_a2.stage_changes.get()
    assert (
        client.post(other, {"change": change.pk, "on": "2025-01-08", "reason": "x"}).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_officer_is_one_of_the_zones_staff_and_filters_the_list(
    client: Client, world: World, personas: Personas
) -> None:
    from kaifaqu.accounts.services import user_create
    from kaifaqu.core.permissions import Role
    from kaifaqu.projects.services import project_update

    officer = user_create(
        username="zhaoshang_a",
        password="x-9f3k-Lq",
        role=Role.INVESTMENT_OFFICER,
        scope_zone=world.zone_a,
    )
    project_update(by=personas.zone_admin, project=world.project_a1, data={"officer": officer})
    # Another zone's administrator, a statistician (who may not change projects) and a park
    # service centre of another park cannot be put in charge.
    for outsider in (personas.outsider, personas.statistician):
        with pytest.raises(ValidationError) as raised:
            project_update(by=None, project=world.project_a1, data={"officer": outsider})
        assert "officer" in raised.value.message_dict
    with pytest.raises(ValidationError):
        project_update(by=None, project=world.project_a2, data={"officer": personas.park_user})
    client.force_login(personas.zone_admin)
    page = client.get(reverse("projects:project-list"), {"officer": officer.pk})
    assert [row[0] for row in table_rows(page)] == ["甲一扩建项目"]
    board = client.get(reverse("projects:board"), {"officer": officer.pk}).content.decode()
    assert "甲一扩建项目" in board and "甲二新建项目" not in board
    # Another zone's administrator is not offered 甲's staff and sees nothing by naming them.
    client.force_login(personas.outsider)
    page = client.get(reverse("projects:project-list"), {"officer": officer.pk})
    assert table_rows(page) == []
