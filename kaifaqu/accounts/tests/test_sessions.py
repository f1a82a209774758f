"""Sessions end when idle (30 minutes by default) or too old (8 hours), saying so on the
sign-in page; all of a user's sessions end at once on a password change or when the account
is disabled (accounts/identity/sessions.py)."""

import time
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from kaifaqu.accounts.identity.models import UserSession
from kaifaqu.accounts.identity.services import user_active_set
from kaifaqu.accounts.identity.sessions import SEEN_AT, SIGNED_IN_AT, sessions_end
from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db
HOME = "/"
PAGE = "/geo/regions/"


def age(client: Client, key: str, seconds: int) -> None:
    """Move one of the session's clocks `seconds` into the past."""
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def signed_in_client(personas: Personas) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "statistician", "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_the_defaults_are_30_idle_minutes_and_8_hours(personas: Personas) -> None:
    assert (settings.KFQ_SESSION_IDLE_MINUTES, settings.KFQ_SESSION_MAX_HOURS) == (30, 8)
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_an_idle_session_is_signed_out_with_a_message_on_the_sign_in_page(
    personas: Personas,
) -> None:
    client = signed_in_client(personas)
    assert client.get(PAGE).status_code == 200
    age(client, SEEN_AT, 31 * 60)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=%2Fgeo%2Fregions%2F"
    page = client.get(response["Location"]).content.decode()
    assert "您已有30分钟没有操作，已自动退出登录。" in page
    assert client.get(HOME).status_code == 302
    event = AccessEvent.objects.get(kind=AccessEventKind.SESSION_EXPIRED)
    assert (event.user, event.detail) == (personas.statistician, "idle for more than 30 min")
    # Ended by the platform, not signed out by the user.
    assert not AccessEvent.objects.filter(kind=AccessEventKind.LOGOUT).exists()


def test_the_message_is_in_the_users_language(personas: Personas) -> None:
    client = signed_in_client(personas)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    age(client, SEEN_AT, 31 * 60)
    page = client.get(PAGE, follow=True).content.decode()
    assert "You were signed out after 30 minutes without activity." in page


def test_activity_keeps_a_session_going(personas: Personas) -> None:
    client = signed_in_client(personas)
    age(client, SEEN_AT, 29 * 60)
    assert client.get(PAGE).status_code == 200
    # The request counted as activity: the idle clock starts again.
    assert int(time.time()) - client.session[SEEN_AT] < 5
    age(client, SEEN_AT, 29 * 60)
    assert client.get(PAGE).status_code == 200


def test_a_busy_session_is_not_saved_at_every_request(personas: Personas) -> None:
    client = signed_in_client(personas)
    seen = client.session[SEEN_AT]
    expiry = UserSession.objects.get(user=personas.statistician).expire_date
    client.get(PAGE)
    assert client.session[SEEN_AT] == seen
    assert UserSession.objects.get(user=personas.statistician).expire_date == expiry


def test_the_idle_limit_is_a_setting(personas: Personas, settings: Settings) -> None:
    settings.KFQ_SESSION_IDLE_MINUTES = 5
    client = signed_in_client(personas)
    age(client, SEEN_AT, 6 * 60)
    page = client.get(PAGE, follow=True).content.decode()
    assert "您已有5分钟没有操作，已自动退出登录。" in page


