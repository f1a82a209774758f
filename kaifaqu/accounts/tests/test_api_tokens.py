"""API tokens: hashed at rest, expiring, revocable, one per purpose, refused for a locked
account; issued, listed and revoked by `kfq token` and by the tokens page (issue 15)."""

import hashlib
import sys
import types
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from click.testing import CliRunner
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from kaifaqu.accounts.locking import _lock_rule, account_is_locked
from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.accounts.tokens.models import ApiToken, ApiTokenStatus
from kaifaqu.accounts.tokens.services import (
    api_token_issue,
    api_token_revoke,
    api_tokens_revoke_all,
)
from kaifaqu.cli import main
from kaifaqu.conftest import Personas

pytestmark = pytest.mark.django_db


def api(secret: str) -> APIClient:
    return APIClient(
        HTTP_AUTHORIZATION=f"Token {secret}", HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.7.7.7"
    )


def kfq(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


def test_only_a_hash_of_the_token_is_stored(personas: Personas) -> None:
    issued = api_token_issue(user=personas.statistician, purpose="etl")
    row = ApiToken.objects.get()
    assert row.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    # The secret is in no column of the row: only the prefix that names it, which is no secret.
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert not any(issued.secret[13:29] in value for value in stored)
    assert issued.secret.startswith(f"kfq_{row.prefix}_")
    assert len(issued.secret) - len(f"kfq_{row.prefix}_") >= 43  # 32 random bytes


def test_drfs_plain_text_token_table_is_gone() -> None:
    assert "authtoken_token" not in connection.introspection.table_names()


def test_a_token_expires_after_the_configured_days(personas: Personas, settings: Settings) -> None:
    settings.KFQ_API_TOKEN_DAYS = 30
    issued = api_token_issue(user=personas.statistician, purpose="etl")
    assert issued.token.expires_at - issued.token.created_at == timedelta(days=30)
    assert api(issued.secret).get("/api/enterprises/").status_code == 200

    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now())
    response = api(issued.secret).get("/api/enterprises/")
    assert response.status_code == 401
    assert response.json()["detail"] == "The token has expired."
    denied = AccessEvent.objects.get(kind=AccessEventKind.DENIED)
    assert denied.user == personas.statistician
    assert denied.detail == f"API token {issued.token.display} refused: expired"


def test_a_token_is_valid_for_at_most_the_maximum_days(
    personas: Personas, settings: Settings
) -> None:
    settings.KFQ_API_TOKEN_MAX_DAYS = 100
    with pytest.raises(ValidationError):
        api_token_issue(user=personas.statistician, purpose="etl", days=101)
    with pytest.raises(ValidationError):
        api_token_issue(user=personas.statistician, purpose="etl", days=0)
    assert api_token_issue(user=personas.statistician, purpose="etl", days=100)


def test_a_revoked_token_opens_nothing(personas: Personas) -> None:
    issued = api_token_issue(user=personas.statistician, purpose="etl")
    api_token_revoke(token=issued.token, by=personas.sysadmin)
    response = api(issued.secret).get("/api/enterprises/")
    assert response.status_code == 401
    assert response.json()["detail"] == "The token has been revoked."
    event = AccessEvent.objects.get(kind=AccessEventKind.TOKEN_REVOKED)
    assert event.user == personas.statistician
    assert event.detail.endswith("revoked by sysadmin")
    issued.token.refresh_from_db()
    assert issued.token.status == ApiTokenStatus.REVOKED


def test_revoking_all_of_a_users_tokens(personas: Personas) -> None:
    first = api_token_issue(user=personas.statistician, purpose="etl")
    second = api_token_issue(user=personas.statistician, purpose="dashboard")
    other = api_token_issue(user=personas.zone_admin, purpose="etl")
    assert api_tokens_revoke_all(user=personas.statistician) == 2
    assert api(first.secret).get("/api/zones/").status_code == 401
    assert api(second.secret).get("/api/zones/").status_code == 401
    assert api(other.secret).get("/api/zones/").status_code == 200


