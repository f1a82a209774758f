"""Reads of regions, zones and parks; every read starts from for_user."""

from django.db.models import QuerySet

from kaifaqu.core.permissions import AskingUser
from kaifaqu.geo.models import Park, Region, Zone


def region_list(*, user: AskingUser) -> QuerySet[Region]:
    return Region.objects.for_user(user).select_related("parent")


def region_children(*, user: AskingUser, region: Region) -> QuerySet[Region]:
    return Region.objects.for_user(user).filter(parent=region).order_by("code")


def zone_list(*, user: AskingUser) -> QuerySet[Zone]:
    return Zone.objects.for_user(user).select_related("region")


def zones_in_region(*, user: AskingUser, region: Region) -> QuerySet[Zone]:
    return zone_list(user=user).filter(region__code__startswith=region.prefix)


def park_list(*, user: AskingUser) -> QuerySet[Park]:
    return Park.objects.for_user(user).select_related("zone")


def parks_of_zone(*, user: AskingUser, zone: Zone) -> QuerySet[Park]:
    return Park.objects.for_user(user).filter(zone=zone)
