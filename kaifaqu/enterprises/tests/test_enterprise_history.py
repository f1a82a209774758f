"""The History tab: who changed what, from where, under which request id, before and after."""

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.enterprises.tests.test_enterprise_form import form_data

# The page, plus one query per foreign key of the model (industry, zone, park) to name the
# records they pointed to, however many entries there are.
HISTORY_QUERIES = 9


@pytest.mark.django_db
def test_an_edit_through_the_page_is_shown_with_actor_address_request_and_values(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    edit = reverse("enterprises:enterprise-edit", args=[world.ent_a1.pk])
    response = client.post(
        edit,
        form_data(
            world, uscc=world.ent_a1.uscc, name="甲一水泥集团有限公司", park=world.park_a2.pk
        ),
        REMOTE_ADDR="10.20.30.40",
        HTTP_X_REQUEST_ID="req-0123456789abcdef",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(world.ent_a1).latest("timestamp")
    assert (entry.actor, entry.remote_addr, entry.cid) == (
        personas.zone_admin,
        "10.20.30.40",
        "req-0123456789abcdef",
    )

    page = client.get(reverse("enterprises:enterprise-history", args=[world.ent_a1.pk]))
    newest = table_rows(page)[0]
    assert newest[1:4] == ["zone_admin", "10.20.30.40", "req-0123456789abcdef"]
    changes = newest[4]
    assert "Name 甲一水泥有限公司 → 甲一水泥集团有限公司" in changes
    # A foreign key reads as the record it pointed to, not as its id.
    assert "Park 一园 → 二园" in changes
    assert "Land (亩) — → 86.50" in changes
    # The creation by the fixture is the oldest entry, made by no person.
    assert table_rows(page)[-1][1] == "System"


@pytest.mark.django_db
def test_the_history_tab_is_not_shown_outside_the_scope(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.outsider)
    history = reverse("enterprises:enterprise-history", args=[world.ent_a1.pk])
    assert client.get(history).status_code == 404


@pytest.mark.django_db
def test_the_history_tab_runs_a_fixed_number_of_queries(
    client: Client, world: World, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas.zone_admin)
    edit = reverse("enterprises:enterprise-edit", args=[world.ent_a1.pk])
    history = reverse("enterprises:enterprise-history", args=[world.ent_a1.pk])
    with django_assert_max_num_queries(HISTORY_QUERIES):
        client.get(history)
    for i, park in enumerate([world.park_a2, world.park_a1] * 5):
        client.post(edit, form_data(world, uscc=world.ent_a1.uscc, name=f"甲一{i}", park=park.pk))
    with django_assert_max_num_queries(HISTORY_QUERIES):
        assert len(table_rows(client.get(history))) == 11
