"""Signing in and out through the pages, with every attempt in the access log and axes' lockout."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, language: str = "") -> Any:
    if language:
        # The language the user chose with the switch (pages ignore the browser's preference).
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.1.2.3",
    )


def test_the_sign_in_page_shows_the_form(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert 'action="/accounts/login/"' in html


def test_signing_in_lands_on_the_home_page_and_is_logged(
    client: Client, personas: Personas
) -> None:
    response = sign_in(client, "zone_admin", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(response["Location"]).context["home"].zone == personas.zone_admin.scope_zone
    event = AccessEvent.objects.get(kind=AccessEventKind.LOGIN)
    assert (event.user, event.ip_address) == (personas.zone_admin, "10.1.2.3")


def test_signing_in_follows_the_next_address(client: Client, personas: Personas) -> None:
    response = client.post(
        reverse("accounts:login") + "?next=/accounts/access-log/",
        {"username": "auditor", "password": PASSWORD, "next": "/accounts/access-log/"},
    )
    assert response["Location"] == "/accounts/access-log/"


def test_a_failed_sign_in_is_refused_and_logged_with_the_user_name_and_address(
    client: Client, personas: Personas
) -> None:
    response = sign_in(client, "zone_admin", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session
    event = AccessEvent.objects.get(kind=AccessEventKind.LOGIN_FAILED)
    assert (event.username, event.ip_address) == ("zone_admin", "10.1.2.3")
    assert not AccessEvent.objects.filter(kind=AccessEventKind.LOGIN).exists()


def test_signing_out_takes_a_post_and_is_logged(client: Client, personas: Personas) -> None:
    client.force_login(personas.statistician)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert AccessEvent.objects.get(kind=AccessEventKind.LOGOUT).user == personas.statistician


def test_after_the_failure_limit_the_account_is_locked_with_a_clear_message(
    client: Client, personas: Personas, settings: Settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(2):
        assert sign_in(client, "park_user", "wrong").status_code == 200
    response = sign_in(client, "park_user", "wrong")
    assert response.status_code == 429
    # Even the right password is refused now, and the page says why and for how long.
    response = sign_in(client, "park_user", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    # The default UI is Chinese.
    assert "失败3次" in html
    assert "锁定30分钟" in html
    assert (
        AccessEvent.objects.filter(kind=AccessEventKind.LOGIN_FAILED, username="park_user").count()
        >= 3
    )
    # Another account from the same address is not locked.
    assert sign_in(client, "zone_admin", PASSWORD).status_code == 302


def test_the_lockout_message_is_in_the_users_language(
    client: Client, personas: Personas, settings: Settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 1
    response = sign_in(client, "park_user", "wrong", language="en")
    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign-in locked" in html
