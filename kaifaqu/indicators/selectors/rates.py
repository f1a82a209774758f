"""Reads of value-added rates: the list, and the rates in force in a province and year (its own
beside the national reference), as the engine applies them (`engine/enterprise.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from kaifaqu.accounts.models import User
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.permissions import ScopeLevel
from kaifaqu.geo.models import Region, RegionLevel
from kaifaqu.indicators.models import ValueAddedRate, industrial_divisions, province_region_code


def value_added_rate_list(*, user: User) -> QuerySet[ValueAddedRate]:
    """The rates the user may read (the national ones and those of the user's province)."""
    return ValueAddedRate.objects.for_user(user).select_related("region", "division")


def own_province(user: User | None) -> Region | None:
    """The province a user's scope lies in (None for the whole platform or no place)."""
    scope = getattr(user, "scope", None)
    if scope is None:
        return None
    code: str | None = None
    if scope.level == ScopeLevel.REGION and scope.region is not None:
        code = scope.region.code
    elif scope.level == ScopeLevel.ZONE and scope.zone is not None:
        code = scope.zone.region.code
    elif scope.level == ScopeLevel.PARK and scope.park is not None:
        code = scope.park.zone.region.code
    if code is None:
        return None
    return Region.objects.filter(code=province_region_code(code)).first()


def readable_provinces(*, user: User) -> QuerySet[Region]:
    """The provinces whose rates the user reads: every one for the platform, else the user's."""
    provinces = Region.objects.filter(level=RegionLevel.PROVINCE)
    if user.scope.level == ScopeLevel.ALL:
        return provinces
    own = own_province(user)
    return provinces.filter(pk=own.pk) if own is not None else provinces.none()


@dataclass(frozen=True)
class RateInForce:
    division: IndustryClass
    national: ValueAddedRate | None
    own: ValueAddedRate | None

    @property
    def used(self) -> ValueAddedRate | None:
        """The province's own rate where it has one, else the national one."""
        return self.own if self.own is not None else self.national

    @property
    def rate(self) -> Decimal | None:
        return self.used.rate if self.used is not None else None


def rates_in_force(*, user: User, province: Region | None, year: int) -> list[RateInForce]:
    """Each industrial division's rate in force in `year`: the latest of that year or before,
    the province's own beside the national one (the one used: the province's, where it has one)."""
    readable = value_added_rate_list(user=user).filter(year__lte=year).order_by("year")
    national = {rate.division_id: rate for rate in readable.filter(region__isnull=True)}
    own = (
        {rate.division_id: rate for rate in readable.filter(region=province)}
        if province is not None
        else {}
    )
    return [
        RateInForce(division=division, national=national.get(division.pk), own=own.get(division.pk))
        for division in industrial_divisions()
    ]
