"""Region, zone and park registry pages."""

from typing import Any

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from kaifaqu.core.views import Column, DetailField, Registry, RegistryDetailView, describe
from kaifaqu.core.views.related import related_cards, related_counts
from kaifaqu.core.views.tables import attr, decimal_text, related_table, verbose_label
from kaifaqu.geo import selectors
from kaifaqu.geo.filters import ParkFilter, RegionFilter, ZoneFilter
from kaifaqu.geo.forms import ParkForm, RegionForm, ZoneForm
from kaifaqu.geo.models import Park, Region, Zone
from kaifaqu.geo.services import (
    park_create,
    park_update,
    region_create,
    region_update,
    zone_create,
    zone_update,
)


def _area(obj: Zone | Park) -> str:
    text = decimal_text(obj.area_km2)
    # An illustrative park area is a plausible figure, marked so nobody quotes it as published.
    if getattr(obj, "area_is_illustrative", False) and obj.area_km2 is not None:
        return f"≈ {text}"
    return text


def _area_column(model: type[Zone] | type[Park]) -> Column:
    return Column(
        "area_km2",
        verbose_label(model, "area_km2"),
        attr("area_km2"),
        sort="area_km2",
        numeric=True,
        display=_area,
    )


REGION_COLUMNS = [
    Column("code", verbose_label(Region, "code"), attr("code"), sort="code"),
    Column("name", verbose_label(Region, "name"), attr("name"), sort="name", link=True),
    Column("level", verbose_label(Region, "level"), attr("get_level_display"), sort="level"),
    Column("parent", verbose_label(Region, "parent"), attr("parent"), sort="parent__code"),
]
ZONE_COLUMNS = [
    Column("name", verbose_label(Zone, "name"), attr("name"), sort="name", link=True),
    Column("short_name", verbose_label(Zone, "short_name"), attr("short_name")),
    Column("level", verbose_label(Zone, "level"), attr("get_level_display"), sort="level"),
    Column("region", verbose_label(Zone, "region"), attr("region"), sort="region__code"),
    _area_column(Zone),
    Column(
        "established_year",
        verbose_label(Zone, "established_year"),
        attr("established_year"),
        sort="established_year",
        numeric=True,
        display=lambda zone: str(zone.established_year or "—"),
    ),
]
PARK_COLUMNS = [
    Column("name", verbose_label(Park, "name"), attr("name"), sort="name", link=True),
    Column("zone", verbose_label(Park, "zone"), attr("zone.name"), sort="zone__name"),
    _area_column(Park),
    Column("role", verbose_label(Park, "role"), attr("role")),
]
PARK_EXPORT_COLUMNS = [
    *PARK_COLUMNS,
    Column(
        "area_is_illustrative",
        verbose_label(Park, "area_is_illustrative"),
        attr("area_is_illustrative"),
    ),
    Column("position", verbose_label(Park, "position"), attr("position")),
]
ZONE_EXPORT_COLUMNS = [
    *ZONE_COLUMNS,
    *(
        Column(name, verbose_label(Zone, name), attr(name))
        for name in (
            "internal_departments",
            "public_institutions",
            "park_service_centres",
            "governance_model",
        )
    ),
]
CHILD_COLUMNS = [REGION_COLUMNS[0], REGION_COLUMNS[1], REGION_COLUMNS[2]]
ZONE_OF_REGION_COLUMNS = [ZONE_COLUMNS[0], ZONE_COLUMNS[2], ZONE_COLUMNS[3], ZONE_COLUMNS[4]]


# Regions


class RegionDetailView(RegistryDetailView):
    template_name = "geo/region_detail.html"

    def get_context_data(self, obj: Region) -> dict[str, Any]:
        user = self.request.user
        return {
            "fields": describe(obj, ["code", "name", "level", "parent"]),
            "children": related_table(
                CHILD_COLUMNS, selectors.region_children(user=user, region=obj)
            ),
            "zones": related_table(
                ZONE_OF_REGION_COLUMNS, selectors.zones_in_region(user=user, region=obj)
            ),
        }


REGIONS = Registry(
    model=Region,
    selector=selectors.region_list,
    filterset_class=RegionFilter,
    columns=REGION_COLUMNS,
    form_class=RegionForm,
    create=region_create,
    update=region_update,
    detail_view=RegionDetailView,
)


# Zones


def _count_column(name: str, label: StrOrPromise, by_park: dict[Any, int]) -> Column:
    def count(park: Park) -> int:
        return by_park.get(park.pk, 0)

    return Column(name, label, count, numeric=True)


class ZoneDetailView(RegistryDetailView):
    template_name = "geo/zone_detail.html"

    def get_context_data(self, obj: Zone) -> dict[str, Any]:
        user = self.request.user
        # The records other apps keep of the zone (enterprises, projects), counted per park.
        counted = related_counts(user=user, obj=obj, by="park")
        count_columns = [
            PARK_COLUMNS[0],
            _area_column(Park),
            *(_count_column(records.name, records.title, by_park) for records, by_park in counted),
        ]
        return {
            "fields": describe(
                obj,
                [
                    "name",
                    "short_name",
                    "level",
                    "region",
                    "area_km2",
                    "established_year",
                ],
            ),
            "institutions": describe(
                obj,
                [
                    "internal_departments",
                    "public_institutions",
                    "park_service_centres",
                    "governance_model",
                ],
            ),
            "counts": [
                DetailField(
                    label=capfirst(str(records.rows(user).model._meta.verbose_name_plural)),
                    text=str(sum(by_park.values())),
                    url=f"{reverse(records.list_url_name)}?zone={obj.pk}"
                    if records.list_url_name
                    else None,
                    numeric=True,
                )
                for records, by_park in counted
            ],
            "parks": related_table(count_columns, selectors.parks_of_zone(user=user, zone=obj)),
        }


ZONES = Registry(
    model=Zone,
    selector=selectors.zone_list,
    filterset_class=ZoneFilter,
    columns=ZONE_COLUMNS,
    export_columns=ZONE_EXPORT_COLUMNS,
    form_class=ZoneForm,
    create=zone_create,
    update=zone_update,
    detail_view=ZoneDetailView,
)


# Parks


class ParkDetailView(RegistryDetailView):
    template_name = "geo/park_detail.html"

    def get_context_data(self, obj: Park) -> dict[str, Any]:
        user = self.request.user
        fields = describe(obj, ["name", "zone"])
        fields.append(
            DetailField(label=str(verbose_label(Park, "area_km2")), text=_area(obj), numeric=True)
        )
        fields += describe(obj, ["role", "position"])
        if obj.area_is_illustrative:
            fields.append(
                DetailField(
                    label=str(verbose_label(Park, "area_is_illustrative")),
                    text=_("Yes: a plausible figure, not one published by the zone."),
                )
            )
        return {
            "fields": fields,
            # The park's enterprises and projects, registered by their apps (core/views/related.py).
            "related": related_cards(user=user, obj=obj),
        }


PARKS = Registry(
    model=Park,
    selector=selectors.park_list,
    filterset_class=ParkFilter,
    columns=PARK_COLUMNS,
    export_columns=PARK_EXPORT_COLUMNS,
    form_class=ParkForm,
    create=park_create,
    update=park_update,
    detail_view=ParkDetailView,
)
