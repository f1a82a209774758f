"""Roles (一人一角色) and the scopes they work in (region, zone, park, enterprise, none)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone


class Role(models.TextChoices):
    PROVINCE_OFFICER = "province_officer", _("Provincial or city zone office")
    ZONE_LEADER = "zone_leader", _("Zone leadership")
    ZONE_ADMIN = "zone_admin", _("Zone administrator")
    STATISTICIAN = "statistician", _("Zone statistician")
    INVESTMENT_OFFICER = "investment_officer", _("Investment and project officer")
    PARK_SERVICE = "park_service", _("Park service centre")
    PLATFORM_COMPANY = "platform_company", _("Platform company")
    ENTERPRISE_REPORTER = "enterprise_reporter", _("Enterprise reporter")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


class ScopeLevel(models.TextChoices):
    ALL = "all", _("Everything")
    REGION = "region", _("Province or city")
    ZONE = "zone", _("Zone")
    PARK = "park", _("Park")
    ENTERPRISE = "enterprise", _("Enterprise")
    NONE = "none", _("No business data")


SCOPE_OF_ROLE: dict[str, str] = {
    Role.PROVINCE_OFFICER: ScopeLevel.REGION,
    Role.ZONE_LEADER: ScopeLevel.ZONE,
    Role.ZONE_ADMIN: ScopeLevel.ZONE,
    Role.STATISTICIAN: ScopeLevel.ZONE,
    Role.INVESTMENT_OFFICER: ScopeLevel.ZONE,
    Role.PARK_SERVICE: ScopeLevel.PARK,
    Role.PLATFORM_COMPANY: ScopeLevel.ENTERPRISE,
    Role.ENTERPRISE_REPORTER: ScopeLevel.ENTERPRISE,
    # 三员分立: the three administrators run the platform (accounts, roles, the audit trail) and
    # see no business data.
    Role.SYSTEM_ADMIN: ScopeLevel.NONE,
    Role.SECURITY_ADMIN: ScopeLevel.NONE,
    Role.AUDIT_ADMIN: ScopeLevel.NONE,
}


@dataclass(frozen=True)
class Scope:
    level: str
    region: Region | None = None
    zone: Zone | None = None
    park: Park | None = None
    enterprise: Enterprise | None = None


class HasRole(Protocol):
    """What the permission table reads of a user: signed in, active, and the role."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def role(self) -> str: ...


class ScopedUser(HasRole, Protocol):
    """The acting user as core sees it: a role and the scope it works in.

    accounts.User satisfies it; core may not import accounts (layers), so core's services and
    permission checks are typed with this protocol. A signed-out visitor (AnonymousUser) has no
    role: functions that accept one say so (`AskingUser`).
    """

    @property
    def pk(self) -> Any: ...

    @property
    def scope(self) -> Scope: ...


# Who asks: a signed-in user, a signed-out visitor (request.user of a public page, who sees and
# may do nothing), or nobody (a filter form built without a request).
AskingUser = ScopedUser | AnonymousUser | None
