"""Sign-in lockout (accounts/identity/lockout.py): an account across addresses, an address
across accounts (password spraying), each with its limit, for a cool-off that attackers cannot
stretch; account_is_locked for credentials other than the form (API tokens)."""

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from kaifaqu.accounts.identity.lockout import account_is_locked
from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, address: str) -> Any:
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def limits(settings: Settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.KFQ_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 10


def test_the_defaults_are_five_per_account_thirty_per_address_for_thirty_minutes() -> None:
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == settings.KFQ_LOGIN_FAILURE_LIMIT == 5
    assert settings.KFQ_LOGIN_FAILURE_LIMIT_PER_ADDRESS == 30
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME


def test_an_account_is_locked_after_its_limit_whichever_addresses_tried(
    client: Client, personas: Personas, limits: None
) -> None:
    statuses = [
        sign_in(client, "park_user", "wrong", f"198.51.100.{n}").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    # From anywhere, even with the right password.
    response = sign_in(client, "park_user", PASSWORD, "10.20.30.40")
    assert response.status_code == 429
    assert "该账号登录已失败3次。" in response.content.decode()
    assert "登录已锁定30分钟。" in response.content.decode()
    assert account_is_locked("park_user")
    # Others are not.
    assert not account_is_locked("zone_admin")
    assert sign_in(client, "zone_admin", PASSWORD, "198.51.100.1").status_code == 302


def test_a_lock_is_logged_once_and_each_refusal_as_a_failed_sign_in(
    client: Client, personas: Personas, limits: None
) -> None:
    for n in range(5):
        sign_in(client, "park_user", "wrong", f"198.51.100.{n}")
    [lock] = AccessEvent.objects.filter(kind=AccessEventKind.LOCKOUT)
    assert (lock.user, lock.username, lock.ip_address) == (
        personas.park_user,
        "park_user",
        "198.51.100.2",
    )
    assert lock.detail == "locked: account"
    refused = AccessEvent.objects.filter(
        kind=AccessEventKind.LOGIN_FAILED, detail="refused: sign-in locked"
    )
    assert refused.count() == 2


def test_spraying_one_address_across_many_accounts_is_stopped(
    client: Client, personas: Personas, limits: None
) -> None:
    sprayer = "203.0.113.66"
    statuses = [sign_in(client, f"user{n}", "Password1!", sprayer).status_code for n in range(10)]
    assert statuses == [200] * 9 + [429]
    # Every further guess from there is refused unseen, whatever the account, right or wrong.
    assert sign_in(client, "user99", "Password1!", sprayer).status_code == 429
    response = sign_in(client, "zone_admin", PASSWORD, sprayer)
    assert response.status_code == 429
    assert "您所在地址登录已失败10次。" in response.content.decode()
    # No account was locked by it, and everyone elsewhere signs in.
    assert not any(account_is_locked(f"user{n}") for n in range(10))
    assert not account_is_locked("zone_admin")
    assert sign_in(client, "zone_admin", PASSWORD, "198.51.100.7").status_code == 302
    assert AccessEvent.objects.get(kind=AccessEventKind.LOCKOUT).detail == "locked: address"


def test_a_successful_sign_in_does_not_clear_the_failures_of_its_address(
    client: Client, personas: Personas, limits: None
) -> None:
    sprayer = "203.0.113.66"
    for n in range(9):
        sign_in(client, f"user{n}", "Password1!", sprayer)
    # An insider with a valid account cannot reset the count between rounds of guesses.
    assert sign_in(client, "reporter", PASSWORD, sprayer).status_code == 302
    client.logout()
    assert sign_in(client, "user9", "Password1!", sprayer).status_code == 429


def test_a_successful_sign_in_clears_the_accounts_own_failures(
    client: Client, personas: Personas, limits: None
) -> None:
    for n in range(2):
        sign_in(client, "reporter", "typo", f"10.0.0.{n}")
    assert sign_in(client, "reporter", PASSWORD, "10.0.0.9").status_code == 302
    client.logout()
    assert sign_in(client, "reporter", "typo", "10.0.0.1").status_code == 200


def test_nobody_keeps_a_named_account_locked_beyond_the_cool_off(
    client: Client, personas: Personas, limits: None
) -> None:
    for n in range(3):
        sign_in(client, "park_user", "wrong", f"198.51.100.{n}")
    counted = list(AccessAttempt.objects.values_list("username", "ip_address", "attempt_time"))
    # The attacker keeps going from many addresses while the lock lasts: refused, not counted,
    # so the lock does not move (axes would otherwise restart the cool-off at each try).
    for n in range(20):
        assert sign_in(client, "park_user", "wrong", f"192.0.2.{n}").status_code == 429
    assert (
        list(AccessAttempt.objects.values_list("username", "ip_address", "attempt_time")) == counted
    )
    # Thirty minutes after the failure that set it, the user signs in.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=31))
    assert not account_is_locked("park_user")
    assert sign_in(client, "park_user", PASSWORD, "10.20.30.40").status_code == 302


def test_the_cool_off_is_a_setting(client: Client, personas: Personas, limits: None) -> None:
    from django.test import override_settings

    with override_settings(AXES_COOLOFF_TIME=timedelta(minutes=5)):
        for n in range(3):
            sign_in(client, "park_user", "wrong", f"198.51.100.{n}")
        assert (
            "登录已锁定5分钟。"
            in sign_in(client, "park_user", PASSWORD, "10.1.1.1").content.decode()
        )
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=6))
        assert sign_in(client, "park_user", PASSWORD, "10.1.1.1").status_code == 302


def test_account_is_locked_follows_axes_switch(personas: Personas, settings: Settings) -> None:
    AccessAttempt.objects.create(
        username="park_user",
        ip_address="198.51.100.1",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
        failures_since_start=5,
    )
    assert account_is_locked("park_user")
    settings.AXES_ENABLED = False
    assert not account_is_locked("park_user")
    assert not account_is_locked("")
