"""Dormant accounts (等保 2.0 8.1.4.2 c): an account nobody used for KFQ_DORMANT_DAYS since it
was created or enabled is disabled — by the daily sweep and at its next sign-in — with the reason
in the access log; using it (signing in, its API tokens) or enabling it keeps it alive."""

from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from kaifaqu.accounts.identity.dormancy import dormant_accounts, dormant_accounts_disable
from kaifaqu.accounts.models import AccessEvent, AccessEventKind, User
from kaifaqu.accounts.services import account_enable
from kaifaqu.accounts.tokens.models import ApiToken, ApiTokenStatus
from kaifaqu.accounts.tokens.services import api_token_issue
from kaifaqu.cli import main
from kaifaqu.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db

DAYS = 90


@pytest.fixture(autouse=True)
def ninety_days(settings: Settings) -> None:
    settings.KFQ_DORMANT_DAYS = DAYS


def unused_for(user: User, days: int, *, signed_in: bool = True) -> User:
    """The account as it is when created and last signed in to `days` days ago."""
    moment = timezone.now() - timedelta(days=days)
    User.objects.filter(pk=user.pk).update(
        active_since=moment - timedelta(days=30), last_login=moment if signed_in else None
    )
    return User.objects.get(pk=user.pk)


def sign_in(username: str, password: str) -> Any:
    return Client().post(reverse("accounts:login"), {"username": username, "password": password})


def events(user: User) -> list[str]:
    return list(
        AccessEvent.objects.filter(user=user, kind=AccessEventKind.DORMANT_DISABLED).values_list(
            "detail", flat=True
        )
    )


def test_the_sweep_disables_only_the_accounts_unused_for_longer_than_the_limit(
    personas: Personas,
) -> None:
    unused_for(personas.statistician, DAYS + 1)
    unused_for(personas.park_user, DAYS + 5, signed_in=False)
    unused_for(personas.reporter, DAYS - 1)
    assert [user.username for user in dormant_accounts()] == sorted(
        [personas.statistician.username, personas.park_user.username]
    )
    disabled = dormant_accounts_disable()
    assert sorted(disabled) == sorted([personas.statistician.username, personas.park_user.username])
    assert not User.objects.get(pk=personas.statistician.pk).is_active
    assert User.objects.get(pk=personas.reporter.pk).is_active
    assert events(personas.statistician) == [
        f"unused for {DAYS + 1} days, since "
        f"{timezone.localtime(timezone.now() - timedelta(days=DAYS + 1)):%Y-%m-%d}"
    ]
    # Done once: a second sweep finds nothing more.
    assert dormant_accounts_disable() == []


def test_a_recently_used_token_keeps_an_account_that_never_signs_in(personas: Personas) -> None:
    token = api_token_issue(user=personas.statistician, purpose="sync", days=365).token
    unused_for(personas.statistician, DAYS + 30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(days=2))
    assert personas.statistician not in dormant_accounts()
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - timedelta(days=DAYS + 2)
    )
    assert list(dormant_accounts()) == [User.objects.get(pk=personas.statistician.pk)]
    dormant_accounts_disable()
    # Disabled as the system administrator disables: its tokens revoked, not only refused.
    assert ApiToken.objects.get(pk=token.pk).status == ApiTokenStatus.REVOKED


def test_the_right_password_of_a_dormant_account_disables_it_and_says_why(
    personas: Personas,
) -> None:
    unused_for(personas.statistician, DAYS + 1)
    wrong = sign_in(personas.statistician.username, "not-the-password")
    assert "天未使用已被停用" not in wrong.content.decode()
    assert User.objects.get(
        pk=personas.statistician.pk
    ).is_active  # a wrong password proves nothing
    right = sign_in(personas.statistician.username, PASSWORD)
    assert right.status_code == 200  # the sign-in page again, not a redirect into the platform
    assert "_auth_user_id" not in right.wsgi_request.session
    assert f"该账号因 {DAYS} 天未使用已被停用" in right.content.decode()
    assert not User.objects.get(pk=personas.statistician.pk).is_active
    assert len(events(personas.statistician)) == 1


def test_an_account_used_within_the_limit_signs_in(personas: Personas) -> None:
    unused_for(personas.statistician, DAYS - 1)
    response = sign_in(personas.statistician.username, PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(pk=personas.statistician.pk).is_active


def test_enabling_an_account_again_restarts_its_count(personas: Personas) -> None:
    unused_for(personas.statistician, DAYS + 1)
    dormant_accounts_disable()
    account_enable(by=personas.sysadmin, user=User.objects.get(pk=personas.statistician.pk))
    assert personas.statistician not in dormant_accounts()
    assert sign_in(personas.statistician.username, PASSWORD).status_code == 302


def test_the_last_active_holder_of_an_administrators_role_is_kept(personas: Personas) -> None:
    unused_for(personas.secadmin, DAYS + 1)
    assert personas.secadmin in dormant_accounts()
    assert personas.secadmin.username not in dormant_accounts_disable()
    assert User.objects.get(pk=personas.secadmin.pk).is_active
    assert sign_in(personas.secadmin.username, PASSWORD).status_code == 302


def test_zero_days_turns_the_rule_off(personas: Personas, settings: Settings) -> None:
    settings.KFQ_DORMANT_DAYS = 0
    unused_for(personas.statistician, 3650)
    assert list(dormant_accounts()) == []
    assert sign_in(personas.statistician.username, PASSWORD).status_code == 302


def test_the_command_lists_then_disables_the_dormant_accounts(personas: Personas) -> None:
    unused_for(personas.statistician, DAYS + 1)
    runner = CliRunner()
    listed = runner.invoke(main, ["user", "disable-dormant", "--dry-run"])
    assert listed.exit_code == 0, listed.output
    assert f"dormant {personas.statistician.username}" in listed.output
    assert User.objects.get(pk=personas.statistician.pk).is_active
    done = runner.invoke(main, ["user", "disable-dormant"])
    assert done.exit_code == 0, done.output
    assert f"disabled {personas.statistician.username}" in done.output
    assert "1 account(s) disabled" in done.output
    assert not User.objects.get(pk=personas.statistician.pk).is_active
