"""The issue list (问题清单): filters (overdue), edits, transitions."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.accounts.models import User
from kaifaqu.core.api import ScopedPrimaryKeyRelatedField, ScopedViewSet
from kaifaqu.projects.api.taskforces.common import ZoneStaffField, moved
from kaifaqu.projects.models import (
    IssueStatus,
    Project,
    ProjectIssue,
    ServiceVisit,
)
from kaifaqu.projects.selectors.taskforces import overdue_q
from kaifaqu.projects.services import (
    issue_raise,
    issue_transition,
    issue_update,
)


class IssueFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    zone = django_filters.NumberFilter(field_name="project__zone_id")
    park = django_filters.NumberFilter(field_name="project__park_id")
    department = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(choices=IssueStatus.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Only the issues overdue today (not settled, past due).")
    )

    def filter_overdue(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        overdue = overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class IssueSerializer(serializers.ModelSerializer[ProjectIssue]):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    visit = ScopedPrimaryKeyRelatedField(
        queryset=ServiceVisit.objects.all(), required=False, allow_null=True
    )
    owner = ZoneStaffField(
        required=False,
        allow_null=True,
        help_text=_("User id of a member of the zone's staff who follows the issue up."),
    )
    days_overdue = serializers.SerializerMethodField()

    class Meta:
        model = ProjectIssue
        fields = [
            "id",
            "project",
            "visit",
            "problem",
            "department",
            "owner",
            "raised_on",
            "due_on",
            "status",
            "resolution",
            "resolved_on",
            "days_overdue",
            "is_illustrative",
        ]
        read_only_fields = ["id", "status", "resolution", "resolved_on", "days_overdue"]
        extra_kwargs = {"raised_on": {"required": False}}

    def get_days_overdue(self, issue: ProjectIssue) -> int:
        return issue.days_overdue(timezone.localdate())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if moved(self.instance, attrs):
            raise serializers.ValidationError({"project": _("An issue stays with its project.")})
        return attrs


class IssueTransitionSerializer(serializers.Serializer[Any]):
    to_status = serializers.ChoiceField(choices=IssueStatus.choices)
    on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Needed to resolve or close.")
    )
    resolution = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("How it was resolved, or why it cannot be; needed to resolve or close."),
    )


def _issue_raise(*, by: User, data: dict[str, Any]) -> ProjectIssue:
    return issue_raise(by=by, project=data.pop("project"), visit=data.pop("visit", None), data=data)


def _issue_update(*, by: User, issue: ProjectIssue, data: dict[str, Any]) -> ProjectIssue:
    data.pop("project", None)
    data.pop("visit", None)
    return issue_update(by=by, issue=issue, data=data)


@extend_schema(tags=["task forces"])
class IssueViewSet(ScopedViewSet):
    """问题清单: the projects' issues. `?overdue=true` lists the overdue ones; the status moves
    only through `transition`."""

    queryset = ProjectIssue.objects.order_by("due_on", "id")
    read_action = "projects.see_zone_work"
    serializer_class = IssueSerializer
    filterset_class = IssueFilter
    create_service = _issue_raise
    update_service = _issue_update
    update_service_argument = "issue"

    @extend_schema(request=IssueTransitionSerializer, responses={200: IssueSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the issue on: in_progress, resolved or unresolvable (with the resolution and
        the day), or in_progress again."""
        issue = self.get_object()
        serializer = IssueTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issue = issue_transition(by=api_user(request), issue=issue, **serializer.validated_data)
        return Response(IssueSerializer(issue, context=self.get_serializer_context()).data)
