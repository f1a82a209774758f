"""The pipeline board: projects by stage with counts and sums, a few cards a column, scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, World
from kaifaqu.projects.models import Project, Stage
from kaifaqu.projects.selectors import project_board, project_list
from kaifaqu.projects.selectors import projects as project_selectors
from kaifaqu.projects.services import project_advance, project_create

pytestmark = pytest.mark.django_db
BOARD = reverse("projects:board")


def columns(user: User) -> dict[str, tuple[int, Decimal, list[str]]]:
    board = project_board(projects=project_list(user=user))
    return {
        c.stage: (c.count, c.total_investment, [p.name for p in c.cards]) for c in board if c.count
    }


@pytest.fixture
def moved(world: World) -> None:
    """甲一 started, 乙 terminated, and a stalled lead in 甲's second park (all others signed)."""
    project_advance(project=world.project_a1, to_stage=Stage.STARTED, on=date(2025, 2, 1), by=None)
    project_advance(
        project=world.project_b,
        to_stage=Stage.TERMINATED,
        on=date(2025, 2, 2),
        by=None,
        note="投资方撤回",
    )
    stalled = project_create(
        by=None,
        data={
            "name": "甲停滞项目",
            "zone": world.zone_a,
            "park": world.park_a2,
            "total_investment": Decimal("1200"),
        },
        stage=Stage.LEAD,
        stage_on=date(2024, 5, 1),
    )
    project_advance(
        project=stalled, to_stage=Stage.STALLED, on=date(2024, 9, 1), by=None, note="用地未落实"
    )


def test_columns_count_and_sum_by_stage_and_leave_terminated_projects_out(
    personas: Personas, moved: None
) -> None:
    # The provincial office of 山西 (丙 of 河北 is not its): signed 甲二 3,000 万元; started 甲一
    # 45,000; stalled 1,200; 乙 terminated.
    assert columns(personas.province_viewer) == {
        Stage.SIGNED: (1, Decimal("3000"), ["甲二新建项目"]),
        Stage.STARTED: (1, Decimal("45000"), ["甲一扩建项目"]),
        Stage.STALLED: (1, Decimal("1200"), ["甲停滞项目"]),
    }
    # The park service centre of 甲's first park: its project only.
    assert columns(personas.park_user) == {Stage.STARTED: (1, Decimal("45000"), ["甲一扩建项目"])}
    # The system administrator: no project at all.
    assert columns(personas.sysadmin) == {}


def test_a_column_shows_a_few_cards_and_links_to_the_rest(
    client: Client, world: World, personas: Personas, moved: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(project_selectors, "BOARD_CARDS", 1)
    project_create(
        by=None,
        data={
            "name": "乙二新建项目",
            "zone": world.zone_b,
            "total_investment": Decimal("500"),
            "signed_investment": Decimal("500"),
        },
        stage=Stage.SIGNED,
        stage_on=date(2025, 1, 10),
    )
    client.force_login(personas.province_viewer)
    html = client.get(BOARD).content.decode()
    # Two signed projects, one card (the most recently moved: equal dates, the first created).
    assert "甲二新建项目" in html and "乙二新建项目" not in html
    assert f"{reverse('projects:project-list')}?stage=signed" in html
    filtered = client.get(BOARD, {"park": world.park_a2.pk}).content.decode()
    assert "甲停滞项目" in filtered and "甲一扩建项目" not in filtered


def test_the_board_takes_the_same_queries_for_many_projects(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.province_viewer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BOARD).status_code == 200
        return len(queries)

    before = count()
    Project.objects.bulk_create(
        Project(
            name=f"批量项目{n}",
            zone=world.zone_a,
            total_investment=Decimal(n + 1),
            stage=Stage.LEAD,
            stage_since=date(2025, 1, 1),
        )
        for n in range(80)
    )
    assert count() == before
    assert "批量项目79" in client.get(BOARD, {"q": "批量项目79"}).content.decode()
    # Another zone's administrator asking for 甲's park sees nothing of it.
    client.force_login(personas.outsider)
    html = client.get(BOARD, {"park": world.park_a1.pk}).content.decode()
    assert "甲一扩建项目" not in html and "批量项目" not in html


def test_a_searched_board_counts_and_sums_as_an_unsearched_one(
    world: World, personas: Personas, moved: None
) -> None:
    # The search's planner hint (grouping on stage || '') changes how, never what, is counted.
    visible = project_list(user=personas.province_viewer).filter(name__contains="项目")
    assert visible.exists()
    plain = project_board(projects=visible)
    searched = project_board(projects=visible, searched=True)
    assert [(c.stage, c.count, c.total_investment) for c in plain] == [
        (c.stage, c.count, c.total_investment) for c in searched
    ]
    assert sum(c.count for c in searched) == visible.exclude(stage=Stage.TERMINATED).count()
