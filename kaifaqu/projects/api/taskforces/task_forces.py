"""Task forces (专班): their seats; formed, changed and dissolved."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.accounts.models import User
from kaifaqu.core.api import ReadActionMixin, ScopedPrimaryKeyRelatedField
from kaifaqu.projects.api.taskforces.common import ProjectWorkFilter, ZoneStaffField
from kaifaqu.projects.models import (
    Project,
    TaskForce,
    TaskForceMember,
)
from kaifaqu.projects.services import (
    Person,
    task_force_assign,
    task_force_dissolve,
)


class SeatSerializer(serializers.ModelSerializer[TaskForceMember]):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = TaskForceMember
        fields = [
            "id",
            "role",
            "user",
            "name",
            "department",
            "display_name",
            "joined_on",
            "left_on",
        ]
        read_only_fields = fields


class PersonSerializer(serializers.Serializer[Any]):
    user = ZoneStaffField(
        required=False,
        allow_null=True,
        help_text=_("User id of a member of the zone's staff; or give name and department."),
    )
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    department = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def to_person(self, data: dict[str, Any]) -> Person:
        return Person(
            user=data.get("user"), name=data.get("name", ""), department=data.get("department", "")
        )


class TaskForceSerializer(serializers.ModelSerializer[TaskForce]):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    seats = SeatSerializer(source="members", many=True, read_only=True)
    title = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = TaskForce
        fields = [
            "id",
            "project",
            "name",
            "title",
            "formed_on",
            "dissolved_on",
            "dissolved_reason",
            "note",
            "seats",
        ]
        read_only_fields = fields


class TaskForceAssignSerializer(serializers.Serializer[Any]):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    on = serializers.DateField(
        help_text=_("The day the task force is formed, or the day of the change.")
    )
    lead = PersonSerializer()
    members = PersonSerializer(many=True, required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TaskForceDissolveSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    reason = serializers.CharField(max_length=300)


def _assign(user: User, data: dict[str, Any]) -> TaskForce:
    person = PersonSerializer()
    return task_force_assign(
        by=user,
        project=data["project"],
        lead=person.to_person(data["lead"]),
        members=[person.to_person(member) for member in data["members"]],
        on=data["on"],
        name=data["name"],
        note=data["note"],
    )


@extend_schema_view(
    create=extend_schema(request=TaskForceAssignSerializer, responses={201: TaskForceSerializer})
)
@extend_schema(tags=["task forces"])
class TaskForceViewSet(
    ReadActionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """专班: a project's task force with its seats (current and past). POST forms it or changes
    it (the lead and members as of a day); `dissolve` ends it."""

    queryset = TaskForce.objects.all()
    read_action = "projects.see_zone_work"
    serializer_class = TaskForceSerializer
    filterset_class = ProjectWorkFilter

    def get_queryset(self) -> Any:
        seats = TaskForceMember.objects.select_related("user").order_by(
            F("left_on").asc(nulls_first=True), "role", "id"
        )
        return (
            TaskForce.objects.for_user(self.request.user)
            .select_related("project")
            .prefetch_related(Prefetch("members", queryset=seats))
            .order_by("project_id")
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "create":
            return TaskForceAssignSerializer
        if self.action == "dissolve":
            return TaskForceDissolveSerializer
        return TaskForceSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TaskForceAssignSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        task_force = _assign(api_user(request), dict(serializer.validated_data))
        return Response(TaskForceSerializer(self.get_queryset().get(pk=task_force.pk)).data, 201)

    @extend_schema(request=TaskForceDissolveSerializer, responses={200: TaskForceSerializer})
    @action(detail=True, methods=["post"])
    def dissolve(self, request: Request, pk: str | None = None) -> Response:
        """Dissolve the task force on a day, with the reason."""
        task_force = self.get_object()
        serializer = TaskForceDissolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task_force_dissolve(
            by=api_user(request), task_force=task_force, **serializer.validated_data
        )
        return Response(TaskForceSerializer(self.get_queryset().get(pk=task_force.pk)).data)
