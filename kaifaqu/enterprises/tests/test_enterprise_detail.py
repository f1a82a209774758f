"""The enterprise page: its fields, its industry's full path, its projects; 404 outside the scope."""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.projects.models import Stage
from kaifaqu.projects.services import project_create

DETAIL_QUERIES = 6


def url(enterprise: Enterprise, tab: str = "") -> str:
    return enterprise.get_absolute_url() + (f"{tab}/" if tab else "")


@pytest.mark.django_db
def test_it_shows_the_industry_path_from_section_to_class(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    response = client.get(url(world.ent_a1))
    assert response.status_code == 200
    fields = dict(table_rows(response, 0))
    assert fields["Industry (GB/T 4754-2017)"] == (
        "C 制造业 › 30 非金属矿物制品业 › 301 水泥、石灰和石膏制造 › 3011 水泥制造"
    )
    assert fields["Unified social credit code"] == world.ent_a1.uscc
    assert fields["Park"] == "一园"


@pytest.mark.django_db
def test_it_lists_the_projects_of_the_enterprise(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    projects = table_rows(client.get(url(world.ent_a1)), 1)
    assert [row[0] for row in projects] == ["甲一扩建项目"]
    assert projects[0][2] == "4.5000"  # 45000 万元 is 4.5000 亿元 (亿元 to 4 places)


@pytest.mark.django_db
def test_the_outsider_and_the_other_park_get_404_not_403(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.outsider)
    for tab in ("", "history", "edit"):
        assert client.get(url(world.ent_a1, tab)).status_code == 404
    client.force_login(personas.park_user)
    assert client.get(url(world.ent_a2)).status_code == 404
    assert client.get(url(world.ent_a1)).status_code == 200


@pytest.mark.django_db
def test_the_edit_button_shows_only_to_writers(
    client: Client, world: World, personas: Personas
) -> None:
    edit = url(world.ent_a1, "edit")
    client.force_login(personas.statistician)
    assert edit in client.get(url(world.ent_a1)).content.decode()
    for persona in (personas.reporter, personas.province_viewer):
        client.force_login(persona)
        response = client.get(url(world.ent_a1))
        assert response.status_code == 200
        assert edit not in response.content.decode()


@pytest.mark.django_db
def test_the_page_runs_a_fixed_number_of_queries(
    client: Client,
    world: World,
    personas: Personas,
    django_assert_max_num_queries: Any,
    add_enterprises: Callable[[int], list[Enterprise]],
) -> None:
    client.force_login(personas.zone_admin)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(url(world.ent_a1))
    for i in range(30):
        project_create(
            by=None,
            data={
                "name": f"甲一配套项目{i:02d}",
                "zone": world.zone_a,
                "park": world.park_a1,
                "enterprise": world.ent_a1,
                "total_investment": 100,
            },
            stage=Stage.LEAD,
        )
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(url(world.ent_a1))
    assert len(table_rows(response, 1)) == 20
