"""Roles, scopes and what each role may change.

Who sees what is decided in one place per model: its queryset's `for_user`. Which roles may write
which models is decided here. Views, the API, imports and the CLI all ask these two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import PermissionDenied
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
    Role.SYSTEM_ADMIN: ScopeLevel.ALL,
    # 三员分立: security and audit administrators read logs, not business data.
    Role.SECURITY_ADMIN: ScopeLevel.NONE,
    Role.AUDIT_ADMIN: ScopeLevel.NONE,
}

# Which roles may create or change records of a model (within what their scope shows them).
WRITERS: dict[str, frozenset[str]] = {
    "geo.region": frozenset({Role.SYSTEM_ADMIN}),
    "geo.zone": frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN}),
    "geo.park": frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN}),
    "enterprises.enterprise": frozenset(
        {
            Role.SYSTEM_ADMIN,
            Role.ZONE_ADMIN,
            Role.STATISTICIAN,
            Role.INVESTMENT_OFFICER,
            Role.PARK_SERVICE,
        }
    ),
    "projects.project": frozenset(
        {Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.INVESTMENT_OFFICER, Role.PARK_SERVICE}
    ),
    # Leads (招商线索) and their follow-ups are worked by the same staff as projects.
    "projects.lead": frozenset(
        {Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.INVESTMENT_OFFICER, Role.PARK_SERVICE}
    ),
    "projects.followup": frozenset(
        {Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.INVESTMENT_OFFICER, Role.PARK_SERVICE}
    ),
    # "三个一批" rounds are the province's; each zone's project staff put projects on the lists.
    "projects.round": frozenset({Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICER}),
    "projects.roundentry": frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.INVESTMENT_OFFICER}),
    # The fixed-asset investment database (入库 and monthly reports): the zone's project staff
    # and its statistician, who answers for the figures to the statistics bureau.
    "projects.fairegistration": frozenset(
        {
            Role.SYSTEM_ADMIN,
            Role.ZONE_ADMIN,
            Role.INVESTMENT_OFFICER,
            Role.PARK_SERVICE,
            Role.STATISTICIAN,
        }
    ),
    "projects.faireport": frozenset(
        {
            Role.SYSTEM_ADMIN,
            Role.ZONE_ADMIN,
            Role.INVESTMENT_OFFICER,
            Role.PARK_SERVICE,
            Role.STATISTICIAN,
        }
    ),
    # 专班陪跑: a project's task force, visits, issue list and documents are kept by the zone's
    # project staff (a park's service centre for its park's projects).
    **{
        f"projects.{name}": frozenset(
            {Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.INVESTMENT_OFFICER, Role.PARK_SERVICE}
        )
        for name in (
            "taskforce",
            "taskforcemember",
            "servicevisit",
            "projectissue",
            "projectdocument",
        )
    },
    # A zone's norms for cycle times are the management committee's call.
    "projects.projectsettings": frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN}),
    "enterprises.rosterentry": frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.STATISTICIAN}),
    "indicators.reportedfigure": frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.STATISTICIAN}),
    # Enterprises fill in their own returns; the statistics office imports and corrects them.
    "returns.return": frozenset(
        {Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.STATISTICIAN, Role.ENTERPRISE_REPORTER}
    ),
    "returns.reviewdecision": frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.STATISTICIAN}),
    "returns.gap": frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.STATISTICIAN}),
    "returns.proxyfigure": frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.STATISTICIAN}),
    "returns.statisticssettings": frozenset(
        {Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.STATISTICIAN}
    ),
    # Price indexes hold for the whole province: a zone's users (statisticians included) would
    # change every zone's comparable-price growth, so only provincial offices enter them.
    "indicators.priceindex": frozenset({Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICER}),
    "indicators.target": frozenset({Role.SYSTEM_ADMIN, Role.ZONE_ADMIN, Role.STATISTICIAN}),
}

# Roles that may create new records (zones are created by the system administrator only).
CREATORS: dict[str, frozenset[str]] = {
    **WRITERS,
    "geo.zone": frozenset({Role.SYSTEM_ADMIN}),
}

AUDIT_READERS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


@dataclass(frozen=True)
class Scope:
    level: str
    region: Region | None = None
    zone: Zone | None = None
    park: Park | None = None
    enterprise: Enterprise | None = None


class ScopedUser(Protocol):
    is_authenticated: bool
    is_active: bool
    role: str

    @property
    def scope(self) -> Scope: ...


def model_label(model: type[models.Model] | models.Model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def can_write(user: Any, model: type[models.Model] | models.Model) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in WRITERS.get(model_label(model), frozenset())
    )


def can_create(user: Any, model: type[models.Model]) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in CREATORS.get(model_label(model), frozenset())
    )


def ensure_can_write(user: Any, instance: models.Model) -> None:
    """Raise PermissionDenied unless the user may change this (existing or new) record."""
    model = type(instance)
    allowed = can_write(user, model) if instance.pk else can_create(user, model)
    if not allowed:
        raise PermissionDenied(_("You may not change this record."))
    manager = model._default_manager
    if instance.pk and not manager.for_user(user).filter(pk=instance.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("This record is outside your scope."))


def visible_for_request(model: type[models.Model]) -> Callable[[Any], models.QuerySet[Any]]:
    """The records of a model the request's user may see, for django-filter's `queryset=`.

    Filter forms list these as choices, so a choice list never names another zone's records.
    Without a request nothing is offered.
    """

    def queryset(request: Any) -> models.QuerySet[Any]:
        return model._default_manager.for_user(getattr(request, "user", None))  # type: ignore[attr-defined,no-any-return]

    return queryset


class ScopedQuerySet(models.QuerySet):
    """Base queryset: `for_user` narrows to what the user's role and scope allow."""

    def for_user(self, user: Any) -> ScopedQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        scope: Scope = user.scope
        if scope.level == ScopeLevel.ALL:
            return self.all()
        if scope.level == ScopeLevel.REGION and scope.region is not None:
            return self.in_region(scope.region)
        if scope.level == ScopeLevel.ZONE and scope.zone is not None:
            return self.in_zone(scope.zone)
        if scope.level == ScopeLevel.PARK and scope.park is not None:
            return self.in_park(scope.park)
        if scope.level == ScopeLevel.ENTERPRISE and scope.enterprise is not None:
            return self.in_enterprise(scope.enterprise)
        return self.none()

    def in_region(self, region: Region) -> ScopedQuerySet:
        raise NotImplementedError

    def in_zone(self, zone: Zone) -> ScopedQuerySet:
        raise NotImplementedError

    def in_park(self, park: Park) -> ScopedQuerySet:
        raise NotImplementedError

    def in_enterprise(self, enterprise: Enterprise) -> ScopedQuerySet:
        raise NotImplementedError
