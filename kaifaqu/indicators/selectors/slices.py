"""Which slices of the indicator table a user may open, what they are called, and the default.

A slice is what `IndicatorCell` is keyed by: (slice_kind, slice_key). Who sees which:
- the whole platform (system administrator): every slice;
- a province or city office: the province and cities within its region code's prefix, the zones
  of its region, their parks, zone×division and zone×category cells; not the industry sections,
  divisions and statistical categories, which add up zones of every province;
- a zone's users: the zone, its parks, its zone×division and zone×category cells;
- a park's service centre: its park;
- enterprises and the security and audit administrators: nothing (the pages answer 403).
A slice outside this, or one that does not exist, is a 404 whatever the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.core.permissions import ScopeLevel
from kaifaqu.enterprises.models import StatCategory
from kaifaqu.geo.models import Park, Region, RegionLevel, Zone
from kaifaqu.indicators.models import IndicatorCell, SliceKind

GEO_KINDS = (SliceKind.PROVINCE, SliceKind.CITY, SliceKind.ZONE)
ZONE_LEVEL_KINDS = (
    SliceKind.ZONE,
    SliceKind.PARK,
    SliceKind.ZONE_DIVISION,
    SliceKind.ZONE_CATEGORY,
)
_KEY_LENGTH: dict[str, int] = {SliceKind.PROVINCE: 2, SliceKind.CITY: 4}


@dataclass(frozen=True)
class Slice:
    kind: str
    key: str
    label: str
    # The zone of a zone, park or zone×division slice; the province (2 digits) above a slice of
    # the geography (what disclosure control compares it with).
    zone_id: int | None = None
    province: str | None = None

    @property
    def token(self) -> str:
        """How pages name the slice in one query parameter: 'zone:12', 'zone_division:12:30'."""
        return f"{self.kind}:{self.key}"

    @property
    def kind_label(self) -> str:
        return str(SliceKind(self.kind).label)


@dataclass(frozen=True)
class SliceGroup:
    label: str
    slices: list[Slice]


def split_token(token: str) -> tuple[str, str]:
    kind, _sep, key = token.partition(":")
    return kind, key


def _zone_slice(zone: Zone) -> Slice:
    return Slice(
        SliceKind.ZONE, str(zone.pk), zone.name, zone_id=zone.pk, province=zone.region.code[:2]
    )


def _park_slice(park: Park) -> Slice:
    zone = park.zone
    return Slice(
        SliceKind.PARK,
        str(park.pk),
        f"{zone.name} · {park.name}",
        zone_id=zone.pk,
        province=zone.region.code[:2],
    )


def _division_slice(zone: Zone, division: str, name: str) -> Slice:
    return Slice(
        SliceKind.ZONE_DIVISION,
        f"{zone.pk}:{division}",
        f"{zone.name} · {division} {name}",
        zone_id=zone.pk,
        province=zone.region.code[:2],
    )


def _category_label(key: str) -> str:
    try:
        return str(StatCategory(key).label)
    except ValueError as error:
        raise Http404 from error


def _category_slice(zone: Zone, category: str) -> Slice:
    return Slice(
        SliceKind.ZONE_CATEGORY,
        f"{zone.pk}:{category}",
        f"{zone.name} · {_category_label(category)}",
        zone_id=zone.pk,
        province=zone.region.code[:2],
    )


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError as error:
        raise Http404 from error


def _sees_zone(user: User, zone: Zone) -> bool:
    scope = user.scope
    if scope.level == ScopeLevel.ALL:
        return True
    if scope.level == ScopeLevel.REGION and scope.region is not None:
        return bool(zone.region.code.startswith(scope.region.prefix))
    return scope.level == ScopeLevel.ZONE and scope.zone is not None and scope.zone.pk == zone.pk


def resolve_slice(user: User, kind: str, key: str) -> Slice:
    """The slice if the user may see it; Http404 when unknown or outside the user's scope."""
    scope = user.scope
    level = scope.level
    if kind in _KEY_LENGTH:
        if not (key.isdigit() and len(key) == _KEY_LENGTH[kind]):
            raise Http404
        if not (
            level == ScopeLevel.ALL
            or (
                level == ScopeLevel.REGION
                and scope.region is not None
                and key.startswith(scope.region.prefix)
            )
        ):
            raise Http404
        region = Region.objects.filter(code=key.ljust(6, "0")).first()
        return Slice(kind, key, region.name if region else key, province=key[:2])
    if kind in (SliceKind.SECTION, SliceKind.DIVISION):
        level_name = IndustryLevel.SECTION if kind == SliceKind.SECTION else IndustryLevel.DIVISION
        industry = IndustryClass.objects.filter(code=key, level=level_name).first()
        if level != ScopeLevel.ALL or industry is None:
            raise Http404
        return Slice(kind, key, f"{industry.code} {industry.name}")
    if kind == SliceKind.CATEGORY:
        if level != ScopeLevel.ALL:
            raise Http404
        return Slice(kind, key, _category_label(key))
    if kind == SliceKind.PARK:
        park = Park.objects.select_related("zone__region").filter(pk=_int(key)).first()
        if park is None:
            raise Http404
        own_park = level == ScopeLevel.PARK and scope.park is not None and scope.park.pk == park.pk
        if not (own_park or _sees_zone(user, park.zone)):
            raise Http404
        return _park_slice(park)
    if kind in (SliceKind.ZONE, SliceKind.ZONE_DIVISION, SliceKind.ZONE_CATEGORY):
        zone_key, _sep, division = key.partition(":")
        zone = Zone.objects.select_related("region").filter(pk=_int(zone_key)).first()
        if zone is None or not _sees_zone(user, zone):
            raise Http404
        if kind == SliceKind.ZONE:
            if division:
                raise Http404
            return _zone_slice(zone)
        if kind == SliceKind.ZONE_CATEGORY:
            return _category_slice(zone, division)
        industry = IndustryClass.objects.filter(code=division, level=IndustryLevel.DIVISION).first()
        if industry is None:
            raise Http404
        return _division_slice(zone, industry.code, industry.name)
    raise Http404


