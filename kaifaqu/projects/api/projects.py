"""API for projects; a project changes stage only through `POST /api/projects/{id}/advance/`."""

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.accounts.models import User
from kaifaqu.core.api import IndustryClassField, ScopedPrimaryKeyRelatedField, ScopedViewSet
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.permissions import ensure_may
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.filters import ProjectFilter
from kaifaqu.projects.imports import projects_import
from kaifaqu.projects.models import Project, Stage, StageChange
from kaifaqu.projects.selectors import officer_choices, project_cycles
from kaifaqu.projects.services import (
    STAGE_DATA_FIELDS,
    project_advance,
    project_create,
    project_update,
    stage_change_correct,
)


class StageChangeSerializer(serializers.ModelSerializer[StageChange]):
    class Meta:
        model = StageChange
        fields = ["from_stage", "to_stage", "on", "note"]
        read_only_fields = fields


class OfficerField(serializers.PrimaryKeyRelatedField[User]):
    """The officer in charge, chosen among the staff of the zones the user sees. A missing id and
    a user outside the scope get the same answer: the reply must not tell which ids exist."""

    default_error_messages = {
        "does_not_exist": _("Choose a user of this zone."),
        "incorrect_type": _("Choose a user of this zone."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("User id of the officer in charge, a member of the zone's staff.")
        )
        super().__init__(queryset=User.objects.filter(is_active=True), **kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return User.objects.none()
        return officer_choices(user=user).filter(is_active=True)


class ProjectSerializer(serializers.ModelSerializer[Project]):
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("Zone id."))
    officer = OfficerField()
    park = ScopedPrimaryKeyRelatedField(
        queryset=Park.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Park id; the park must belong to the zone."),
    )
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Id of the implementing enterprise, registered in the same zone."),
    )
    industry = IndustryClassField(allow_null=True, required=False)
    industry_name = serializers.CharField(source="industry.name", read_only=True, allow_null=True)
    stage_changes = StageChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "zone",
            "park",
            "site",
            "stage",
            "stage_since",
            "total_investment",
            "signed_investment",
            "planned_investment",
            "land_mu",
            "investor",
            "enterprise",
            "industry",
            "industry_name",
            "capacity",
            "expected_annual_output",
            "expected_annual_tax",
            "expected_jobs",
            "officer",
            "description",
            "is_illustrative",
            "stage_changes",
        ]
        extra_kwargs = {
            "stage": {"help_text": _("Changed only through the advance action.")},
            "stage_since": {"help_text": _("Date the project entered its current stage.")},
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Sending back an unchanged stage (a PUT of what was read) is fine; changing it is not.
        if self.instance is not None:
            current = {
                "stage": str(self.instance.stage),
                "stage_since": self.instance.stage_since.isoformat(),
            }
            errors = {
                name: _("A project changes stage only through its advance action.")
                for name, value in current.items()
                if name in self.initial_data and str(self.initial_data[name]) != value
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class ProjectCreateSerializer(ProjectSerializer):
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        default=Stage.LEAD,
        help_text=_("The stage the project is in when registered."),
    )
    stage_since = serializers.DateField(
        required=False, help_text=_("Date the project entered that stage; today if omitted.")
    )


def _stage_figure(help_text: Any) -> serializers.DecimalField:
    """An amount a stage change may bring along (万元), as the model field takes it."""
    return serializers.DecimalField(
        max_digits=16, decimal_places=4, min_value=0, required=False, help_text=help_text
    )


class ProjectAdvanceSerializer(serializers.Serializer[Any]):
    to_stage = serializers.ChoiceField(choices=Stage.choices, help_text=_("The new stage."))
    on = serializers.DateField(help_text=_("Date of the change (not in the future)."))
    note = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when the project stalls or is terminated: the reason."),
    )
    signed_investment = _stage_figure(
        _("签约投资额 (万元): needed to enter 签约 unless on record.")
    )
    planned_investment = _stage_figure(
        _("计划总投资 (万元): needed to enter 开工 unless on record.")
    )
    total_investment = _stage_figure(_("总投资 (万元), as commissioned."))


class StageChangeCorrectSerializer(serializers.Serializer[Any]):
    change = serializers.IntegerField(help_text=_("Id of one of the project's stage changes."))
    on = serializers.DateField(help_text=_("The correct date (in order with the other changes)."))
    reason = serializers.CharField(max_length=300, help_text=_("Why the date is corrected."))


class ProjectImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text=_("The ledger: an .xlsx workbook or a .csv file."))
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("Zone id."))
    unit = serializers.ChoiceField(
        choices=[unit.value for unit in MoneyUnit],
        default=MoneyUnit.WAN.value,
        help_text=_("Money unit of the figures unless a column header says otherwise."),
    )


class ImportErrorSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(allow_null=True, help_text=_("The row as Excel shows it."))
    column = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class ProjectImportResultSerializer(serializers.Serializer[Any]):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    # The metaclass takes declared fields off the class, so Serializer.errors stays intact.
    errors = ImportErrorSerializer(many=True)  # type: ignore[assignment]


