"""Reads of regions, zones and parks; every read starts from for_user."""

from typing import Any

from django.db.models import QuerySet

from kaifaqu.geo.models import Park, Region, Zone


def region_list(*, user: Any) -> QuerySet[Region]:
    return Region.objects.for_user(user).select_related("parent")


def region_children(*, user: Any, region: Region) -> QuerySet[Region]:
    return Region.objects.for_user(user).filter(parent=region).order_by("code")


def zone_list(*, user: Any) -> QuerySet[Zone]:
    return Zone.objects.for_user(user).select_related("region")


def zones_in_region(*, user: Any, region: Region) -> QuerySet[Zone]:
    return zone_list(user=user).filter(region__code__startswith=region.prefix)


def park_list(*, user: Any) -> QuerySet[Park]:
    return Park.objects.for_user(user).select_related("zone")


def parks_of_zone(*, user: Any, zone: Zone) -> QuerySet[Park]:
    return Park.objects.for_user(user).filter(zone=zone)
