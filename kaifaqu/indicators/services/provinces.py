"""Whose province a value-added rate or a price index is, and who may write it.

The permission table says which roles write rates and indexes (`indicators.valueaddedrate.*`,
`indicators.priceindex.*`: the system administrator and the statistician); the record decides
the rest. A rate or index is the statistics office's of its province: a zone's statistician
writes those of the province of the zone, never another province's (they would change that
province's comparable-price growth), and never the national reference rates shipped with the
platform, which only the system administrator changes. Every write is audited.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import ScopeLevel, user_may
from kaifaqu.geo.models import Region, RegionLevel
from kaifaqu.indicators.selectors.rates import own_province


def _everywhere(user: User) -> bool:
    return user.scope.level == ScopeLevel.ALL


def writable_provinces(user: User, action: str) -> QuerySet[Region]:
    """The provinces whose rates or indexes (`action`: a write of the permission table) the user
    may write: every province for the platform's administrator, the zone's own for a
    statistician, none for anyone else."""
    provinces = Region.objects.filter(level=RegionLevel.PROVINCE)
    if not user_may(user, action):
        return provinces.none()
    if _everywhere(user):
        return provinces
    own = own_province(user)
    return provinces.filter(pk=own.pk) if own is not None else provinces.none()


def may_write_province(user: User, action: str, region: Region | None) -> bool:
    """Whether the user may write a rate or index of this province (None: national)."""
    if not user_may(user, action):
        return False
    if _everywhere(user):
        return True
    return region is not None and writable_provinces(user, action).filter(pk=region.pk).exists()


def ensure_writes_province(by: User | None, action: str, region: Region | None) -> None:
    """Refuse a write of a rate or index of a province other than the user's (or national)."""
    if by is None or may_write_province(by, action, region):
        return
    if not user_may(by, action):
        raise PermissionDenied(
            _("Value-added rates and price indexes are entered by the statistics office.")
        )
    if region is None:
        raise PermissionDenied(
            _(
                "The national reference rates ship with the platform; only its operator changes "
                "them at the command line (kfq import)."
            )
        )
    raise PermissionDenied(
        _(
            "Value-added rates and price indexes are entered by the statistics office of their "
            "province: you may enter those of your own zone's province only."
        )
    )


def default_province(by: User | None, data: dict[str, object]) -> dict[str, object]:
    """The data with the user's own province where it names none (a statistician need not say)."""
    if "region" in data or by is None or _everywhere(by):
        return data
    own = own_province(by)
    return {**data, "region": own} if own is not None else data