def default_slice(user: User) -> Slice:
    """The slice a user's page opens on: their park, their zone, their region, or the first."""
    scope = user.scope
    if scope.level == ScopeLevel.PARK and scope.park is not None:
        return resolve_slice(user, SliceKind.PARK, str(scope.park.pk))
    if scope.level == ScopeLevel.ZONE and scope.zone is not None:
        return resolve_slice(user, SliceKind.ZONE, str(scope.zone.pk))
    if scope.level == ScopeLevel.REGION and scope.region is not None:
        prefix = scope.region.prefix
        if len(prefix) in (2, 4):
            kind = SliceKind.PROVINCE if len(prefix) == 2 else SliceKind.CITY
            return resolve_slice(user, kind, prefix)
    if scope.level == ScopeLevel.ALL:
        province = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
        if province is not None:
            return resolve_slice(user, SliceKind.PROVINCE, province.code[:2])
    zone = Zone.objects.for_user(user).select_related("region").order_by("name").first()
    if zone is None:
        raise Http404
    return _zone_slice(zone)


def latest_month(user: User) -> Month | None:
    """The latest month with cells in the user's scope (None before any roll-up)."""
    scope = user.scope
    cells = IndicatorCell.objects.all()
    if scope.level == ScopeLevel.PARK and scope.park is not None:
        cells = cells.filter(slice_kind=SliceKind.PARK, slice_key=str(scope.park.pk))
    elif scope.level != ScopeLevel.ALL:
        cells = cells.filter(zone__in=Zone.objects.for_user(user))
    last = cells.aggregate(Max("month"))["month__max"]
    return Month.of(last) if last is not None else None


