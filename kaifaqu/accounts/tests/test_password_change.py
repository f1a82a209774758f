"""Users change their own password (a page from the user menu); a required change (an
administrator's reset, an expired password) comes before anything else."""

from typing import Any

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from kaifaqu.accounts.identity.models import PasswordHistory, UserSession
from kaifaqu.accounts.identity.services import password_change_require, password_set
from kaifaqu.accounts.models import AccessEvent, AccessEventKind, User
from kaifaqu.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db
URL = "/accounts/password/"
NEW = "Shuozhou-2025-new"


def change(client: Client, old: str, new1: str, new2: str | None = None, next: str = "") -> Any:
    data = {"old_password": old, "new_password1": new1, "new_password2": new2 or new1}
    if next:
        data["next"] = next
    return client.post(URL, data, REMOTE_ADDR="10.1.2.3")


def signed_in(client: Client) -> bool:
    return client.get(reverse("dashboard:home")).status_code == 200


def updates(user: User) -> list[LogEntry]:
    entries = LogEntry.objects.get_for_object(user).filter(action=LogEntry.Action.UPDATE)
    return list(entries.order_by("pk"))


def test_the_url_name_is_accounts_password_change() -> None:
    assert reverse("accounts:password-change") == URL


def test_the_user_menu_links_the_page(client: Client, personas: Personas) -> None:
    client.force_login(personas.reporter)
    assert f'href="{URL}"' in client.get(reverse("dashboard:home")).content.decode()


def test_the_page_states_the_policy_in_the_users_language(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.reporter)
    html = client.get(URL).content.decode()
    assert "你的密码至少需要10个字符。" in html
    assert "四类中的至少3类" in html
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL).content.decode()
    assert "Your password must have at least 10 characters." in html


def test_a_user_changes_the_password_and_only_this_session_stays_signed_in(
    client: Client, personas: Personas
) -> None:
    user = personas.statistician
    elsewhere = Client()
    elsewhere.force_login(user)
    client.force_login(user)
    other_user = Client()
    other_user.force_login(personas.zone_admin)
    assert UserSession.objects.filter(user=user).count() == 2

    response = change(client, PASSWORD, NEW)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:home")
    assert "密码已修改。" in client.get(reverse("dashboard:home")).content.decode()
    assert signed_in(client)
    assert not signed_in(elsewhere)
    assert signed_in(other_user)
    assert UserSession.objects.filter(user=user).count() == 1

    user.refresh_from_db()
    assert user.check_password(NEW)
    assert PasswordHistory.objects.filter(user=user).count() == 1
    event = AccessEvent.objects.get(kind=AccessEventKind.PASSWORD_CHANGED)
    assert (event.user, event.ip_address) == (user, "10.1.2.3")
    assert event.detail == "by the user; 1 other session(s) ended"
    # The audit trail has the change of the account (when), never the hash.
    [entry] = updates(user)
    assert entry.actor == user
    assert set(entry.changes_dict) == {"password_changed_at"}


def test_signing_in_leaves_no_trace_in_the_audit_trail(client: Client, personas: Personas) -> None:
    # last_login changes at each sign-in: the access log has it, the audit trail would drown.
    client.post(reverse("accounts:login"), {"username": "reporter", "password": PASSWORD})
    assert updates(personas.reporter) == []


