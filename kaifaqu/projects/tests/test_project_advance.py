"""project_advance: the one way a project's stage changes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kaifaqu.conftest import Personas, World
from kaifaqu.projects.models import Stage, StageChange
from kaifaqu.projects.services import allowed_next_stages, project_advance, project_create

pytestmark = pytest.mark.django_db


def test_it_records_each_change_with_its_date_and_author(world: World, personas: Personas) -> None:
    project = world.project_a1
    project_advance(
        project=project, to_stage=Stage.STARTED, on=date(2025, 2, 18), by=personas.zone_admin
    )
    project.refresh_from_db()
    assert (project.stage, project.stage_since) == (Stage.STARTED, date(2025, 2, 18))
    history = list(
        project.stage_changes.values_list("from_stage", "to_stage", "on", "by__username")
    )
    assert history == [
        ("", Stage.SIGNED, date(2025, 1, 10), None),
        (Stage.SIGNED, Stage.STARTED, date(2025, 2, 18), "zone_admin"),
    ]


def test_it_allows_skipping_forward_but_never_going_back(world: World) -> None:
    project = world.project_a1
    project_advance(project=project, to_stage=Stage.BUILDING, on=date(2025, 3, 1), by=None)
    with pytest.raises(ValidationError) as raised:
        project_advance(project=project, to_stage=Stage.SIGNED, on=date(2025, 3, 2), by=None)
    assert "to_stage" in raised.value.message_dict
    assert StageChange.objects.filter(project=project).count() == 2


def test_it_rejects_moving_to_the_current_stage(world: World) -> None:
    with pytest.raises(ValidationError):
        project_advance(
            project=world.project_a1, to_stage=Stage.SIGNED, on=date(2025, 3, 1), by=None
        )


def test_it_rejects_dates_before_the_current_stage_or_in_the_future(world: World) -> None:
    with pytest.raises(ValidationError) as raised:
        project_advance(
            project=world.project_a1, to_stage=Stage.STARTED, on=date(2025, 1, 9), by=None
        )
    assert "on" in raised.value.message_dict
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError):
        project_advance(project=world.project_a1, to_stage=Stage.STARTED, on=tomorrow, by=None)
    world.project_a1.refresh_from_db()
    assert world.project_a1.stage == Stage.SIGNED


def test_a_stalled_project_resumes_no_earlier_than_where_it_stalled(world: World) -> None:
    project = world.project_a1
    project_advance(project=project, to_stage=Stage.STARTED, on=date(2025, 2, 1), by=None)
    project_advance(
        project=project, to_stage=Stage.STALLED, on=date(2025, 4, 1), by=None, note="资金未到位"
    )
    project.refresh_from_db()
    assert Stage.SIGNED not in allowed_next_stages(project)
    assert allowed_next_stages(project)[0] == Stage.STARTED
    project_advance(project=project, to_stage=Stage.BUILDING, on=date(2025, 6, 1), by=None)
    project.refresh_from_db()
    assert project.stage == Stage.BUILDING


def test_a_terminated_project_moves_no_more(world: World) -> None:
    project = world.project_a1
    project_advance(
        project=project, to_stage=Stage.TERMINATED, on=date(2025, 2, 1), by=None, note="投资方撤回"
    )
    project.refresh_from_db()
    assert allowed_next_stages(project) == []
    with pytest.raises(ValidationError):
        project_advance(project=project, to_stage=Stage.BUILDING, on=date(2025, 3, 1), by=None)


def test_it_refuses_people_outside_the_project_or_without_the_role(
    world: World, personas: Personas
) -> None:
    for person in (
        personas.outsider,
        personas.park_user,
        personas.reporter,
        personas.province_viewer,
    ):
        # The park user does see project_a1 (its own park); try the one in park 二园 instead.
        target = world.project_a2 if person is personas.park_user else world.project_a1
        with pytest.raises(PermissionDenied):
            project_advance(project=target, to_stage=Stage.STARTED, on=date(2025, 2, 1), by=person)
    assert StageChange.objects.filter(to_stage=Stage.STARTED).count() == 0


def test_creating_a_project_starts_its_history(world: World, personas: Personas) -> None:
    project = project_create(
        by=personas.zone_admin,
        data={"name": "新项目", "zone": world.zone_a, "total_investment": Decimal("1200.5")},
        stage=Stage.NEGOTIATING,
        stage_on=date(2025, 5, 6),
    )
    assert project.stage_changes.get().to_stage == Stage.NEGOTIATING
    assert project.total_investment == Decimal("1200.5")


def test_a_park_user_cannot_create_a_project_in_another_park(
    world: World, personas: Personas
) -> None:
    with pytest.raises(PermissionDenied):
        project_create(
            by=personas.park_user,
            data={
                "name": "越界项目",
                "zone": world.zone_a,
                "park": world.park_a2,
                "total_investment": Decimal(1),
            },
        )
    assert not world.zone_a.projects.filter(name="越界项目").exists()


def test_each_stage_needs_its_figures_which_may_come_with_the_move(world: World) -> None:
    project = project_create(
        by=None,
        data={"name": "甲洽谈项目", "zone": world.zone_a, "total_investment": Decimal("6000")},
        stage=Stage.NEGOTIATING,
        stage_on=date(2025, 1, 2),
    )
    with pytest.raises(ValidationError) as raised:
        project_advance(project=project, to_stage=Stage.SIGNED, on=date(2025, 2, 1), by=None)
    assert list(raised.value.message_dict) == ["signed_investment"]
    project_advance(
        project=project,
        to_stage=Stage.SIGNED,
        on=date(2025, 2, 1),
        by=None,
        data={"signed_investment": Decimal("5000"), "name": "not a stage figure"},
    )
    project.refresh_from_db()
    assert (project.stage, project.signed_investment, project.name) == (
        Stage.SIGNED,
        Decimal("5000"),
        "甲洽谈项目",
    )
    # Started needs 计划总投资: refused without it, nothing written.
    with pytest.raises(ValidationError) as raised:
        project_advance(project=project, to_stage=Stage.STARTED, on=date(2025, 3, 1), by=None)
    assert list(raised.value.message_dict) == ["planned_investment"]
    project.refresh_from_db()
    assert (project.stage, StageChange.objects.filter(project=project).count()) == (Stage.SIGNED, 2)
    project_advance(
        project=project,
        to_stage=Stage.STARTED,
        on=date(2025, 3, 1),
        by=None,
        data={"planned_investment": Decimal("5800")},
    )
    project.refresh_from_db()
    assert project.planned_investment == Decimal("5800")


def test_stalling_or_terminating_needs_a_reason(world: World) -> None:
    for stage in (Stage.STALLED, Stage.TERMINATED):
        with pytest.raises(ValidationError) as raised:
            project_advance(
                project=world.project_a2, to_stage=stage, on=date(2025, 2, 1), by=None, note="  "
            )
        assert list(raised.value.message_dict) == ["note"]
    project_advance(
        project=world.project_a2, to_stage=Stage.STALLED, on=date(2025, 2, 1), by=None, note="缺地"
    )


def test_a_stage_date_is_corrected_in_order_with_a_reason_and_audited(
    world: World, personas: Personas
) -> None:
    from auditlog.models import LogEntry

    from kaifaqu.projects.services import stage_change_correct

    project = world.project_a1  # signed 2025-01-10
    project_advance(project=project, to_stage=Stage.STARTED, on=date(2025, 2, 18), by=None)
    signed, started = project.stage_changes.order_by("on")
    for on, field in ((date(2025, 2, 19), "on"), (date(2030, 1, 1), "on")):
        with pytest.raises(ValidationError) as raised:
            stage_change_correct(change=signed, on=on, reason="笔误", by=personas.zone_admin)
        assert field in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        stage_change_correct(change=started, on=date(2025, 2, 20), reason=" ", by=None)
    assert "reason" in raised.value.message_dict
    with pytest.raises(PermissionDenied):
        stage_change_correct(change=started, on=date(2025, 2, 20), reason="x", by=personas.outsider)
    stage_change_correct(
        change=started, on=date(2025, 2, 20), reason="开工仪式推迟两天", by=personas.zone_admin
    )
    project.refresh_from_db()
    started.refresh_from_db()
    # The latest change moved: the project is in its stage since the corrected date.
    assert (started.on, started.corrected_reason, project.stage_since) == (
        date(2025, 2, 20),
        "开工仪式推迟两天",
        date(2025, 2, 20),
    )
    entry = LogEntry.objects.get_for_object(started).order_by("-timestamp").first()
    assert entry is not None and entry.actor == personas.zone_admin
    assert entry.changes_dict["on"] == ["2025-02-18", "2025-02-20"]
    assert entry.changes_dict["corrected_reason"][1] == "开工仪式推迟两天"
