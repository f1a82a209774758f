"""三员分立: the system administrator creates, disables and resets accounts; the security
administrator assigns roles and scopes; the audit administrator reads the audit trail and the
history of every data change. None of them sees business data; no role does two of the three;
nobody else manages accounts; nobody changes their own."""

import pytest
from auditlog.models import LogEntry
from click.testing import CliRunner
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import (
    account_create,
    account_disable,
    account_password_reset,
    account_role_assign,
    user_create,
)
from kaifaqu.cli import main
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.permissions import POLICY, Role
from kaifaqu.core.permissions.policy import THREE_ADMINISTRATORS
from kaifaqu.core.tests.api_clients import token_client

pytestmark = pytest.mark.django_db


def signs_in(username: str, password: str) -> bool:
    """Whether the password is the account's and the account may sign in (axes' backend needs a
    request, so the password is checked as the backend would check it)."""
    account = User.objects.get(username=username)
    return account.is_active and account.check_password(password)


BUSINESS_PERSONAS = ["province_viewer", "zone_admin", "statistician", "park_user", "reporter"]


# The table itself -------------------------------------------------------------------------------


def test_no_action_of_the_table_belongs_to_two_of_the_three_administrators() -> None:
    # Reading the list of accounts (names, roles, scopes) is the one thing they share: each needs
    # it for its own duty, and it changes nothing.
    shared = {"accounts.see_users"}
    for action, roles in POLICY.items():
        if action not in shared:
            assert len(roles & THREE_ADMINISTRATORS) <= 1, action
    assert POLICY["accounts.see_users"] == THREE_ADMINISTRATORS


def test_the_three_administrators_take_no_business_action() -> None:
    for action, roles in POLICY.items():
        if not action.startswith("accounts."):
            assert not roles & THREE_ADMINISTRATORS, action


def test_each_of_the_three_has_a_right_the_other_two_have_not() -> None:
    def rights(role: str) -> set[str]:
        return {action for action, roles in POLICY.items() if role in roles}

    system, security, audit = (rights(role) for role in THREE_ADMINISTRATORS_IN_ORDER)
    assert {"accounts.user.add", "accounts.user.disable", "accounts.user.reset_credentials"} <= (
        system - security - audit
    )
    assert {"accounts.user.assign_role"} <= security - system - audit
    assert {
        "accounts.read_access_log",
        "accounts.export_access_log",
        "accounts.read_change_history",
    } <= audit - system - security


THREE_ADMINISTRATORS_IN_ORDER = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


def test_no_account_can_be_a_superuser(personas: Personas) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=personas.sysadmin.pk).update(is_superuser=True)


# No business data ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_the_three_administrators_see_no_business_data(
    personas: Personas, world: World, persona: str
) -> None:
    api = token_client(getattr(personas, persona))
    for path in ["/api/zones/", "/api/enterprises/", "/api/projects/", "/api/parks/"]:
        response = api.get(path)
        assert response.status_code == 200, path
        assert response.json()["count"] == 0, path
    assert api.get("/api/returns/").status_code == 403
    assert api.get(f"/api/enterprises/{world.ent_a1.pk}/").status_code == 404
    client = Client()
    client.force_login(getattr(personas, persona))
    assert (
        client.get(reverse("enterprises:enterprise-detail", args=[world.ent_a1.pk])).status_code
        == 404
    )
    assert client.get(reverse("geo:zone-detail", args=[world.zone_a.pk])).status_code == 404


def test_the_system_administrator_no_longer_reads_the_access_log(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.sysadmin)
    assert client.get(reverse("accounts:access-log")).status_code == 403
    client.force_login(personas.secadmin)
    assert client.get(reverse("accounts:access-log")).status_code == 403


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("sysadmin", "accounts:account-list"),
        ("secadmin", "accounts:account-list"),
        ("auditor", "accounts:access-log"),
    ],
)
def test_each_administrator_starts_on_its_own_work(
    personas: Personas, persona: str, landing: str
) -> None:
    client = Client()
    client.force_login(getattr(personas, persona))
    assert client.get("/").url == reverse(landing)  # type: ignore[attr-defined]


