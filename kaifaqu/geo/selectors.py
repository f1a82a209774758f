"""Reads of regions, zones and parks; every read starts from for_user."""

from typing import Any

from django.db.models import Count, QuerySet

from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Park, Region, Zone
from kaifaqu.projects.models import Project


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


def _count_by(queryset: QuerySet[Any], field: str) -> dict[Any, int]:
    # order_by() drops the model's default ordering, which would otherwise split the groups.
    rows = queryset.order_by().values(field).annotate(total=Count("pk"))
    return {row[field]: row["total"] for row in rows}


def enterprise_counts_by_park(*, user: Any, zone: Zone) -> dict[int | None, int]:
    """Enterprises per park of a zone, counting only those the user can see."""
    return _count_by(Enterprise.objects.for_user(user).filter(zone=zone), "park")


def project_counts_by_park(*, user: Any, zone: Zone) -> dict[int | None, int]:
    return _count_by(Project.objects.for_user(user).filter(zone=zone), "park")


def park_enterprises(*, user: Any, park: Park) -> QuerySet[Enterprise]:
    return (
        Enterprise.objects.for_user(user)
        .filter(park=park)
        .select_related("industry", "park")
        .order_by("name")
    )


def park_projects(*, user: Any, park: Park) -> QuerySet[Project]:
    return Project.objects.for_user(user).filter(park=park).select_related("park")
