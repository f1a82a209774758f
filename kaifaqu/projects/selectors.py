"""Reads of projects; every read starts from for_user."""

from typing import Any

from django.db.models import QuerySet

from kaifaqu.projects.models import Project, StageChange


def project_list(*, user: Any) -> QuerySet[Project]:
    """Projects the user can see, with what a list row shows joined in."""
    return Project.objects.for_user(user).select_related("zone", "park", "enterprise", "industry")


def project_stage_history(*, project: Project) -> QuerySet[StageChange]:
    """The dated stage changes of a project the caller has already found through for_user."""
    return project.stage_changes.select_related("by").order_by("on", "id")
