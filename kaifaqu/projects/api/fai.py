"""API for the fixed-asset investment database: registrations (入库), their monthly reports, the
projects eligible to register, and the zone's 固定资产投资 of a month — the same services and
selectors as the pages, scoped the same way."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api import ApiPagination, ReadActionMixin, ScopedPrimaryKeyRelatedField
from kaifaqu.core.api_fields import MonthField
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import can_write
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.models import FaiRegistration, FaiReport, Project
from kaifaqu.projects.selectors import (
    FaiFigures,
    fai_eligible_projects,
    fai_registrations,
    fai_reports,
    zone_fai,
    zone_fai_by_park,
)
from kaifaqu.projects.services import fai_register, fai_registration_update, fai_report_record


def _money(**kwargs: Any) -> serializers.DecimalField:
    """An amount in 万元, as stored (4 decimals: exact to the yuan)."""
    return serializers.DecimalField(max_digits=16, decimal_places=4, **kwargs)


class FaiRegistrationSerializer(serializers.ModelSerializer[FaiRegistration]):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    project_name = serializers.CharField(source="project.name", read_only=True)
    zone = serializers.IntegerField(source="project.zone_id", read_only=True)
    park = serializers.IntegerField(source="project.park_id", read_only=True, allow_null=True)
    planned_investment = _money(source="project.planned_investment", read_only=True)
    cumulative = _money(
        read_only=True, allow_null=True, help_text=_("自开工累计 as last reported (万元).")
    )
    last_month = MonthField(read_only=True, allow_null=True)
    reported = serializers.BooleanField(
        read_only=True, help_text=_("Whether the project reported the month asked (?month=).")
    )

    class Meta:
        model = FaiRegistration
        fields = [
            "id",
            "project",
            "project_name",
            "zone",
            "park",
            "planned_investment",
            "registered_on",
            "stats_code",
            "note",
            "cumulative",
            "last_month",
            "reported",
            "is_illustrative",
        ]
        read_only_fields = ["id", "is_illustrative"]


class FaiRegistrationUpdateSerializer(serializers.Serializer[Any]):
    registered_on = serializers.DateField(required=False)
    stats_code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class FaiReportSerializer(serializers.ModelSerializer[FaiReport]):
    month = MonthField()
    cumulative = _money(
        required=False,
        allow_null=True,
        min_value=0,
        help_text=_("自开工累计 (万元); derived from the previous report when left out."),
    )
    month_amount = _money(min_value=0, help_text=_("本月 (万元)"))

    class Meta:
        model = FaiReport
        fields = [
            "id",
            "month",
            "month_amount",
            "cumulative",
            "above_plan_note",
            "is_illustrative",
        ]
        read_only_fields = ["id", "is_illustrative"]


class FaiFiguresSerializer(serializers.Serializer[FaiFigures]):
    month = serializers.CharField(source="month.__str__")
    month_value = _money(allow_null=True)
    month_base = _money(allow_null=True)
    month_growth = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    ytd_value = _money(allow_null=True)
    ytd_base = _money(allow_null=True)
    ytd_growth = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    projects = serializers.IntegerField()


def _month_param(request: Request) -> Month:
    text = request.query_params.get("month")
    if not text:
        return Month.of(timezone.localdate())
    try:
        return Month.parse(text)
    except ValueError as error:
        raise DrfValidationError({"month": [_("Write the month as 2025-03.")]}) from error


MONTH_PARAM = OpenApiParameter(
    "month", str, description=_('The month, e.g. "2025-03" (default: the current month).')
)
ZONE_PARAM = OpenApiParameter("zone", int, description=_("A zone's id."))


class FaiRegistrationViewSet(
    ReadActionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Projects registered in the fixed-asset investment database (入库) the user sees, with their
    last cumulative and whether they reported `?month=`; `?zone=` narrows to a zone."""

    # The investment database is the zone's work (as on its pages); registering and reporting
    # are its writers' (the default permission asks the table's rows of the model).
    queryset = FaiRegistration.objects.all()
    read_action = "projects.see_zone_work"
    serializer_class = FaiRegistrationSerializer
    pagination_class = ApiPagination

    def get_queryset(self) -> Any:
        zone = None
        if self.request.query_params.get("zone"):
            zone = get_object_or_404(
                Zone.objects.for_user(self.request.user), pk=self.request.query_params["zone"]
            )
        return fai_registrations(
            user=self.request.user, month=_month_param(self.request), zone=zone
        )

    @extend_schema(parameters=[MONTH_PARAM, ZONE_PARAM])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        registration = fai_register(
            by=api_user(self.request),
            project=data["project"],
            registered_on=data["registered_on"],
            stats_code=data.get("stats_code", ""),
            note=data.get("note", ""),
        )
        serializer.instance = self.get_queryset().get(pk=registration.pk)

    @extend_schema(request=FaiRegistrationUpdateSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        registration = self.get_object()
        serializer = FaiRegistrationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fai_registration_update(
            by=api_user(request), registration=registration, data=dict(serializer.validated_data)
        )
        return Response(FaiRegistrationSerializer(self.get_queryset().get(pk=registration.pk)).data)

    @extend_schema(request=FaiReportSerializer, responses={200: FaiReportSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def reports(self, request: Request, pk: str | None = None) -> Response:
        """GET: the project's monthly reports, latest first. POST: report (or correct) a month;
        the cumulative is derived when left out, later months are re-derived; above the plan
        only with `above_plan_note`."""
        registration = self.get_object()
        if request.method == "POST":
            serializer = FaiReportSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            outcome = fai_report_record(
                by=api_user(request),
                registration=registration,
                month=data["month"],
                month_amount=data["month_amount"],
                cumulative=data.get("cumulative"),
                above_plan_note=data.get("above_plan_note", ""),
            )
            return Response(FaiReportSerializer(outcome.report).data, status=201)
        return Response(FaiReportSerializer(fai_reports(registration=registration), many=True).data)

    @extend_schema(parameters=[ZONE_PARAM])
    @action(detail=False, methods=["get"])
    def eligible(self, request: Request) -> Response:
        """Started projects of 500 万元 or more the user sees that are not registered yet."""
        zone = None
        if request.query_params.get("zone"):
            zone = get_object_or_404(
                Zone.objects.for_user(request.user), pk=request.query_params["zone"]
            )
        projects = fai_eligible_projects(user=api_user(request), zone=zone)
        return Response(
            [
                {
                    "id": project.pk,
                    "name": project.name,
                    "zone": project.zone_id,
                    "park": project.park_id,
                    "stage": project.stage,
                    "started_on": getattr(project, "started_on", None),
                    "planned_investment": str(project.planned_investment),
                    "can_register": can_write(request.user, FaiRegistration),
                }
                for project in projects
            ]
        )


class FaiTotalsViewSet(ReadActionMixin, viewsets.ViewSet):
    """The zone's 固定资产投资 of a month computed from the reports: the month, 1–N月, last year's
    same and growth; per park. `?zone=` (required unless the user sees one zone) `&month=`."""

    read_action = "projects.see_zone_work"

    @extend_schema(parameters=[MONTH_PARAM, ZONE_PARAM], responses={200: FaiFiguresSerializer})
    def list(self, request: Request) -> Response:
        zones = Zone.objects.for_user(request.user)
        if request.query_params.get("zone"):
            zone = get_object_or_404(zones, pk=request.query_params["zone"])
        else:
            candidates = list(zones[:2])
            if len(candidates) != 1:
                raise DrfValidationError({"zone": [_("Choose a zone.")]})
            zone = candidates[0]
        month = _month_param(request)
        figures = zone_fai(user=api_user(request), zone=zone, month=month)
        parks = zone_fai_by_park(user=api_user(request), zone=zone, month=month)
        return Response(
            {
                "zone": zone.pk,
                **FaiFiguresSerializer(figures).data,
                "parks": [
                    {
                        "park": row.park.pk if isinstance(row.park, Park) else None,
                        "name": row.name,
                        **FaiFiguresSerializer(row.figures).data,
                    }
                    for row in parks
                ],
            }
        )
