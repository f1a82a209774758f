"""A project's timeline, as on its page."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.projects.models import (
    Project,
)
from kaifaqu.projects.selectors import project_timeline


class TimelineEventSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    kind = serializers.CharField(
        help_text=_("stage, task_force, visit, issue_raised, issue_settled, document")
    )
    kind_label = serializers.CharField(source="label")
    title = serializers.CharField()
    detail = serializers.CharField()
    who = serializers.CharField()
    url = serializers.CharField()
    illustrative = serializers.BooleanField()


@extend_schema(tags=["task forces"])
class ProjectTimelineViewSet(viewsets.ViewSet):
    """A project's whole story, newest first: stage changes, task force, visits, issues,
    documents (what the user may see of them). The id is the project's."""

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Project id.")],
        responses=TimelineEventSerializer(many=True),
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        project = Project.objects.for_user(request.user).filter(pk=pk).first()
        if project is None:
            raise Http404
        events = project_timeline(project, user=api_user(request))
        return Response(TimelineEventSerializer(events, many=True).data)
