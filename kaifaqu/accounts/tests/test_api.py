"""API authentication: tokens (issued by `kfq token` or the tokens page) and browser sessions;
nobody else gets in."""

import pytest
from click.testing import CliRunner
from rest_framework.test import APIClient

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.accounts.tokens.models import ApiToken
from kaifaqu.cli import main
from kaifaqu.conftest import Personas, World

pytestmark = pytest.mark.django_db


def kfq_token(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["token", *args])
    return result.exit_code, result.stdout


def test_kfq_token_prints_a_token_that_opens_the_api(world: World, personas: Personas) -> None:
    exit_code, output = kfq_token("outsider")
    assert exit_code == 0, output
    key = output.strip()
    assert key.startswith("kfq_")
    token = ApiToken.objects.get(user=personas.outsider)
    assert (token.purpose, token.revoked_at) == ("cli", None)
    event = AccessEvent.objects.get(kind=AccessEventKind.TOKEN, user=personas.outsider)
    assert token.display in event.detail and "kfq token" in event.detail

    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/enterprises/")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["乙一储能有限公司"]


def test_kfq_token_refuses_unknown_and_inactive_users(world: World, personas: Personas) -> None:
    exit_code, _output = kfq_token("nobody")
    assert exit_code == 1

    personas.reporter.is_active = False
    personas.reporter.save(update_fields=["is_active"])
    exit_code, _output = kfq_token("reporter")
    assert exit_code == 1
    assert not ApiToken.objects.filter(user=personas.reporter).exists()


def test_it_refuses_requests_without_or_with_a_wrong_token(world: World) -> None:
    assert APIClient().get("/api/projects/").status_code == 401
    wrong = APIClient(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert wrong.get("/api/projects/").status_code == 401
    forged = APIClient(HTTP_AUTHORIZATION="Token kfq_00000000_" + "A" * 43)
    assert forged.get("/api/projects/").status_code == 401
    assert APIClient().post("/api/projects/", {"name": "x"}).status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(world: World, personas: Personas) -> None:
    _exit_code, output = kfq_token("zone_admin")
    personas.zone_admin.is_active = False
    personas.zone_admin.save(update_fields=["is_active"])
    client = APIClient(HTTP_AUTHORIZATION=f"Token {output.strip()}")
    response = client.get("/api/enterprises/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "The account is disabled."


def test_a_browser_session_reads_the_api_and_writes_only_with_a_csrf_token(
    world: World, personas: Personas
) -> None:
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.zone_admin)
    listed = client.get("/api/parks/")
    assert listed.status_code == 200
    assert {row["name"] for row in listed.json()["results"]} == {"一园", "二园"}

    response = client.post("/api/parks/", {"zone": world.zone_a.pk, "name": "三园"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not world.zone_a.parks.filter(name="三园").exists()
