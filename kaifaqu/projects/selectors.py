"""Reads of projects; every read starts from for_user."""

from datetime import date
from typing import Any

from django.db.models import QuerySet, Subquery

from kaifaqu.projects.cycles import ProjectCycle, cycle_of, first_entries, norms_of
from kaifaqu.projects.models import Project, ProjectSettings, StageChange


def project_list(*, user: Any) -> QuerySet[Project]:
    """Projects the user can see, with what a list row shows joined in."""
    return Project.objects.for_user(user).select_related("zone", "park", "enterprise", "industry")


def project_stage_history(*, project: Project) -> QuerySet[StageChange]:
    """The dated stage changes of a project the caller has already found through for_user."""
    return project.stage_changes.select_related("by").order_by("on", "id")


def project_cycles(*, user: Any, today: date) -> list[ProjectCycle]:
    """The cycle times of every project the user can see, with each zone's norms (three
    queries whatever the number of projects)."""
    projects = {project.pk: project for project in project_list(user=user).order_by("pk")}
    visible = Project.objects.for_user(user).values("pk")
    changes = StageChange.objects.filter(project_id__in=Subquery(visible)).values_list(
        "project_id", "to_stage", "on"
    )
    entered = first_entries(changes)
    zone_ids = {project.zone_id for project in projects.values()}
    settings = {s.zone_id: s for s in ProjectSettings.objects.filter(zone_id__in=zone_ids)}
    return [
        cycle_of(project, entered.get(pk, {}), norms_of(settings.get(project.zone_id)), today)
        for pk, project in projects.items()
    ]
