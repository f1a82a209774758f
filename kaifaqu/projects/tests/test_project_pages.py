"""Project list, detail and export: scoped rows, amounts in 亿元 and 万元, filters, query counts."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.conftest import Personas, World
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.tests.registry_pages import column, table_rows, xlsx_rows
from kaifaqu.projects.models import Stage
from kaifaqu.projects.services import project_advance, project_create, project_update

LIST = reverse("projects:project-list")
EXPORT = reverse("projects:project-export")
# The rows and their zones, and each filter with choices (zones, parks, officers) read once.
LIST_QUERIES = 9
# The details, the stage history and the timeline (one or two queries per source: stages,
# task force, visits, issues, documents), the task force summary, the issue counts and the lead
# the project came from (its follow-ups only when there is one), and on the timeline the
# lead's follow-ups and the investment database registration; the zone, fetched apart.
DETAIL_QUERIES = 17


def names(response: Any) -> list[str]:
    return [text.split(" ")[0] for text in column(response, 0)]


def add_projects(world: World, n: int) -> None:
    for i in range(n):
        project_create(
            by=None,
            data={
                "name": f"批量项目{i:02d}",
                "zone": world.zone_a,
                "park": world.park_a2,
                "total_investment": Decimal(1000 + i),
            },
            stage=Stage.LEAD,
            stage_on=date(2024, 12, 1),
        )


@pytest.mark.django_db
def test_the_list_shows_stage_investment_in_yi_and_land(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    project_update(by=None, project=world.project_a1, data={"land_mu": Decimal("320")})
    client.force_login(personas.zone_admin)
    response = client.get(LIST, {"sort": "name"})
    assert table_rows(response) == [
        ["甲一扩建项目", "一园", "Signed (签约)", "4.5000", "320.00", "2025-01-10"],
        ["甲二新建项目", "二园", "Signed (签约)", "0.3000", "—", "2025-01-10"],
    ]
    body = response.content.decode()
    assert "Total investment (亿元)" in body and "Land (亩)" in body
    assert "乙储能项目" not in body and "丙物流项目" not in body


@pytest.mark.django_db
def test_it_filters_by_stage_park_investment_and_industry(
    client: Client, world: World, personas: Personas
) -> None:
    project_advance(project=world.project_a2, to_stage=Stage.STARTED, on=date(2025, 3, 1), by=None)
    project_update(
        by=None, project=world.project_a2, data={"industry": IndustryClass.objects.get(code="3825")}
    )
    client.force_login(personas.zone_admin)
    assert names(client.get(LIST, {"stage": "started"})) == ["甲二新建项目"]
    both = client.get(LIST, {"stage": ["started", "signed"], "sort": "name"})
    assert names(both) == ["甲一扩建项目", "甲二新建项目"]
    assert names(client.get(LIST, {"park": world.park_a1.pk})) == ["甲一扩建项目"]
    # 45000 万元 passes a 5000 万元 floor, 3000 万元 does not.
    assert names(client.get(LIST, {"min_investment": "5000"})) == ["甲一扩建项目"]
    assert names(client.get(LIST, {"min_investment": "3000", "sort": "name"})) == [
        "甲一扩建项目",
        "甲二新建项目",
    ]
    assert names(client.get(LIST, {"industry": "38"})) == ["甲二新建项目"]
    assert names(client.get(LIST, {"q": "扩建"})) == ["甲一扩建项目"]


@pytest.mark.django_db
def test_it_sorts_by_total_investment(client: Client, world: World, personas: Personas) -> None:
    client.force_login(personas.zone_admin)
    assert names(client.get(LIST, {"sort": "total_investment"})) == ["甲二新建项目", "甲一扩建项目"]
    assert names(client.get(LIST, {"sort": "-total_investment"})) == [
        "甲一扩建项目",
        "甲二新建项目",
    ]


@pytest.mark.django_db
def test_scoping_of_the_list_and_the_detail(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.outsider)
    assert names(client.get(LIST)) == ["乙储能项目"]
    assert client.get(world.project_a1.get_absolute_url()).status_code == 404
    client.force_login(personas.park_user)
    assert names(client.get(LIST)) == ["甲一扩建项目"]
    assert client.get(world.project_a2.get_absolute_url()).status_code == 404
    client.force_login(personas.province_viewer)
    assert sorted(names(client.get(LIST))) == sorted(["甲一扩建项目", "甲二新建项目", "乙储能项目"])


@pytest.mark.django_db
def test_the_list_and_the_detail_run_a_fixed_number_of_queries(
    client: Client, world: World, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas.zone_admin)
    detail = world.project_a2.get_absolute_url()
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(LIST)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(detail)
    add_projects(world, 30)
    later = [Stage.APPROVED, Stage.STARTED, Stage.BUILDING, Stage.COMMISSIONED, Stage.AT_CAPACITY]
    for day, stage in enumerate(later, start=1):
        project_advance(
            project=world.project_a2, to_stage=stage, on=date(2025, 2, day), by=personas.zone_admin
        )
    with django_assert_max_num_queries(LIST_QUERIES):
        assert len(table_rows(client.get(LIST))) == 32
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(detail)
    assert len(table_rows(response, 1)) == 6


@pytest.mark.django_db
def test_the_detail_shows_amounts_in_wan_and_yi_and_the_stage_history(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    project_update(
        by=None,
        project=world.project_a1,
        data={
            "signed_investment": Decimal("63000"),
            "expected_annual_output": Decimal("120000"),
            "expected_annual_tax": Decimal("8000.5"),
            "expected_jobs": 300,
            "land_mu": Decimal("150"),
        },
    )
    project_advance(
        project=world.project_a1,
        to_stage=Stage.STARTED,
        on=date(2025, 4, 1),
        by=personas.zone_admin,
        note="开工仪式",
    )
    client.force_login(personas.zone_admin)
    response = client.get(world.project_a1.get_absolute_url())
    fields = dict(table_rows(response, 0))
    assert fields["Total investment"] == "45,000.00 万元 (4.5000 亿元)"
    assert fields["Signed investment"] == "63,000.00 万元 (6.3000 亿元)"
    assert fields["Expected annual output (万元)"] == "120,000.00"
    assert fields["Expected annual tax (万元)"] == "8,000.50"
    assert fields["Expected jobs"] == "300"
    assert fields["Land (亩)"] == "150.00"
    assert fields["Implementing enterprise"] == "甲一水泥有限公司"
    assert table_rows(response, 1) == [
        ["2025-01-10", "Registered as Signed (签约)", "—", "System"],
        ["2025-04-01", "Signed (签约) → Started (开工)", "开工仪式", "zone_admin"],
    ]


@pytest.mark.django_db
def test_the_export_holds_the_filtered_scoped_rows_in_wan_and_is_logged(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    response = client.get(EXPORT, {"min_investment": "5000"})
    header, *rows = xlsx_rows(response.content)
    assert [row[0] for row in rows] == ["甲一扩建项目"]
    assert rows[0][header.index("Total investment (万元)")] == 45000
    assert rows[0][header.index("Stage")] == "Signed (签约)"
    assert AccessEvent.objects.filter(
        kind=AccessEventKind.EXPORT, user=personas.zone_admin
    ).exists()
    client.force_login(personas.outsider)
    _header, *outside = xlsx_rows(client.get(EXPORT).content)
    assert [row[0] for row in outside] == ["乙储能项目"]


@pytest.mark.django_db
def test_the_stage_filter_is_a_list_of_checkboxes_that_names_the_chosen_stages(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    response = client.get(LIST, {"stage": ["started", "signed"]})
    body = response.content.decode()
    assert body.count('type="checkbox" name="stage"') == len(Stage.choices)
    assert response.context["filter_form"].fields["stage"].summary == (
        "Signed (签约), Started (开工)"
    )


@pytest.mark.django_db
def test_the_industry_filter_takes_a_division_a_group_or_a_class_with_its_section_letter(
    client: Client, world: World, personas: Personas
) -> None:
    from kaifaqu.core.models import IndustryClass
    from kaifaqu.projects.services import project_update

    project_update(
        by=None, project=world.project_a2, data={"industry": IndustryClass.objects.get(code="3825")}
    )
    project_update(
        by=None, project=world.project_a1, data={"industry": IndustryClass.objects.get(code="3011")}
    )
    client.force_login(personas.zone_admin)
    assert names(client.get(LIST, {"industry": "38"})) == ["甲二新建项目"]
    assert names(client.get(LIST, {"industry": "382"})) == ["甲二新建项目"]
    assert names(client.get(LIST, {"industry": "C3011"})) == ["甲一扩建项目"]
    assert names(client.get(LIST, {"industry": "3"})) == ["甲一扩建项目", "甲二新建项目"]
    # 39 is the division after 38: its range ends at '3:' (the character after 9).
    assert names(client.get(LIST, {"industry": "39"})) == []
    assert names(client.get(LIST, {"industry": "制造"})) == []