def test_a_wrong_current_password_is_refused_and_counted_as_a_failed_sign_in(
    client: Client, personas: Personas, settings: Settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client.force_login(personas.reporter)
    response = change(client, "not-my-password", NEW)
    assert response.status_code == 200
    assert "当前密码不正确。" in response.content.decode()
    assert AccessEvent.objects.get(kind=AccessEventKind.LOGIN_FAILED).username == "reporter"
    # A session left open is no way round the lockout.
    change(client, "not-my-password-2", NEW)
    assert change(client, "not-my-password-3", NEW).status_code == 429
    assert change(client, PASSWORD, NEW).status_code == 429
    assert AccessAttempt.objects.filter(username="reporter").exists()
    assert User.objects.get(pk=personas.reporter.pk).check_password(PASSWORD)


def test_the_policy_refuses_a_weak_password_in_the_users_language(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.reporter)
    html = change(client, PASSWORD, "zhangsan1").content.decode()
    assert "密码太短：至少需要10个字符。" in html
    assert "密码须包含大写字母、小写字母、数字、其他字符（标点符号等）四类中的至少3类。" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = change(client, PASSWORD, "zhangsan1").content.decode()
    assert "This password is too short: it must have at least 10 characters." in html
    assert User.objects.get(pk=personas.reporter.pk).check_password(PASSWORD)
    assert not AccessEvent.objects.filter(kind=AccessEventKind.PASSWORD_CHANGED).exists()


def test_the_current_password_cannot_be_the_new_one(client: Client, personas: Personas) -> None:
    client.force_login(personas.reporter)
    html = change(client, PASSWORD, PASSWORD).content.decode()
    assert "不能使用最近5次用过的密码，请另选一个。" in html


def test_the_new_password_is_typed_twice_alike(client: Client, personas: Personas) -> None:
    client.force_login(personas.reporter)
    html = change(client, PASSWORD, NEW, NEW + "x").content.decode()
    assert "两次输入的新密码不一致。" in html
    assert User.objects.get(pk=personas.reporter.pk).check_password(PASSWORD)


def test_it_goes_back_to_the_page_it_came_from_on_this_site_only(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.reporter)
    response = change(client, PASSWORD, NEW, next="/geo/regions/")
    assert response["Location"] == "/geo/regions/"
    response = change(client, NEW, "Shuozhou-2025-third", next="https://evil.example/")
    assert response["Location"] == reverse("dashboard:home")


def test_a_signed_out_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# A required change -------------------------------------------------------------------------


def test_an_administrators_reset_ends_the_sessions_and_forces_a_change_at_next_sign_in(
    client: Client, personas: Personas
) -> None:
    user = personas.park_user
    client.force_login(user)
    ended = password_set(
        user, "Temporary-2025", by=personas.sysadmin, require_change=True, validate=True
    )
    assert ended == 1
    assert not signed_in(client)

    response = client.post(
        reverse("accounts:login"), {"username": "park_user", "password": "Temporary-2025"}
    )
    assert response.status_code == 302
    # Every page leads to the change page, and back afterwards.
    response = client.get("/geo/parks/")
    assert response.status_code == 302
    assert response["Location"] == URL + "?next=%2Fgeo%2Fparks%2F"
    page = client.get(response["Location"]).content.decode()
    assert "您的密码由管理员设置，请先设置自己的密码再继续。" in page
    # An htmx request is sent there whole.
    response = client.get("/geo/parks/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith(URL)
    # The API says why.
    response = client.get("/api/zones/")
    assert response.status_code == 403
    assert response.json() == {"detail": "请先修改密码，再使用平台。"}
    response = client.get("/api/zones/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"detail": "You must change your password before using the platform."}

    response = change(client, "Temporary-2025", NEW, next="/geo/parks/")
    assert response["Location"] == "/geo/parks/"
    assert client.get("/geo/parks/").status_code == 200
    assert client.get("/api/zones/").status_code == 200
    user.refresh_from_db()
    assert not user.password_change_required
    kinds = list(
        AccessEvent.objects.filter(user=user)
        .exclude(kind=AccessEventKind.LOGIN)
        .order_by("pk")
        .values_list("kind", "detail")
    )
    assert kinds == [
        ("password_changed", "set by sysadmin, change required; 1 other session(s) ended"),
        ("password_must_change", "required by sysadmin: set by another"),
        ("password_changed", "by the user; 0 other session(s) ended"),
    ]
    reset, changed = updates(user)
    assert reset.actor == personas.sysadmin
    assert reset.changes_dict["password_change_required"] == ["False", "True"]
    assert changed.actor == user
    assert changed.changes_dict["password_change_required"] == ["True", "False"]


def test_signing_out_and_changing_the_language_stay_open_during_a_required_change(
    client: Client, personas: Personas
) -> None:
    password_change_require(personas.reporter, by=personas.sysadmin)
    client.force_login(personas.reporter)
    assert client.post("/i18n/setlang/", {"language": "en", "next": URL}).status_code == 302
    assert client.get(URL).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not signed_in(client)


def test_password_change_require_is_logged_and_audited(personas: Personas) -> None:
    password_change_require(personas.reporter, by=personas.sysadmin)
    user = User.objects.get(pk=personas.reporter.pk)
    assert user.password_change_required
    event = AccessEvent.objects.get(kind=AccessEventKind.PASSWORD_MUST_CHANGE)
    assert (event.user, event.detail) == (user, "required by sysadmin")
    [entry] = updates(user)
    assert entry.actor == personas.sysadmin
    assert entry.changes_dict == {"password_change_required": ["False", "True"]}


def test_password_set_refuses_what_the_policy_refuses(personas: Personas) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        password_set(personas.reporter, "zhangsan1", by=personas.sysadmin)
    assert User.objects.get(pk=personas.reporter.pk).check_password(PASSWORD)