def test_one_token_per_purpose(personas: Personas) -> None:
    first = api_token_issue(user=personas.statistician, purpose="etl")
    with pytest.raises(ValidationError) as refused:
        api_token_issue(user=personas.statistician, purpose=" etl ")
    assert refused.value.code == "purpose_taken"
    # Another user, or another purpose, is another token.
    api_token_issue(user=personas.zone_admin, purpose="etl")
    api_token_issue(user=personas.statistician, purpose="dashboard")
    # Rotation: the new token replaces the one before, which stops working at once.
    second = api_token_issue(user=personas.statistician, purpose="etl", replace=True)
    assert api(first.secret).get("/api/zones/").status_code == 401
    assert api(second.secret).get("/api/zones/").status_code == 200
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(
            user=personas.statistician,
            purpose="etl",
            prefix="x",
            digest="0" * 64,
            expires_at=timezone.now() + timedelta(days=1),
        )


def test_an_expired_token_frees_its_purpose(personas: Personas) -> None:
    first = api_token_issue(user=personas.statistician, purpose="etl")
    ApiToken.objects.filter(pk=first.token.pk).update(expires_at=timezone.now())
    api_token_issue(user=personas.statistician, purpose="etl")
    first.token.refresh_from_db()
    assert first.token.status == ApiTokenStatus.REVOKED


def test_a_locked_out_account_cannot_use_its_token(personas: Personas, settings: Settings) -> None:
    """Issue 15: a locked user's API token still worked."""
    settings.AXES_FAILURE_LIMIT = 3
    issued = api_token_issue(user=personas.park_user, purpose="etl")
    client = Client()
    for _attempt in range(3):
        client.post(
            reverse("accounts:login"),
            {"username": "park_user", "password": "wrong"},
            REMOTE_ADDR="10.9.9.9",  # another address than the token's
        )
    assert account_is_locked("park_user")
    response = api(issued.secret).get("/api/enterprises/")
    assert response.status_code == 401
    assert response.json()["detail"] == "The account is locked after repeated failed sign-ins."
    assert AccessEvent.objects.filter(
        kind=AccessEventKind.DENIED, detail__endswith="refused: account locked"
    ).exists()
    # After the cool-off the token works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=2))
    assert not account_is_locked("park_user")
    assert api(issued.secret).get("/api/enterprises/").status_code == 200


