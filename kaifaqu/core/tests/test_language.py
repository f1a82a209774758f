"""Pages speak Chinese unless the user switches; API clients negotiate with Accept-Language."""

import pytest
from django.conf import settings
from django.test import Client

from kaifaqu.conftest import Personas

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_even_when_the_browser_prefers_english(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "企业" in html


def test_the_language_switch_is_remembered(client: Client, personas: Personas) -> None:
    client.force_login(personas.zone_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Enterprises" in html


def test_api_errors_follow_the_clients_accept_language(client: Client, personas: Personas) -> None:
    client.force_login(personas.zone_admin)
    english = client.post(
        "/api/enterprises/", {}, content_type="application/json", headers={"Accept-Language": "en"}
    )
    chinese = client.post("/api/enterprises/", {}, content_type="application/json")
    assert english.status_code == chinese.status_code == 400
    assert "This field is required." in english.json()["uscc"]
    assert "该字段是必填项。" in chinese.json()["uscc"]
