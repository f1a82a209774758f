"""API for 专班陪跑: task forces, service visits, the issue list, documents (upload and scoped
download) and a project's timeline. Every write goes through the services of
`services/taskforces.py`; every read starts from for_user."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import django_filters
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.models import User
from kaifaqu.core.api import ScopedPrimaryKeyRelatedField, ScopedViewSet
from kaifaqu.projects.models import (
    PENDING,
    DocumentKind,
    IssueStatus,
    Project,
    ProjectDocument,
    ProjectIssue,
    ServiceVisit,
    TaskForce,
    TaskForceMember,
)
from kaifaqu.projects.selectors import project_timeline
from kaifaqu.projects.services import (
    Person,
    document_add,
    document_remove,
    issue_raise,
    issue_transition,
    issue_update,
    service_visit_record,
    service_visit_update,
    task_force_assign,
    task_force_dissolve,
)

ACTIVE_USERS = User.objects.filter(is_active=True)


def _moved(instance: Any, attrs: dict[str, Any]) -> bool:
    """Whether an update names another project than the record's."""
    return (
        instance is not None and "project" in attrs and attrs["project"].pk != instance.project_id
    )


# --- task forces ------------------------------------------------------------------------------


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
    user = serializers.PrimaryKeyRelatedField(
        queryset=ACTIVE_USERS,
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


class ProjectWorkFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")


def _assign(user: Any, data: dict[str, Any]) -> TaskForce:
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
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """专班: a project's task force with its seats (current and past). POST forms it or changes
    it (the lead and members as of a day); `dissolve` ends it."""

    queryset = TaskForce.objects.all()
    serializer_class = TaskForceSerializer
    filterset_class = ProjectWorkFilter

    def get_queryset(self) -> Any:
        seats = TaskForceMember.objects.select_related("user").order_by("left_on", "role", "id")
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
        task_force = _assign(request.user, dict(serializer.validated_data))
        return Response(TaskForceSerializer(self.get_queryset().get(pk=task_force.pk)).data, 201)

    @extend_schema(request=TaskForceDissolveSerializer, responses={200: TaskForceSerializer})
    @action(detail=True, methods=["post"])
    def dissolve(self, request: Request, pk: str | None = None) -> Response:
        """Dissolve the task force on a day, with the reason."""
        task_force = self.get_object()
        serializer = TaskForceDissolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task_force_dissolve(by=request.user, task_force=task_force, **serializer.validated_data)
        return Response(TaskForceSerializer(self.get_queryset().get(pk=task_force.pk)).data)


# --- service visits ---------------------------------------------------------------------------


class IssueInVisitSerializer(serializers.Serializer[Any]):
    problem = serializers.CharField()
    department = serializers.CharField(max_length=100)
    due_on = serializers.DateField()
    owner = serializers.PrimaryKeyRelatedField(
        queryset=ACTIVE_USERS, required=False, allow_null=True
    )


class ServiceVisitSerializer(serializers.ModelSerializer[ServiceVisit]):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    participants = serializers.PrimaryKeyRelatedField(
        queryset=ACTIVE_USERS,
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
        if _moved(self.instance, attrs):
            raise serializers.ValidationError({"project": _("A visit stays with its project.")})
        return attrs


def _visit_record(*, by: Any, data: dict[str, Any]) -> ServiceVisit:
    return service_visit_record(
        by=by,
        project=data.pop("project"),
        participants=data.pop("participants", []),
        issues=data.pop("raise_issues", []),
        data=data,
    )


def _visit_update(*, by: Any, visit: ServiceVisit, data: dict[str, Any]) -> ServiceVisit:
    data.pop("project", None)
    data.pop("raise_issues", None)
    return service_visit_update(
        by=by, visit=visit, participants=data.pop("participants", None), data=data
    )


@extend_schema(tags=["task forces"])
class ServiceVisitViewSet(ScopedViewSet):
    """服务走访: service visits to projects; POST records one (and the problems it raised)."""

    queryset = ServiceVisit.objects.all()
    serializer_class = ServiceVisitSerializer
    prefetch_related = ("participants", "issues")
    filterset_class = ProjectWorkFilter
    create_service = _visit_record
    update_service = _visit_update
    update_service_argument = "visit"


# --- the issue list ---------------------------------------------------------------------------


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
        overdue = {"status__in": PENDING, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class IssueSerializer(serializers.ModelSerializer[ProjectIssue]):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    visit = ScopedPrimaryKeyRelatedField(
        queryset=ServiceVisit.objects.all(), required=False, allow_null=True
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=ACTIVE_USERS,
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
        if _moved(self.instance, attrs):
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


def _issue_raise(*, by: Any, data: dict[str, Any]) -> ProjectIssue:
    return issue_raise(by=by, project=data.pop("project"), visit=data.pop("visit", None), data=data)


def _issue_update(*, by: Any, issue: ProjectIssue, data: dict[str, Any]) -> ProjectIssue:
    data.pop("project", None)
    data.pop("visit", None)
    return issue_update(by=by, issue=issue, data=data)


@extend_schema(tags=["task forces"])
class IssueViewSet(ScopedViewSet):
    """问题清单: the projects' issues. `?overdue=true` lists the overdue ones; the status moves
    only through `transition`."""

    queryset = ProjectIssue.objects.order_by("due_on", "id")
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
        issue = issue_transition(by=request.user, issue=issue, **serializer.validated_data)
        return Response(IssueSerializer(issue, context=self.get_serializer_context()).data)


# --- documents --------------------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer[ProjectDocument]):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    file = serializers.FileField(write_only=True, help_text=_("The file (multipart upload)."))
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.OTHER)
    download = serializers.SerializerMethodField()

    class Meta:
        model = ProjectDocument
        fields = [
            "id",
            "project",
            "title",
            "kind",
            "dated",
            "file",
            "original_name",
            "size",
            "is_illustrative",
            "uploaded_by",
            "download",
        ]
        read_only_fields = ["id", "original_name", "size", "uploaded_by", "download"]

    def get_download(self, document: ProjectDocument) -> str:
        return f"/api/project-documents/{document.pk}/download/"


@extend_schema(tags=["task forces"])
class DocumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """项目文件: documents of the projects. POST uploads one (multipart); `download` returns the
    file to those who may see the project's documents; `remove` deletes it and its file."""

    queryset = ProjectDocument.objects.all()
    serializer_class = DocumentSerializer
    filterset_class = ProjectWorkFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> Any:
        return (
            ProjectDocument.objects.for_user(self.request.user)
            .select_related("project")
            .order_by("-dated", "-id")
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = document_add(
            by=self.request.user, project=data.pop("project"), file=data.pop("file"), data=data
        )

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str | None = None) -> Response:
        """Remove the document and its file (the change log keeps that it existed)."""
        document_remove(by=request.user, document=self.get_object())
        return Response(status=204)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        """The document's file, as an attachment under its original name."""
        document = self.get_object()
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        name = document.original_name or PurePosixPath(document.file.name or "").name
        response = FileResponse(handle, as_attachment=True, filename=name)
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- a project's timeline ---------------------------------------------------------------------


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
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        project = Project.objects.for_user(request.user).filter(pk=pk).first()
        if project is None:
            raise Http404
        events = project_timeline(project, user=request.user)
        return Response(TimelineEventSerializer(events, many=True).data)
