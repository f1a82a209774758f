"""The permission table (core/permissions/policy.py) is the one place for who may do what, and
docs/areas/accounts-and-audit.md prints it whole."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import translation

from kaifaqu.core.models import IndustryClass
from kaifaqu.core.permissions import (
    POLICY,
    Role,
    Scope,
    ScopeLevel,
    can_create,
    can_write,
    ensure_may,
    user_may,
)
from kaifaqu.geo.models import Zone

DOC = Path(settings.BASE_DIR) / "docs" / "areas" / "accounts-and-audit.md"
START, END = "<!-- permission table: start -->", "<!-- permission table: end -->"


def matrix() -> str:
    """The table as Markdown: an action a row, a role a column (its stored name)."""
    roles = [role.value for role in Role]
    lines = [
        "| action | " + " | ".join(roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for action, allowed in POLICY.items():
        cells = ["✓" if role in allowed else "" for role in roles]
        lines.append(f"| `{action}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def test_the_documented_table_is_the_table_the_code_enforces() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = text.split(START)[1].split(END)[0].strip()
    print(matrix())
    assert documented == matrix(), "paste the printed table into " + str(DOC)


class Person:
    """A user as the permission table sees one (core's ScopedUser protocol), with no scope."""

    is_authenticated = True
    pk = None
    scope = Scope(level=ScopeLevel.NONE)

    def __init__(self, role: str, *, active: bool = True) -> None:
        self.role = role
        self.is_active = active


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_only_the_statistics_office_sees_figures_unmasked(role: str) -> None:
    # 统计法: a firm's figures are for its zone's statistics office, not the zone's leadership nor
    # the platform's administrators.
    expected = role == Role.STATISTICIAN
    assert user_may(Person(role), "indicators.see_unmasked") is expected


ADMINISTRATORS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


@pytest.mark.parametrize("role", [role.value for role in ADMINISTRATORS])
def test_the_three_administrators_have_no_business_action(role: str) -> None:
    # 三员分立: they run the platform (accounts, roles, the audit trail), never its business data.
    business = [action for action in POLICY if not action.startswith("accounts.")]
    assert [action for action in business if user_may(Person(role), action)] == []


def test_each_of_the_three_administrators_has_rights_the_other_two_have_not() -> None:
    # Accounts are the system administrator's, roles and scopes the security administrator's, the
    # audit trail the audit administrator's; all three read the list of accounts. No business
    # role holds any of it.
    accounts = {action: roles for action, roles in POLICY.items() if action.startswith("accounts.")}
    assert all(roles <= set(ADMINISTRATORS) for roles in accounts.values())
    assert accounts == {
        "accounts.see_users": set(ADMINISTRATORS),
        "accounts.user.add": {Role.SYSTEM_ADMIN},
        "accounts.user.disable": {Role.SYSTEM_ADMIN},
        "accounts.user.reset_credentials": {Role.SYSTEM_ADMIN},
        "accounts.user.assign_role": {Role.SECURITY_ADMIN},
        "accounts.read_access_log": {Role.AUDIT_ADMIN},
        "accounts.export_access_log": {Role.AUDIT_ADMIN},
        "accounts.read_change_history": {Role.AUDIT_ADMIN},
    }


def test_a_zone_administrator_changes_a_zone_but_only_the_province_adds_or_moves_one() -> None:
    zone_admin, province = Person(Role.ZONE_ADMIN), Person(Role.PROVINCE_OFFICER)
    assert user_may(zone_admin, "geo.zone.change")
    assert not user_may(zone_admin, "geo.zone.add")
    assert not user_may(zone_admin, "geo.zone.move")
    assert user_may(province, "geo.zone.add") and user_may(province, "geo.zone.move")
    for action in ("geo.zone.change", "geo.zone.add", "geo.zone.move", "geo.region.add"):
        assert not user_may(Person(Role.SYSTEM_ADMIN), action)


def test_the_provincial_office_moves_a_firm_but_does_not_edit_it() -> None:
    province = Person(Role.PROVINCE_OFFICER)
    assert user_may(province, "enterprises.enterprise.move")
    assert not user_may(province, "enterprises.enterprise.change")
    assert not user_may(Person(Role.ZONE_ADMIN), "enterprises.enterprise.move")


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_nobody_signed_out_or_inactive_may_do_anything(role: str) -> None:
    inactive = Person(role, active=False)
    for action in POLICY:
        assert not user_may(AnonymousUser(), action)
        assert not user_may(inactive, action)


def test_an_action_missing_from_the_table_is_an_error_not_a_refusal() -> None:
    with pytest.raises(KeyError):
        user_may(Person(Role.SYSTEM_ADMIN), "returns.delete_everything")


def test_ensure_may_refuses_in_the_users_language() -> None:
    with pytest.raises(PermissionDenied, match="statistics office"):
        ensure_may(Person(Role.ZONE_LEADER), "returns.import", "Only the statistics office.")
    ensure_may(Person(Role.STATISTICIAN), "returns.import")


def test_ensure_may_says_why_by_default() -> None:
    with (
        translation.override("en"),
        pytest.raises(PermissionDenied, match=r"^You may not do this\.$"),
    ):
        ensure_may(Person(Role.ZONE_LEADER), "returns.import")


def test_writing_a_model_reads_its_rows_of_the_table() -> None:
    admin, province = Person(Role.ZONE_ADMIN), Person(Role.PROVINCE_OFFICER)
    system = Person(Role.SYSTEM_ADMIN)
    assert can_write(admin, Zone) and not can_create(admin, Zone)
    assert can_write(province, Zone) and can_create(province, Zone)
    assert not can_write(system, Zone) and not can_create(system, Zone)
    # A model with no row in the table is written by nobody through the services.
    for person in (admin, province, system):
        assert not can_write(person, IndustryClass) and not can_create(person, IndustryClass)
