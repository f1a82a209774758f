"""Service visits (服务走访), and the problems they raise."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from kaifaqu.accounts.models import User
from kaifaqu.core.api import ScopedPrimaryKeyRelatedField, ScopedViewSet
from kaifaqu.projects.api.taskforces.common import ProjectWorkFilter, ZoneStaffField, moved
from kaifaqu.projects.models import (
    Project,
    ProjectIssue,
    ServiceVisit,
)
from kaifaqu.projects.services import (
    service_visit_record,
    service_visit_update,
)


class IssueInVisitSerializer(serializers.Serializer[Any]):
    problem = serializers.CharField()
    department = serializers.CharField(max_length=100)
    due_on = serializers.DateField()
    owner = ZoneStaffField(required=False, allow_null=True)


class ServiceVisitSerializer(serializers.ModelSerializer[ServiceVisit]):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    participants = ZoneStaffField(
        many=True,
        required=False,
        help_text=_("User ids of the zone's staff who went."),
    )
    issues: serializers.PrimaryKeyRelatedField[ProjectIssue] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    raise_issues = IssueInVisitSerializer(
        many=True,
        write_only=True,
        required=False,
        help_text=_("Problems the visit raised, each put on the project's issue list."),
    )

    class Meta:
        model = ServiceVisit
        fields = [
            "id",
            "project",
            "visited_on",
            "participants",
            "others",
            "met_with",
            "summary",
            "follow_up",
            "is_illustrative",
            "issues",
            "raise_issues",
            "recorded_by",
        ]
        read_only_fields = ["id", "issues", "recorded_by"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if moved(self.instance, attrs):
            raise serializers.ValidationError({"project": _("A visit stays with its project.")})
        return attrs


def _visit_record(*, by: User, data: dict[str, Any]) -> ServiceVisit:
    return service_visit_record(
        by=by,
        project=data.pop("project"),
        participants=data.pop("participants", []),
        issues=data.pop("raise_issues", []),
        data=data,
    )


def _visit_update(*, by: User, visit: ServiceVisit, data: dict[str, Any]) -> ServiceVisit:
    data.pop("project", None)
    data.pop("raise_issues", None)
    return service_visit_update(
        by=by, visit=visit, participants=data.pop("participants", None), data=data
    )


@extend_schema(tags=["task forces"])
class ServiceVisitViewSet(ScopedViewSet):
    """服务走访: service visits to projects; POST records one (and the problems it raised)."""

    queryset = ServiceVisit.objects.all()
    read_action = "projects.see_zone_work"
    serializer_class = ServiceVisitSerializer
    prefetch_related = ("participants", "issues")
    filterset_class = ProjectWorkFilter
    create_service = _visit_record
    update_service = _visit_update
    update_service_argument = "visit"
