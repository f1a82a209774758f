"""API for the project warnings (项目预警): what `/projects/warnings/` shows."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api import ReadActionMixin, ScopedPrimaryKeyRelatedField
from kaifaqu.geo.models import Zone
from kaifaqu.projects.selectors import project_warnings


class WarningQuerySerializer(serializers.Serializer[Any]):
    zone = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(),
        required=False,
        help_text=_("Zone id; every zone you can see when not given."),
    )


class StaleSerializer(serializers.Serializer[Any]):
    project = serializers.IntegerField(source="project.pk")
    name = serializers.CharField(source="project.name")
    zone = serializers.IntegerField(source="project.zone_id")
    stage = serializers.CharField(source="project.stage")
    last_progress = serializers.DateField(
        help_text=_("The latest stage change, service visit or reported month.")
    )
    days = serializers.IntegerField(help_text=_("Days without progress."))
    norm = serializers.IntegerField(help_text=_("The zone's norm, in days."))


class OverdueSerializer(serializers.Serializer[Any]):
    issue = serializers.IntegerField(source="issue.pk")
    project = serializers.IntegerField(source="issue.project_id")
    problem = serializers.CharField(source="issue.problem")
    department = serializers.CharField(source="issue.department")
    due_on = serializers.DateField(source="issue.due_on")
    days = serializers.IntegerField(help_text=_("Days past the due date."))


class MissingSerializer(serializers.Serializer[Any]):
    project = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    zone = serializers.IntegerField(source="zone_id")
    registered = serializers.BooleanField(
        source="fai_registered", help_text=_("Registered in the investment database (入库).")
    )


class ProjectWarningsSerializer(serializers.Serializer[Any]):
    report_month = serializers.CharField(help_text=_("The month whose reports are due, YYYY-MM."))
    stale_count = serializers.IntegerField()
    stale = StaleSerializer(many=True, help_text=_("The longest without progress first."))
    overdue_count = serializers.IntegerField()
    overdue = OverdueSerializer(many=True)
    missing_count = serializers.IntegerField()
    missing = MissingSerializer(many=True)


class ProjectWarningViewSet(ReadActionMixin, viewsets.ViewSet):
    """Project warnings (项目预警) of the projects you can see: without progress for longer
    than their zone's norm, overdue issues, started projects without the last complete month's
    investment report. Counts are whole; each list holds at most 200 rows."""

    read_action = "projects.see_zone_work"

    @extend_schema(
        tags=["projects"],
        parameters=[WarningQuerySerializer],
        responses=ProjectWarningsSerializer,
    )
    def list(self, request: Request) -> Response:
        query = WarningQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        warnings = project_warnings(
            user=api_user(request),
            today=timezone.localdate(),
            zone=query.validated_data.get("zone"),
        )
        return Response(ProjectWarningsSerializer(warnings).data)
