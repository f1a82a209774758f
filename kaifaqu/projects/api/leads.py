"""API for investment promotion leads (招商线索): leads and their follow-ups, dropping, reopening and
converting a lead to a project, and the funnel (招商漏斗). The same services as the pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.accounts.models import User
from kaifaqu.core.api import (
    IndustryClassField,
    ReadActionMixin,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
)
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.api.projects import OfficerField, ProjectSerializer
from kaifaqu.projects.filters import LeadFilter
from kaifaqu.projects.models import (
    CONTACT_FIELDS,
    DropReason,
    FollowUp,
    Lead,
    Stage,
    may_see_contacts,
)
from kaifaqu.projects.selectors import FunnelRow, lead_follow_ups, lead_funnel, lead_list
from kaifaqu.projects.services import (
    CONVERSION_STAGES,
    follow_up_add,
    follow_up_update,
    lead_convert,
    lead_create,
    lead_drop,
    lead_reopen,
    lead_update,
)


class LeadSerializer(serializers.ModelSerializer[Lead]):
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("Zone id."))
    park = ScopedPrimaryKeyRelatedField(
        queryset=Park.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Park id; the park must belong to the zone."),
    )
    officer = OfficerField()
    industry = IndustryClassField(allow_null=True, required=False)
    last_follow_up_on = serializers.DateField(read_only=True, allow_null=True)
    going_cold = serializers.BooleanField(
        read_only=True, help_text=_("Open, and no follow-up for longer than the zone allows.")
    )

    class Meta:
        model = Lead
        fields = [
            "id",
            "zone",
            "park",
            "title",
            "investor",
            "source",
            "contact_person",
            "contact_phone",
            "contact_email",
            "industry",
            "expected_investment",
            "received_on",
            "officer",
            "status",
            "project",
            "converted_on",
            "dropped_on",
            "drop_reason",
            "drop_note",
            "note",
            "is_illustrative",
            "last_follow_up_on",
            "going_cold",
        ]
        read_only_fields = [
            "id",
            "status",
            "project",
            "converted_on",
            "dropped_on",
            "drop_reason",
            "drop_note",
        ]
        extra_kwargs = {
            name: {"help_text": _("Personal data: null for users outside the lead's zone.")}
            for name in CONTACT_FIELDS
        }

    def to_representation(self, instance: Lead) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not may_see_contacts(user, instance):
            for name in CONTACT_FIELDS:
                data[name] = None
        return data


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    lead = ScopedPrimaryKeyRelatedField(queryset=Lead.objects.all(), help_text=_("Lead id."))

    class Meta:
        model = FollowUp
        fields = ["id", "lead", "on", "method", "content", "next_step", "next_on", "by"]
        read_only_fields = ["id", "by"]


class LeadDropSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(help_text=_("Day the lead was dropped."))
    reason = serializers.ChoiceField(choices=DropReason.choices)
    note = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Needed when the reason is 'other'."),
    )


def _amount(help_text: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=16, decimal_places=4, min_value=0, required=False, help_text=help_text
    )


class LeadConvertSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(help_text=_("Day of the conversion (not in the future)."))
    stage = serializers.ChoiceField(
        choices=[(stage, Stage(stage).label) for stage in CONVERSION_STAGES],
        default=Stage.NEGOTIATING,
        help_text=_("The stage the project enters on that day (洽谈 by default)."),
    )
    name = serializers.CharField(
        max_length=200,
        required=False,
        help_text=_("The project's name; the lead's title if omitted."),
    )
    total_investment = _amount(_("总投资 (万元); the lead's expected investment if omitted."))
    signed_investment = _amount(_("签约投资额 (万元): needed to enter 签约."))
    planned_investment = _amount(_("计划总投资 (万元): needed to enter 开工."))


class LeadViewSet(ScopedViewSet):
    """Investment promotion leads (招商线索) of your zones. Contacts are shown only to the lead's
    zone (or park) staff; a lead changes status only through its drop, reopen and convert
    actions."""

    queryset = Lead.objects.all()
    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    search_fields = ["title", "investor"]
    ordering_fields = ["received_on", "title", "expected_investment", "status"]
    create_service = lead_create
    update_service = lead_update
    update_service_argument = "lead"

    def get_queryset(self) -> Any:
        return lead_list(user=self.request.user).order_by("-received_on", "title", "pk")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return {
            "drop": LeadDropSerializer,
            "convert": LeadConvertSerializer,
        }.get(self.action or "", LeadSerializer)

    def _lead_data(self, lead: Lead) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=lead.pk)
        return LeadSerializer(fresh, context=self.get_serializer_context()).data  # type: ignore[return-value]

    @extend_schema(request=LeadDropSerializer, responses={200: LeadSerializer})
    @action(detail=True, methods=["post"])
    def drop(self, request: Request, pk: str | None = None) -> Response:
        """Drop an open lead, with the reason."""
        lead = self.get_object()
        serializer = LeadDropSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lead_drop(by=api_user(request), lead=lead, **serializer.validated_data)
        return Response(self._lead_data(lead))

    @extend_schema(request=None, responses={200: LeadSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Take a dropped lead up again."""
        lead = self.get_object()
        lead_reopen(by=api_user(request), lead=lead)
        return Response(self._lead_data(lead))

    @extend_schema(request=LeadConvertSerializer, responses={201: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def convert(self, request: Request, pk: str | None = None) -> Response:
        """Convert an open lead to a project: registered as 线索 on the day the lead came in, and
        moved to the chosen stage (洽谈 by default) on the day of the conversion."""
        lead = self.get_object()
        serializer = LeadConvertSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        on, stage = data.pop("on"), data.pop("stage")
        project = lead_convert(lead=lead, by=api_user(request), on=on, data=data, stage=stage)
        return Response(ProjectSerializer(project, context={"request": request}).data, status=201)

    @extend_schema(request=None, responses={200: FollowUpSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="follow-ups")
    def follow_ups(self, request: Request, pk: str | None = None) -> Response:
        """The lead's follow-ups, oldest first (record one at /api/project-lead-follow-ups/)."""
        lead = self.get_object()
        return Response(FollowUpSerializer(lead_follow_ups(lead=lead), many=True).data)


class FollowUpViewSet(ScopedViewSet):
    """Follow-ups (跟进记录) of the leads you can see; recorded and corrected on open leads."""

    queryset = FollowUp.objects.all()
    serializer_class = FollowUpSerializer
    select_related = ("lead",)
    filterset_fields = ["lead"]
    create_service = follow_up_add
    update_service = follow_up_update
    update_service_argument = "follow_up"


class FunnelQuerySerializer(serializers.Serializer[Any]):
    zone = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(),
        required=False,
        help_text=_("Zone id; every zone you can see when not given."),
    )
    start = serializers.DateField(
        required=False, help_text=_("Received from; 1 January if omitted.")
    )
    end = serializers.DateField(required=False, help_text=_("Received until; today if omitted."))


class FunnelRowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text=_("Source channel, officer's user id, or 'all'."))
    label = serializers.CharField()  # type: ignore[assignment]
    steps = serializers.SerializerMethodField()
    open = serializers.IntegerField()
    dropped = serializers.IntegerField()
    conversion_rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text=_("Converted of received, %")
    )
    overall_rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text=_("Commissioned of received, %")
    )

    def get_steps(self, row: FunnelRow) -> list[dict[str, Any]]:
        return [
            {
                "code": step["code"],
                "count": step["count"],
                "step_rate": None if step["step_rate"] is None else str(step["step_rate"]),
                "overall_rate": None if step["overall_rate"] is None else str(step["overall_rate"]),
            }
            for step in row.steps
        ]


class FunnelSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    total = FunnelRowSerializer()
    by_source = FunnelRowSerializer(many=True)
    by_officer = FunnelRowSerializer(many=True)
    drop_reasons = serializers.SerializerMethodField()

    def get_drop_reasons(self, funnel: Any) -> list[dict[str, Any]]:
        return [{"reason": reason, "count": count} for reason, count in funnel.drop_reasons]


class LeadFunnelViewSet(ReadActionMixin, viewsets.ViewSet):
    """The funnel (招商漏斗) of the leads received in a period: counts at each step (received,
    converted, signed, started, commissioned), rates in percent to one decimal (halves up),
    overall, by source channel and by officer."""

    read_action = "core.see_office_work"

    @extend_schema(parameters=[FunnelQuerySerializer], responses=FunnelSerializer)
    def list(self, request: Request) -> Response:
        query = FunnelQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        start = query.validated_data.get("start") or today.replace(month=1, day=1)
        end = query.validated_data.get("end") or today
        funnel = lead_funnel(
            user=api_user(request), start=start, end=end, zone=query.validated_data.get("zone")
        )
        return Response(FunnelSerializer(funnel).data)
