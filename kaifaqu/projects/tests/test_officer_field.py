"""The officer in charge of a project or lead: the API answers the same for an id that does not
exist and for a user outside the zone, so it cannot be used to find which user ids exist."""

from __future__ import annotations

from typing import Any

import pytest

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import Personas, World
from kaifaqu.core.permissions import Role
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.projects.tests.test_api import LIST, new_project
from kaifaqu.projects.tests.test_lead_api import new_lead

pytestmark = pytest.mark.django_db

ANSWER = ["Choose a user of this zone."]


def _missing_id() -> int:
    return (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _officer_b(world: World) -> User:
    return user_create(  # type: ignore[no-any-return]
        username="officer_b",
        password="x-Strong-pass-2026",
        role=Role.INVESTMENT_OFFICER,
        scope_zone=world.zone_b,
    )


def test_a_missing_id_and_another_zones_officer_get_the_same_answer(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin)
    answers: list[Any] = []
    for officer in (_missing_id(), _officer_b(world).pk, personas.statistician_b.pk, "x"):
        response = client.post(LIST, new_project(world, officer=officer), format="json")
        assert response.status_code == 400
        answers.append(response.json()["officer"])
    assert answers == [ANSWER] * 4


def test_an_officer_of_the_zone_is_accepted(world: World, personas: Personas) -> None:
    officer = user_create(
        username="officer_a",
        password="x-Strong-pass-2026",
        role=Role.INVESTMENT_OFFICER,
        scope_zone=world.zone_a,
    )
    response = token_client(personas.zone_admin).post(
        LIST, new_project(world, officer=officer.pk), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["officer"] == officer.pk


def test_the_lead_api_answers_the_same_way(world: World, personas: Personas) -> None:
    client = token_client(personas.zone_admin)
    missing = new_lead(client, world, officer=_missing_id())
    outside = new_lead(client, world, officer=_officer_b(world).pk)
    assert missing.status_code == outside.status_code == 400
    assert missing.json()["officer"] == outside.json()["officer"] == ANSWER


def test_the_answer_is_in_chinese_for_a_chinese_client(world: World, personas: Personas) -> None:
    client = token_client(personas.zone_admin, language="zh-hans")
    response = client.post(LIST, new_project(world, officer=_missing_id()), format="json")
    assert response.json()["officer"] == ["请选择本开发区的用户。"]