def slice_options(user: User, current: Slice, month: Month) -> list[SliceGroup]:
    """The slices offered in the picker, grouped; the parks and divisions of the current zone."""
    scope = user.scope
    groups: list[SliceGroup] = []
    if scope.level == ScopeLevel.PARK:
        return [SliceGroup(_("Park"), [current])]
    if scope.level in (ScopeLevel.ALL, ScopeLevel.REGION):
        regions = Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY])
        if scope.level == ScopeLevel.REGION and scope.region is not None:
            regions = regions.filter(code__startswith=scope.region.prefix)
        above = [
            Slice(
                SliceKind.PROVINCE if region.level == RegionLevel.PROVINCE else SliceKind.CITY,
                region.prefix,
                region.name,
                province=region.code[:2],
            )
            for region in regions.order_by("code")
        ]
        if above:
            groups.append(SliceGroup(_("Province and cities"), above))
        zones = Zone.objects.for_user(user).select_related("region").order_by("region__code")
        groups.append(SliceGroup(_("Zones"), [_zone_slice(zone) for zone in zones]))
    zone_id = current.zone_id
    if zone_id is None and scope.level == ScopeLevel.ZONE and scope.zone is not None:
        zone_id = scope.zone.pk
    if zone_id is not None:
        zone = Zone.objects.select_related("region").get(pk=zone_id)
        if scope.level == ScopeLevel.ZONE:
            groups.append(SliceGroup(_("Zone"), [_zone_slice(zone)]))
        parks = [_park_slice(park) for park in zone.parks.select_related("zone__region")]
        if parks:
            groups.append(SliceGroup(_("Parks of %(zone)s") % {"zone": zone.name}, parks))
        divisions = _cell_keys(month, SliceKind.ZONE_DIVISION, zone_id=zone_id)
        names = _industry_names([key.partition(":")[2] for key in divisions])
        rows = [
            _division_slice(zone, code, names.get(code, ""))
            for code in sorted(key.partition(":")[2] for key in divisions)
        ]
        if rows:
            groups.append(
                SliceGroup(_("Industry divisions of %(zone)s") % {"zone": zone.name}, rows)
            )
        categories = _cell_keys(month, SliceKind.ZONE_CATEGORY, zone_id=zone_id)
        rows = [
            _category_slice(zone, category)
            for category in _in_category_order(key.partition(":")[2] for key in categories)
        ]
        if rows:
            groups.append(
                SliceGroup(_("Statistical categories of %(zone)s") % {"zone": zone.name}, rows)
            )
    if scope.level == ScopeLevel.ALL:
        for kind, label in (
            (SliceKind.SECTION, _("Industry sections")),
            (SliceKind.DIVISION, _("Industry divisions")),
        ):
            codes = sorted(_cell_keys(month, kind))
            names = _industry_names(codes)
            rows = [Slice(kind, code, f"{code} {names.get(code, '')}") for code in codes]
            if rows:
                groups.append(SliceGroup(label, rows))
        keys = _in_category_order(_cell_keys(month, SliceKind.CATEGORY))
        rows = [Slice(SliceKind.CATEGORY, key, _category_label(key)) for key in keys]
        if rows:
            groups.append(SliceGroup(_("Statistical categories"), rows))
    return groups


def _in_category_order(keys: Iterable[str]) -> list[str]:
    """The categories known to the platform, in the order of the 四上 list."""
    present = set(keys)
    return [category for category in StatCategory.values if category in present]


def _cell_keys(month: Month, kind: str, *, zone_id: int | None = None) -> list[str]:
    # One indicator stands for all: the engine writes every indicator of a cell together.
    cells = IndicatorCell.objects.filter(
        month=month.first_day, slice_kind=kind, indicator="gross_output"
    )
    if zone_id is not None:
        cells = cells.filter(zone_id=zone_id)
    return list(cells.values_list("slice_key", flat=True))


def _industry_names(codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(IndustryClass.objects.filter(code__in=codes).values_list("code", "name"))