def test_the_lock_is_asked_of_the_identity_rules_when_they_are_there(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("kaifaqu.accounts.identity.lockout")
    module.account_is_locked = lambda username: username == "park_user"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kaifaqu.accounts.identity", types.ModuleType("identity"))
    monkeypatch.setitem(sys.modules, "kaifaqu.accounts.identity.lockout", module)
    _lock_rule.cache_clear()
    try:
        assert account_is_locked("park_user")
        assert not account_is_locked("statistician")
    finally:
        _lock_rule.cache_clear()


def test_each_use_is_noted_at_most_once_a_minute(personas: Personas) -> None:
    issued = api_token_issue(user=personas.statistician, purpose="etl")
    assert issued.token.last_used_at is None
    client = api(issued.secret)
    client.get("/api/zones/")
    issued.token.refresh_from_db()
    first_use = issued.token.last_used_at
    assert first_use is not None
    assert issued.token.last_used_ip == "10.7.7.7"
    client.get("/api/zones/")
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == first_use
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get("/api/zones/")
    issued.token.refresh_from_db()
    assert issued.token.last_used_at > first_use - timedelta(seconds=1)


def test_the_schema_describes_the_token(personas: Personas) -> None:
    client = APIClient()
    client.force_login(personas.zone_admin)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


# kfq token


def test_kfq_token_takes_a_purpose_and_days_and_rotates(personas: Personas) -> None:
    exit_code, first = kfq("token", "statistician", "--purpose", "nightly", "--days", "7")
    assert exit_code == 0
    token = ApiToken.objects.get(user=personas.statistician, purpose="nightly")
    assert token.expires_at - token.created_at == timedelta(days=7)
    # Printed once: a second run issues a new token, and the first is revoked.
    exit_code, second = kfq("token", "statistician", "--purpose", "nightly")
    assert exit_code == 0 and second != first
    assert api(first.strip()).get("/api/zones/").status_code == 401
    assert api(second.strip()).get("/api/zones/").status_code == 200
    assert AccessEvent.objects.filter(kind=AccessEventKind.TOKEN).count() == 2


def test_kfq_token_list_and_revoke(personas: Personas) -> None:
    _code, secret = kfq("token", "issue", "statistician", "--purpose", "nightly")
    kfq("token", "statistician", "--purpose", "dashboard")
    exit_code, listing = kfq("token", "list", "statistician")
    assert exit_code == 0
    assert "'nightly'" in listing and "'dashboard'" in listing and "active" in listing
    assert secret.strip() not in listing

    assert kfq("token", "revoke", "statistician")[0] == 2  # --purpose or --all
    exit_code, output = kfq("token", "revoke", "statistician", "--purpose", "nightly")
    assert exit_code == 0, output
    assert api(secret.strip()).get("/api/zones/").status_code == 401
    assert kfq("token", "revoke", "statistician", "--purpose", "nightly")[0] == 1
    exit_code, output = kfq("token", "revoke", "statistician", "--all")
    assert "1 token(s) of statistician revoked" in output
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()


# The tokens page


def test_the_tokens_page_creates_a_token_and_shows_its_secret_once(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    response = client.post(reverse("accounts:tokens"), {"purpose": "月报脚本", "days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["issued"].secret
    html = response.content.decode()
    assert secret in html and "只显示这一次" in html
    token = ApiToken.objects.get(user=personas.statistician)
    assert token.purpose == "月报脚本"
    assert token.expires_at - token.created_at == timedelta(days=30)
    event = AccessEvent.objects.get(kind=AccessEventKind.TOKEN)
    assert event.ip_address == "127.0.0.1" and "tokens page" in event.detail
    assert api(secret).get("/api/zones/").status_code == 200

    listed = client.get(reverse("accounts:tokens")).content.decode()
    assert secret not in listed and secret[13:] not in listed
    assert token.display in listed and "月报脚本" in listed


def test_the_tokens_page_refuses_a_second_token_for_a_purpose(
    client: Client, personas: Personas
) -> None:
    api_token_issue(user=personas.statistician, purpose="etl")
    client.force_login(personas.statistician)
    response = client.post(reverse("accounts:tokens"), {"purpose": "etl", "days": "30"})
    assert response.context["issued"] is None
    assert "该用途已有有效的令牌：请先吊销它。" in response.content.decode()
    assert ApiToken.objects.filter(user=personas.statistician).count() == 1


def test_the_tokens_page_lists_only_the_users_own_tokens_and_revokes_them(
    client: Client, personas: Personas
) -> None:
    mine = api_token_issue(user=personas.statistician, purpose="etl")
    theirs = api_token_issue(user=personas.zone_admin, purpose="secret-project")
    client.force_login(personas.statistician)
    html = client.get(reverse("accounts:tokens")).content.decode()
    assert "etl" in html and "secret-project" not in html

    url = reverse("accounts:token-revoke", args=[theirs.token.pk])
    assert client.post(url).status_code == 404
    assert client.get(reverse("accounts:token-revoke", args=[mine.token.pk])).status_code == 405
    response = client.post(reverse("accounts:token-revoke", args=[mine.token.pk]))
    assert response.status_code == 302
    assert api(mine.secret).get("/api/zones/").status_code == 401
    assert api(theirs.secret).get("/api/zones/").status_code == 200
    assert "已吊销" in client.get(reverse("accounts:tokens")).content.decode()


def test_the_tokens_page_needs_a_signed_in_user(client: Client) -> None:
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