@extend_schema_view(
    create=extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer})
)
@extend_schema(tags=["projects"])
class ProjectViewSet(ScopedViewSet):
    """Investment projects with their stage history (线索 → … → 达产, 停滞, 终止)."""

    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    select_related = ("industry",)
    prefetch_related = (
        Prefetch("stage_changes", queryset=StageChange.objects.order_by("on", "id")),
    )
    filterset_class = ProjectFilter
    search_fields = ["name", "investor", "site"]
    ordering_fields = [
        "name",
        "stage",
        "stage_since",
        "total_investment",
        "signed_investment",
        "expected_annual_output",
    ]
    create_service = project_create
    update_service = project_update
    update_service_argument = "project"

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "create":
            return ProjectCreateSerializer
        if self.action == "advance":
            return ProjectAdvanceSerializer
        if self.action == "correct_stage_change":
            return StageChangeCorrectSerializer
        return ProjectSerializer

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        stage = data.pop("stage")
        stage_on = data.pop("stage_since", None)
        serializer.instance = project_create(
            by=api_user(self.request), data=data, stage=stage, stage_on=stage_on
        )

    @extend_schema(request=ProjectAdvanceSerializer, responses={200: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str | None = None) -> Response:
        """Move the project to another stage on a date; the change is added to its history."""
        project = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        move = dict(serializer.validated_data)
        data = {name: move.pop(name) for name in STAGE_DATA_FIELDS if name in move}
        project_advance(project=project, by=api_user(request), data=data, **move)
        project = self.get_queryset().get(pk=project.pk)
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data)

    @extend_schema(
        request={"multipart/form-data": ProjectImportSerializer},
        responses={200: ProjectImportResultSerializer, 400: ProjectImportResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser],
        serializer_class=ProjectImportSerializer,
    )
    def import_ledger(self, request: Request) -> Response:
        """Import a zone's project ledger (项目台账), all or nothing: 200 with what was written,
        or 400 with every bad row (its number as Excel shows it, the column and the reason)."""
        # A park's service centre writes projects but imports no zone's ledger: refused before
        # the file is read.
        ensure_may(request.user, "projects.import_ledger")
        serializer = ProjectImportSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        result = projects_import(
            by=request.user,
            zone=serializer.validated_data["zone"],
            file=upload,
            filename=upload.name,
            unit=MoneyUnit(serializer.validated_data["unit"]),
        )
        return Response(
            ProjectImportResultSerializer(result).data, status=400 if result.errors else 200
        )

    @extend_schema(request=StageChangeCorrectSerializer, responses={200: ProjectSerializer})
    @action(detail=True, methods=["post"], url_path="correct-stage-change")
    def correct_stage_change(self, request: Request, pk: str | None = None) -> Response:
        """Correct the date of one of the project's stage changes, with the reason."""
        project = self.get_object()
        serializer = StageChangeCorrectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = project.stage_changes.filter(pk=serializer.validated_data["change"]).first()
        if change is None:
            raise serializers.ValidationError(
                {"change": [_("Not a stage change of this project.")]}
            )
        stage_change_correct(
            change=change,
            on=serializer.validated_data["on"],
            reason=serializer.validated_data["reason"],
            by=api_user(request),
        )
        project = self.get_queryset().get(pk=project.pk)
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data)


# --- cycle times ------------------------------------------------------------------------------


class SpanTimeSerializer(serializers.Serializer[Any]):
    span = serializers.CharField(source="span.code", help_text=_("lead_to_signed, …"))
    days = serializers.IntegerField(help_text=_("Days, or days so far when still running."))
    open = serializers.BooleanField(help_text=_("Still running: the later stage not reached."))
    norm = serializers.IntegerField(help_text=_("The zone's norm for the span, in days."))
    overdue = serializers.BooleanField(help_text=_("Longer than the norm."))


class ProjectCycleSerializer(serializers.Serializer[Any]):
    project = serializers.IntegerField(source="project.pk")
    name = serializers.CharField(source="project.name")
    zone = serializers.IntegerField(source="project.zone_id")
    park = serializers.IntegerField(source="project.park_id", allow_null=True)
    stage = serializers.CharField(source="project.stage")
    spans = serializers.SerializerMethodField()

    def get_spans(self, cycle: Any) -> list[dict[str, Any]]:
        return SpanTimeSerializer(list(cycle.spans.values()), many=True).data  # type: ignore[return-value]


class CycleQuerySerializer(serializers.Serializer[Any]):
    zone = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(),
        required=False,
        help_text=_("Zone id; every zone you can see when not given."),
    )


class ProjectCycleViewSet(viewsets.ViewSet):
    """Cycle times (项目周期) of the projects you can see: each span between stages (lead →
    signing, signing → start, approval → start, start → commissioning) in days, still running
    or done, against the zone's norm."""

    @extend_schema(parameters=[CycleQuerySerializer], responses=ProjectCycleSerializer(many=True))
    def list(self, request: Request) -> Response:
        query = CycleQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        cycles = project_cycles(
            user=api_user(request),
            today=timezone.localdate(),
            zone=query.validated_data.get("zone"),
        )
        return Response(ProjectCycleSerializer(cycles, many=True).data)