# Who manages accounts --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", BUSINESS_PERSONAS)
def test_nobody_else_sees_or_manages_accounts(
    personas: Personas, world: World, persona: str
) -> None:
    user = getattr(personas, persona)
    client = Client()
    client.force_login(user)
    target = personas.statistician_b.pk
    for name, args in [
        ("accounts:account-list", []),
        ("accounts:account-create", []),
        ("accounts:account-detail", [target]),
        ("accounts:account-role", [target]),
        ("accounts:change-history", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    before = User.objects.count()
    assert client.post(reverse("accounts:account-create"), {"username": "x1"}).status_code == 403
    assert (
        client.post(reverse("accounts:account-action", args=[target, "disable"])).status_code == 403
    )
    api = token_client(user)
    assert api.get("/api/users/").status_code == 403
    assert api.post("/api/users/", {"username": "x2"}).status_code == 403
    assert api.post(f"/api/users/{target}/disable/").status_code == 403
    assert api.post(f"/api/users/{target}/assign-role/", {"role": ""}).status_code == 403
    assert User.objects.count() == before
    assert User.objects.get(pk=target).is_active


def test_the_system_administrator_creates_an_account_without_a_role(
    personas: Personas,
) -> None:
    client = Client()
    client.force_login(personas.sysadmin)
    response = client.post(
        reverse("accounts:account-create"), {"username": "wang.tongji", "full_name": "王统计"}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert response["Cache-Control"] == "no-store"
    account = User.objects.get(username="wang.tongji")
    assert account.role == "" and account.first_name == "王统计"
    assert len(secret) >= 16
    assert signs_in("wang.tongji", secret)
    # It signs in to nothing until the security administrator gives it a role.
    assert token_client(account).get("/api/enterprises/").json()["count"] == 0
    # Its creation is in the audit trail, with its creator.
    entry = LogEntry.objects.get_for_object(account).get(action=LogEntry.Action.CREATE)
    assert entry.actor == personas.sysadmin
    assert "password" not in (entry.changes_dict or {})


def test_a_taken_user_name_is_refused_in_words(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.sysadmin)
    response = client.post(reverse("accounts:account-create"), {"username": "STATISTICIAN"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors


def test_the_system_administrator_may_not_assign_roles(personas: Personas, world: World) -> None:
    account, _secret = account_create(by=personas.sysadmin, username="new1")
    client = Client()
    client.force_login(personas.sysadmin)
    assert client.get(reverse("accounts:account-role", args=[account.pk])).status_code == 403
    response = token_client(personas.sysadmin).post(
        f"/api/users/{account.pk}/assign-role/",
        {"role": Role.STATISTICIAN, "scope_zone": world.zone_a.pk},
    )
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.role == ""


def test_the_security_administrator_assigns_a_role_and_its_scope(
    personas: Personas, world: World
) -> None:
    account, _secret = account_create(by=personas.sysadmin, username="new2")
    client = Client()
    client.force_login(personas.secadmin)
    url = reverse("accounts:account-role", args=[account.pk])
    # A zone's role needs a zone: said in words, nothing saved.
    response = client.post(url, {"role": Role.STATISTICIAN})
    assert response.status_code == 200
    assert "scope_zone" in response.context["form"].errors
    response = client.post(url, {"role": Role.STATISTICIAN, "scope_zone": world.zone_b.pk})
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.role, account.scope_zone) == (Role.STATISTICIAN, world.zone_b)
    # Scope fields the role does not use are dropped, so the constraint holds.
    api_response = token_client(personas.secadmin).post(
        f"/api/users/{account.pk}/assign-role/",
        {
            "role": Role.ENTERPRISE_REPORTER,
            "scope_enterprise": world.ent_b.uscc,
            "scope_zone": world.zone_a.pk,
        },
    )
    assert api_response.status_code == 200, api_response.json()
    account.refresh_from_db()
    assert (account.role, account.scope_zone, account.scope_enterprise) == (
        Role.ENTERPRISE_REPORTER,
        None,
        world.ent_b,
    )
    entry = LogEntry.objects.get_for_object(account).filter(action=LogEntry.Action.UPDATE).first()
    assert entry is not None and entry.actor == personas.secadmin
    assert "role" in entry.changes_dict


def test_the_security_administrator_neither_creates_nor_disables_nor_resets(
    personas: Personas,
) -> None:
    api = token_client(personas.secadmin)
    target = personas.statistician.pk
    assert api.post("/api/users/", {"username": "x3"}).status_code == 403
    assert api.post(f"/api/users/{target}/disable/").status_code == 403
    assert api.post(f"/api/users/{target}/reset-password/").status_code == 403
    assert User.objects.get(pk=target).is_active
    assert signs_in("statistician", PASSWORD)


def test_the_audit_administrator_reads_accounts_and_changes_nothing(personas: Personas) -> None:
    api = token_client(personas.auditor)
    names = {row["username"] for row in api.get("/api/users/?page_size=100").json()["results"]}
    assert {"statistician", "sysadmin", "secadmin"} <= names
    target = personas.statistician.pk
    assert api.post("/api/users/", {"username": "x4"}).status_code == 403
    assert api.post(f"/api/users/{target}/disable/").status_code == 403
    assert api.post(f"/api/users/{target}/assign-role/", {"role": ""}).status_code == 403
    assert User.objects.get(pk=target).role == Role.STATISTICIAN


def test_nobody_changes_their_own_account(personas: Personas) -> None:
    api = token_client(personas.sysadmin)
    me = personas.sysadmin.pk
    assert api.post(f"/api/users/{me}/disable/").status_code == 403
    assert api.post(f"/api/users/{me}/reset-password/").status_code == 403
    api = token_client(personas.secadmin)
    response = api.post(
        f"/api/users/{personas.secadmin.pk}/assign-role/", {"role": Role.AUDIT_ADMIN}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=personas.secadmin.pk).role == Role.SECURITY_ADMIN


def test_the_last_holder_of_an_administrators_role_stays(personas: Personas) -> None:
    from django.core.exceptions import ValidationError

    second = user_create(username="sys2", password=PASSWORD, role=Role.SYSTEM_ADMIN)
    # The only audit administrator cannot be disabled nor given another role.
    with pytest.raises(ValidationError):
        account_disable(by=personas.sysadmin, user=personas.auditor)
    with pytest.raises(ValidationError):
        account_role_assign(by=personas.secadmin, user=personas.auditor, role="")
    # One of two system administrators can.
    account_disable(by=second, user=personas.sysadmin)
    assert not User.objects.get(pk=personas.sysadmin.pk).is_active


def test_a_disabled_account_signs_in_no_more_and_its_sessions_end(personas: Personas) -> None:
    holder = Client()
    holder.force_login(personas.statistician)
    assert holder.get("/").status_code in (200, 302)
    api = token_client(personas.statistician)
    account_disable(by=personas.sysadmin, user=personas.statistician)
    assert holder.get(reverse("enterprises:enterprise-list")).status_code == 302  # to the login
    assert api.get("/api/enterprises/").status_code == 401
    assert not signs_in("statistician", PASSWORD)


def test_a_reset_password_replaces_the_old_and_ends_sessions(personas: Personas) -> None:
    holder = Client()
    holder.force_login(personas.zone_admin)
    client = Client()
    client.force_login(personas.sysadmin)
    response = client.post(
        reverse("accounts:account-action", args=[personas.zone_admin.pk, "reset-password"])
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert not signs_in("zone_admin", PASSWORD)
    assert signs_in("zone_admin", secret)
    assert holder.get(reverse("enterprises:enterprise-list")).status_code == 302
    secret2 = account_password_reset(by=personas.sysadmin, user=personas.zone_admin)
    assert secret2 != secret


def test_a_changed_role_takes_effect_at_once(personas: Personas, world: World) -> None:
    holder = Client()
    holder.force_login(personas.zone_admin)
    account_role_assign(
        by=personas.secadmin,
        user=personas.zone_admin,
        role=Role.ZONE_ADMIN,
        scope_zone=world.zone_b,
    )
    # The old session, with the old zone's pages, is over.
    assert holder.get(reverse("geo:zone-detail", args=[world.zone_a.pk])).status_code == 302


def test_the_system_administrator_resets_a_lost_second_factor(personas: Personas) -> None:
    from kaifaqu.accounts.mfa.models import AuthenticatorDevice

    AuthenticatorDevice.objects.create(user=personas.auditor, name="phone", confirmed=True)
    for persona in (personas.secadmin, personas.auditor, personas.zone_admin):
        api = token_client(persona)
        assert api.post(f"/api/users/{personas.auditor.pk}/reset-second-factor/").status_code == 403
    assert AuthenticatorDevice.objects.filter(user=personas.auditor).count() == 1
    client = Client()
    client.force_login(personas.sysadmin)
    response = client.post(
        reverse("accounts:account-action", args=[personas.auditor.pk, "reset-second-factor"])
    )
    assert response.status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=personas.auditor).exists()


# The command line ------------------------------------------------------------------------------


def test_kfq_user_sets_up_an_account_as_the_operator_or_as_a_person(
    personas: Personas, world: World
) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["user", "create", "li.si", "--name", "李四"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().rsplit(" ", 1)[-1]
    assert signs_in("li.si", secret)
    result = runner.invoke(
        main, ["user", "role", "li.si", "statistician", "--zone", str(world.zone_a.pk)]
    )
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="li.si").scope_zone == world.zone_a
    # As a person, the table decides: the system administrator may not assign a role.
    result = runner.invoke(main, ["user", "role", "li.si", "none", "--by", "sysadmin"])
    assert result.exit_code == 1
    assert "只有安全管理员可以分配角色和范围" in result.output
    result = runner.invoke(main, ["user", "reset-second-factor", "li.si", "--by", "sysadmin"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["user", "disable", "li.si", "--by", "sysadmin"])
    assert result.exit_code == 0, result.output
    assert not User.objects.get(username="li.si").is_active
    listing = runner.invoke(main, ["user", "list", "--role", "statistician"]).output
    assert "li.si\tstatistician" in listing and "disabled" in listing


# The history of every data change --------------------------------------------------------------


def test_the_audit_administrator_reads_every_change_and_exports_it(
    personas: Personas, world: World
) -> None:
    account_role_assign(
        by=personas.secadmin,
        user=personas.park_user,
        role=Role.PARK_SERVICE,
        scope_park=world.park_b,
    )
    client = Client()
    client.force_login(personas.auditor)
    response = client.get(reverse("accounts:change-history"))
    assert response.status_code == 200
    kinds = {row.kind for row in response.context["rows"]}
    # Records of every zone (enterprises of 甲, 乙 and 丙) and accounts, whoever changed them.
    assert {"Enterprise", "User"} <= kinds or {"企业", "用户"} <= kinds
    reprs = {row.object_repr for row in response.context["rows"]}
    assert world.ent_c.name in reprs
    user_type = LogEntry.objects.get_for_object(personas.park_user).first().content_type_id
    narrowed = client.get(
        reverse("accounts:change-history"), {"kind": user_type, "actor": "secadmin"}
    ).context["rows"]
    assert [row.object_repr for row in narrowed] == ["park_user"]
    assert any(change.label for change in narrowed[0].row.changes)
    export = client.get(reverse("accounts:change-history"), {"export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", *BUSINESS_PERSONAS])
def test_nobody_but_the_audit_administrator_reads_the_change_history(
    personas: Personas, persona: str
) -> None:
    client = Client()
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("accounts:change-history")).status_code == 403
    assert client.get(reverse("accounts:change-history"), {"export": "xlsx"}).status_code == 403
