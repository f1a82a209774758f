"""The enterprise list: scoped rows, search, filters, sorting, pages, htmx and query count."""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.registry_pages import column, table_rows
from kaifaqu.enterprises.models import Enterprise, EnterpriseStatus
from kaifaqu.enterprises.services import enterprise_update

LIST = reverse("enterprises:enterprise-list")
# Session, user, the user's zone, the zone and park choices of the filters, the count, the page.
LIST_QUERIES = 7


def names(response: Any) -> list[str]:
    """The name column without the badge an illustrative record carries after its name."""
    return [text.split(" ")[0] for text in column(response, 1)]


@pytest.mark.django_db
def test_the_zone_admin_sees_the_enterprises_of_zone_a_with_their_columns(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    enterprise_update(
        by=None, enterprise=world.ent_a1, data={"land_mu": 1234.5, "status": "suspended"}
    )
    client.force_login(personas.zone_admin)
    response = client.get(LIST)
    assert response.status_code == 200
    assert table_rows(response) == [
        [world.ent_a1.uscc, "甲一水泥有限公司", "3011 水泥制造", "一园", "Suspended", "1,234.50"],
        [world.ent_a2.uscc, "甲二新材料有限公司", "3011 水泥制造", "二园", "Operating", "—"],
    ]
    body = response.content.decode()
    assert "乙一储能有限公司" not in body and "丙一物流有限公司" not in body
    assert "Land (亩)" in body


@pytest.mark.django_db
def test_the_outsider_does_not_see_zone_a_in_the_list_or_in_a_search(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.outsider)
    assert names(client.get(LIST)) == ["乙一储能有限公司"]
    assert names(client.get(LIST, {"q": "甲一"})) == []
    assert names(client.get(LIST, {"q": world.ent_a1.uscc})) == []


@pytest.mark.django_db
def test_a_filter_on_a_zone_outside_the_scope_shows_nothing(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.outsider)
    response = client.get(LIST, {"zone": world.zone_a.pk})
    assert names(response) == []
    # The outsider's own zone is the only one offered.
    zone_field = response.context["filter_form"].fields["zone"]
    assert list(zone_field.queryset) == [world.zone_b]


@pytest.mark.django_db
def test_the_park_user_sees_only_the_enterprises_of_its_park(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.park_user)
    assert names(client.get(LIST)) == ["甲一水泥有限公司"]
    assert names(client.get(LIST, {"park": world.park_a2.pk})) == []


@pytest.mark.django_db
def test_it_searches_by_name_and_by_credit_code(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    assert names(client.get(LIST, {"q": "新材料"})) == ["甲二新材料有限公司"]
    assert names(client.get(LIST, {"q": world.ent_a1.uscc.lower()})) == ["甲一水泥有限公司"]
    assert names(client.get(LIST, {"q": "储能"})) == []


@pytest.mark.django_db
def test_it_filters_by_park_industry_status_kind_and_illustrative(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    enterprise_update(
        by=None,
        enterprise=world.ent_a2,
        data={"status": EnterpriseStatus.CLOSED, "is_illustrative": True},
    )
    client.force_login(personas.zone_admin)
    assert names(client.get(LIST, {"park": world.park_a2.pk})) == ["甲二新材料有限公司"]
    assert names(client.get(LIST, {"industry": "30"})) == ["甲一水泥有限公司", "甲二新材料有限公司"]
    assert names(client.get(LIST, {"industry": "301"})) == [
        "甲一水泥有限公司",
        "甲二新材料有限公司",
    ]
    assert names(client.get(LIST, {"industry": "3012"})) == []
    assert names(client.get(LIST, {"status": "closed"})) == ["甲二新材料有限公司"]
    assert names(client.get(LIST, {"kind": "platform_company"})) == []
    assert names(client.get(LIST, {"illustrative": "false"})) == ["甲一水泥有限公司"]
    illustrative = client.get(LIST, {"illustrative": "true"})
    # The illustrative record carries its badge next to its name.
    assert column(illustrative, 1) == ["甲二新材料有限公司 Illustrative"]


@pytest.mark.django_db
def test_it_sorts_by_whitelisted_columns_only(
    client: Client, world: World, personas: Personas
) -> None:
    enterprise_update(by=None, enterprise=world.ent_a1, data={"land_mu": 10})
    enterprise_update(by=None, enterprise=world.ent_a2, data={"land_mu": 250})
    client.force_login(personas.zone_admin)
    assert names(client.get(LIST, {"sort": "name"})) == ["甲一水泥有限公司", "甲二新材料有限公司"]
    assert names(client.get(LIST, {"sort": "-name"})) == ["甲二新材料有限公司", "甲一水泥有限公司"]
    assert names(client.get(LIST, {"sort": "-land_mu"})) == [
        "甲二新材料有限公司",
        "甲一水泥有限公司",
    ]
    # A field that is not a column (nor anything else) is ignored, not passed to the database.
    response = client.get(LIST, {"sort": "-zone__region__code"})
    assert response.status_code == 200
    assert names(response) == ["甲一水泥有限公司", "甲二新材料有限公司"]


@pytest.mark.django_db
def test_it_pages_by_fifty_and_the_page_links_keep_the_filters(
    client: Client,
    world: World,
    personas: Personas,
    add_enterprises: Callable[[int], list[Enterprise]],
) -> None:
    add_enterprises(60)
    client.force_login(personas.zone_admin)
    first = client.get(LIST, {"q": "批量", "sort": "name"})
    assert len(table_rows(first)) == 50
    assert names(first)[0] == "批量企业001"
    assert "?q=%E6%89%B9%E9%87%8F&amp;sort=name&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"q": "批量", "sort": "name", "page": "2"})
    assert names(second) == [f"批量企业{i:03d}" for i in range(51, 61)]
    # Past the last page shows the last page rather than an error.
    assert names(client.get(LIST, {"q": "批量", "sort": "name", "page": "99"})) == names(second)


@pytest.mark.django_db
def test_an_htmx_request_from_the_filters_gets_only_the_table(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    partial = client.get(
        LIST, {"q": "甲一"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="registry-results"
    )
    body = partial.content.decode()
    assert "<html" not in body and 'id="registry-filter"' not in body
    assert names(partial) == ["甲一水泥有限公司"]
    # Any other htmx request (a boosted link, a history restore) gets the whole page.
    restore = client.get(
        LIST,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="registry-results",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in restore.content.decode()


@pytest.mark.django_db
def test_the_filter_form_refreshes_the_table_with_htmx(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    body = client.get(LIST).content.decode()
    assert 'hx-get="/enterprises/"' in body
    assert 'hx-target="#registry-results"' in body
    assert 'hx-push-url="true"' in body
    # Unset filters read "All", not Django's dashes.
    assert "---------" not in body


@pytest.mark.django_db
def test_the_list_runs_a_fixed_number_of_queries(
    client: Client,
    world: World,
    personas: Personas,
    add_enterprises: Callable[[int], list[Enterprise]],
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(personas.zone_admin)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert len(table_rows(client.get(LIST))) == 2
    add_enterprises(30)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert len(table_rows(client.get(LIST))) == 32


@pytest.mark.django_db
def test_the_create_button_shows_only_to_those_who_may_create(
    client: Client, world: World, personas: Personas
) -> None:
    create_url = reverse("enterprises:enterprise-create")
    for persona in (personas.zone_admin, personas.park_user, personas.statistician):
        client.force_login(persona)
        assert create_url in client.get(LIST).content.decode(), persona.username
    for persona in (personas.reporter, personas.province_viewer, personas.auditor):
        client.force_login(persona)
        assert create_url not in client.get(LIST).content.decode(), persona.username


@pytest.mark.django_db
def test_an_empty_list_says_so(client: Client, world: World, personas: Personas) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.auditor)
    response = client.get(LIST)
    assert table_rows(response) == []
    assert "No enterprises yet" in response.content.decode()
    client.force_login(personas.zone_admin)
    searched = client.get(LIST, {"q": "不存在"})
    assert "Nothing matches these filters" in searched.content.decode()