def test_a_session_ends_after_its_lifetime_however_busy(personas: Personas) -> None:
    client = signed_in_client(personas)
    age(client, SIGNED_IN_AT, 8 * 3600 + 1)
    age(client, SEEN_AT, 0)
    response = client.get(PAGE, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "您已自动退出登录：每次登录最长有效8小时。" in response.content.decode()
    event = AccessEvent.objects.get(kind=AccessEventKind.SESSION_EXPIRED)
    assert event.detail == "signed in more than 8 h ago"


def test_the_lifetime_is_a_setting(personas: Personas, settings: Settings) -> None:
    settings.KFQ_SESSION_MAX_HOURS = 12
    client = signed_in_client(personas)
    age(client, SIGNED_IN_AT, 11 * 3600)
    assert client.get(PAGE).status_code == 200
    age(client, SIGNED_IN_AT, 12 * 3600 + 1)
    assert client.get(PAGE).status_code == 302


def test_an_idle_session_gets_401_from_the_api(personas: Personas) -> None:
    client = signed_in_client(personas)
    age(client, SEEN_AT, 31 * 60)
    response = client.get("/api/zones/")
    assert response.status_code == 401
    assert response.json() == {"detail": "您已有30分钟没有操作，已自动退出登录。"}


def test_an_idle_htmx_request_loads_the_sign_in_page_whole(personas: Personas) -> None:
    client = signed_in_client(personas)
    age(client, SEEN_AT, 31 * 60)
    response = client.get(PAGE, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_a_session_from_before_the_limits_starts_its_clock_now(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.statistician)
    session = client.session
    del session[SEEN_AT], session[SIGNED_IN_AT]
    session.save()
    assert client.get(PAGE).status_code == 200
    assert int(time.time()) - client.session[SIGNED_IN_AT] < 5


# Ending a user's sessions ---------------------------------------------------------------------


def test_each_session_row_names_its_user_until_signing_out(personas: Personas) -> None:
    client = signed_in_client(personas)
    key = client.session.session_key
    assert UserSession.objects.get(session_key=key).user == personas.statistician
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=personas.statistician).exists()


def test_sessions_end_deletes_every_session_of_the_user_and_no_other_in_one_query(
    personas: Personas, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    mine = [signed_in_client(personas) for _ in range(3)]
    others = Client()
    others.force_login(personas.zone_admin)
    # Province scale: thousands of open sessions of other users.
    expire = timezone.now() + timedelta(hours=1)
    UserSession.objects.bulk_create(
        UserSession(
            session_key=f"other{n:035d}", session_data="", expire_date=expire, user=personas.auditor
        )
        for n in range(5000)
    )
    keep = mine[0].session.session_key
    with django_assert_num_queries(1):
        assert sessions_end(personas.statistician, keep=keep) == 2
    assert mine[0].get(PAGE).status_code == 200
    assert [c.get(PAGE).status_code for c in mine[1:]] == [302, 302]
    assert others.get(PAGE).status_code == 200
    assert UserSession.objects.filter(user=personas.auditor).count() == 5000
    assert sessions_end(personas.statistician) == 1


def test_disabling_an_account_ends_its_sessions_at_once(personas: Personas) -> None:
    clients = [signed_in_client(personas) for _ in range(2)]
    assert user_active_set(personas.statistician, False, by=personas.sysadmin) == 2
    assert not UserSession.objects.filter(user=personas.statistician).exists()
    assert [c.get(PAGE).status_code for c in clients] == [302, 302]
    entry = LogEntry.objects.get_for_object(personas.statistician).get(
        action=LogEntry.Action.UPDATE
    )
    assert (entry.actor, entry.changes_dict) == (
        personas.sysadmin,
        {"is_active": ["True", "False"]},
    )
    # Enabled again, the user signs in anew.
    assert user_active_set(personas.statistician, True, by=personas.sysadmin) == 0
    signed_in_client(personas)


def test_the_views_get_the_user_itself_not_behind_lazy_proxies(personas: Personas) -> None:
    # accounts/identity/middleware.py ResolvedUserMiddleware: django.contrib.auth and django-otp
    # each wrap request.user in a lazy proxy, and every attribute read went through both.
    client = signed_in_client(personas)
    response = client.get(PAGE)
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert type(user) is type(personas.statistician)
    assert user.pk == personas.statistician.pk
    # What django-otp's proxy gave it is kept: whether the session passed a second factor.
    assert user.is_verified() is False  # type: ignore[attr-defined]
    # Without a session: the anonymous user, read without a query.
    anonymous = Client().get(reverse("accounts:login"))
    assert anonymous.wsgi_request.user.is_anonymous
    assert type(anonymous.wsgi_request.user).__name__ == "AnonymousUser"
