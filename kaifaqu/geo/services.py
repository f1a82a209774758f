"""Writes for regions, zones and parks."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.core.permissions import ScopedUser, ScopeLevel, user_may
from kaifaqu.core.services import model_create, model_update
from kaifaqu.geo.models import Park, Region, Zone

REGION_FIELDS = ("code", "name", "parent")
ZONE_FIELDS = (
    "name",
    "short_name",
    "level",
    "region",
    "area_km2",
    "established_year",
    "internal_departments",
    "public_institutions",
    "park_service_centres",
    "governance_model",
    "description",
)
PARK_FIELDS = (
    "zone",
    "name",
    "area_km2",
    "area_is_illustrative",
    "role",
    "description",
    "position",
)

# A zone's region and a park's zone are changed by the office above them (see the policy).
ZONE_MOVES = {
    "region": (
        "geo.zone.move",
        gettext_lazy(
            "Only the provincial or city office above the zone can move it to another region."
        ),
    )
}
PARK_MOVES = {
    "zone": (
        "geo.park.move",
        gettext_lazy(
            "Only the provincial or city office above both zones can move a park to another zone."
        ),
    )
}


def region_create(*, by: ScopedUser | None, data: dict[str, Any]) -> Region:
    _ensure_under_the_office(by, "geo.region.add", str(data.get("code", "")))
    return model_create(model=Region, data=_pick(data, REGION_FIELDS), by=by)


def region_update(*, by: ScopedUser | None, region: Region, data: dict[str, Any]) -> Region:
    for code in (region.code, str(data.get("code", region.code))):
        _ensure_under_the_office(by, "geo.region.change", code)
    return model_update(instance=region, fields=REGION_FIELDS, data=data, by=by)[0]


def region_ensure_writable(*, by: ScopedUser | None, region: Region) -> None:
    """Refuse (403) a change to a region the office does not write, before its form is read:
    a caller who may not is told so, not what is wrong with the body."""
    _ensure_under_the_office(by, "geo.region.change", region.code)


def _ensure_under_the_office(by: ScopedUser | None, action: str, code: str) -> None:
    """A provincial or city office writes only the regions below its own.

    Administrative codes are reference data every user reads (Region.objects.for_user is all of
    them), so the check after the save that guards other records lets any region through: without
    this, 山西's office could rename 河北省 or add a county to 石家庄. Its own region it does not
    rename or recode either (the code is the scope of every account under it). The caller's right
    to write regions at all is the permission table's, checked by model_create/model_update."""
    if by is None or not user_may(by, action):
        return
    scope = by.scope
    office = scope.region if scope.level == ScopeLevel.REGION else None
    if office is None or code == office.code or not code.startswith(office.prefix):
        raise PermissionDenied(_("This record is outside your scope."))


def zone_create(*, by: ScopedUser | None, data: dict[str, Any]) -> Zone:
    return model_create(model=Zone, data=_pick(data, ZONE_FIELDS), by=by)


@transaction.atomic
def zone_update(*, by: ScopedUser | None, zone: Zone, data: dict[str, Any]) -> Zone:
    zone, _changed = model_update(
        instance=zone, fields=ZONE_FIELDS, data=data, by=by, moves=ZONE_MOVES
    )
    _check_park_areas(zone)
    return zone


@transaction.atomic
def park_create(*, by: ScopedUser | None, data: dict[str, Any]) -> Park:
    park = model_create(model=Park, data=_pick(data, PARK_FIELDS), by=by)
    _check_park_areas(park.zone)
    return park


@transaction.atomic
def park_update(*, by: ScopedUser | None, park: Park, data: dict[str, Any]) -> Park:
    moving = "zone" in data and data["zone"] != park.zone
    # Whoever may not move it is refused by model_update, before anything is said of the park.
    if moving and (by is None or user_may(by, "geo.park.move")) and _park_holds_records(park):
        # Its firms and projects name their zone too: moved alone, the park would leave them in
        # the old zone with a park of the new one (seen by the wrong offices).
        raise ValidationError(
            {
                "zone": _(
                    "%(park)s still has enterprises or projects; move them to another park "
                    "before moving the park to another zone."
                )
                % {"park": park}
            }
        )
    park, _changed = model_update(
        instance=park, fields=PARK_FIELDS, data=data, by=by, moves=PARK_MOVES
    )
    _check_park_areas(park.zone)
    return park


def _park_holds_records(park: Park) -> bool:
    # Reverse relations of the apps above geo (enterprises, projects), named without importing them.
    return any(
        getattr(park, name).exists()
        for name in ("enterprises", "projects", "leads")
        if hasattr(park, name)
    )


def _check_park_areas(zone: Zone) -> None:
    """The parks of a zone cannot together be larger than the zone (一区五园 share its area)."""
    total = Park.objects.filter(zone=zone).aggregate(total=Sum("area_km2"))["total"] or Decimal(0)
    if zone.area_km2 is not None and total > zone.area_km2:
        raise ValidationError(
            {
                "area_km2": _(
                    "The parks of %(zone)s would cover %(parks)s km², more than the zone's %(area)s km²."
                )
                % {"zone": zone, "parks": f"{total:.2f}", "area": f"{zone.area_km2:.2f}"}
            }
        )


def _pick(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key in fields}
