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
    # 统计法: a firm's figures are for its zone's statistics office, not the zone's leadership.
    expected = role in {Role.STATISTICIAN, Role.SYSTEM_ADMIN}
    assert user_may(Person(role), "indicators.see_unmasked") is expected


def test_the_security_and_audit_administrators_read_the_log_but_no_business_data() -> None:
    for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        assert user_may(Person(role), "accounts.read_access_log")
        business = [a for a in POLICY if not a.startswith("accounts.")]
        assert not [a for a in business if user_may(Person(role), a)]


def test_a_zone_administrator_changes_a_zone_but_only_the_system_administrator_adds_one() -> None:
    assert user_may(Person(Role.ZONE_ADMIN), "geo.zone.change")
    assert not user_may(Person(Role.ZONE_ADMIN), "geo.zone.add")
    assert user_may(Person(Role.SYSTEM_ADMIN), "geo.zone.add")


def test_nobody_signed_out_or_inactive_may_do_anything() -> None:
    inactive = Person(Role.SYSTEM_ADMIN, active=False)
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
    admin, system = Person(Role.ZONE_ADMIN), Person(Role.SYSTEM_ADMIN)
    assert can_write(admin, Zone) and not can_create(admin, Zone)
    assert can_write(system, Zone) and can_create(system, Zone)
    # A model with no row in the table is written by nobody through the services.
    assert not can_write(system, IndustryClass) and not can_create(system, IndustryClass)
