"""Which rows a user sees: each model's queryset narrows itself to the user's scope (`for_user`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models

from kaifaqu.core.permissions.roles import AskingUser, Scope, ScopeLevel

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone

_M = TypeVar("_M", bound=models.Model)


def visible_for_request(model: type[models.Model]) -> Callable[[Any], models.QuerySet[Any]]:
    """The records of a model the request's user may see, for django-filter's `queryset=`.

    Filter forms list these as choices, so a choice list never names another zone's records.
    Without a request nothing is offered.
    """

    def queryset(request: Any) -> models.QuerySet[Any]:
        return model._default_manager.for_user(getattr(request, "user", None))  # type: ignore[attr-defined,no-any-return]

    return queryset


class ScopedQuerySet(models.QuerySet[_M]):
    """Base queryset: `for_user` narrows to what the user's role and scope allow.

    A model's queryset names its model (`class ZoneQuerySet(ScopedQuerySet["Zone"])`), so that
    `Zone.objects.for_user(user)` is a queryset of zones to the type checker.
    """

    def for_user(self, user: AskingUser) -> Self:
        if user is None or isinstance(user, AnonymousUser):
            return self.none()
        if not user.is_authenticated or not user.is_active:
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

    def in_region(self, region: Region) -> Self:
        raise NotImplementedError

    def in_zone(self, zone: Zone) -> Self:
        raise NotImplementedError

    def in_park(self, park: Park) -> Self:
        raise NotImplementedError

    def in_enterprise(self, enterprise: Enterprise) -> Self:
        raise NotImplementedError
