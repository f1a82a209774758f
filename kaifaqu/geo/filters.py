"""Filters for region, zone and park lists; shared by the pages and the API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.permissions import visible_for_request
from kaifaqu.geo.models import Park, Region, RegionLevel, Zone, ZoneLevel


class RegionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=RegionLevel.choices)
    parent = django_filters.CharFilter(label=_("Parent code"), field_name="parent__code")

    class Meta:
        model = Region
        fields = ["q", "level", "parent"]

    def search(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        return queryset.filter(Q(code__startswith=value.strip()) | Q(name__icontains=value.strip()))


class ZoneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=ZoneLevel.choices)
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")

    class Meta:
        model = Zone
        fields = ["q", "level", "region"]

    def search(self, queryset: QuerySet[Zone], name: str, value: str) -> QuerySet[Zone]:
        return queryset.filter(
            Q(name__icontains=value.strip()) | Q(short_name__icontains=value.strip())
        )

    def in_region(self, queryset: QuerySet[Zone], name: str, value: str) -> QuerySet[Zone]:
        region = Region.objects.filter(code=value.strip()).first()
        return (
            queryset.filter(region__code__startswith=region.prefix) if region else queryset.none()
        )


class ParkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    zone = django_filters.ModelChoiceFilter(queryset=visible_for_request(Zone))

    class Meta:
        model = Park
        fields = ["q", "zone"]

    def search(self, queryset: QuerySet[Park], name: str, value: str) -> QuerySet[Park]:
        return queryset.filter(Q(name__icontains=value.strip()) | Q(role__icontains=value.strip()))
