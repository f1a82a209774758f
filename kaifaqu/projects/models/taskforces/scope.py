"""Who sees the zone's work on a project, and who may sit on its task force."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import ScopedQuerySet, roles_that_may

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone
    from kaifaqu.projects.models.projects import Project
    from kaifaqu.projects.models.taskforces.task_forces import (  # noqa: F401 (in a string below)
        TaskForceMember,
    )


class ProjectWorkQuerySet(ScopedQuerySet):
    """The records of the zone's work on a project: scoped through the project, never shown to
    an enterprise (its reporter sees its project, not the zone's notes and files on it)."""

    def in_region(self, region: Region) -> ProjectWorkQuerySet:
        return self.filter(project__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> ProjectWorkQuerySet:
        return self.filter(project__zone=zone)

    def in_park(self, park: Park) -> ProjectWorkQuerySet:
        return self.filter(project__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> ProjectWorkQuerySet:
        return self.none()


class TaskForceMemberQuerySet(ScopedQuerySet["TaskForceMember"]):
    def in_region(self, region: Region) -> TaskForceMemberQuerySet:
        return self.filter(task_force__project__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> TaskForceMemberQuerySet:
        return self.filter(task_force__project__zone=zone)

    def in_park(self, park: Park) -> TaskForceMemberQuerySet:
        return self.filter(task_force__project__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> TaskForceMemberQuerySet:
        return self.none()


def task_force_staff(project: Project) -> Any:
    """The active users who may sit on the project's task force: its zone's leadership and
    project staff, and the service centre of the project's own park."""
    in_park = Q(scope_park=project.park_id) if project.park_id else Q(pk__in=[])
    return User.objects.filter(
        Q(scope_zone=project.zone_id) | in_park,
        is_active=True,
        role__in=roles_that_may("projects.sit_on_task_force"),
    ).order_by("first_name", "username")
