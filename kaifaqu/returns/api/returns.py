"""API for monthly returns and their review decisions; every write goes through the services."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api import (
    ApiPagination,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ensure_read_action,
)
from kaifaqu.core.api_fields import MONTH_HELP, MonthField, MonthFilter
from kaifaqu.core.audit import access_record
from kaifaqu.core.permissions import ensure_may, visible_for_request
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Park, Zone
from kaifaqu.returns.models import (
    MONTHLY_FIELDS,
    ExplanationSource,
    Return,
    ReturnSource,
    ReturnStatus,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewFinding,
)
from kaifaqu.returns.review import finding_message
from kaifaqu.returns.services import (
    BulkAcceptError,
    return_accept,
    return_save,
    return_send_back,
    return_submit,
    returns_bulk_accept,
)


class ReturnFilter(django_filters.FilterSet):
    enterprise = django_filters.ModelChoiceFilter(queryset=visible_for_request(Enterprise))
    zone = django_filters.ModelChoiceFilter(
        field_name="enterprise__zone", queryset=visible_for_request(Zone)
    )
    park = django_filters.ModelChoiceFilter(
        field_name="enterprise__park", queryset=visible_for_request(Park)
    )
    period = MonthFilter(label=_("Month"), help_text=MONTH_HELP)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReturnStatus.choices)

    class Meta:
        model = Return
        fields = ["enterprise", "zone", "park", "period", "status"]


class FindingSerializer(serializers.ModelSerializer[ReviewFinding]):
    message = serializers.SerializerMethodField(help_text=_("In the language of the request."))

    class Meta:
        model = ReviewFinding
        fields = ["rule", "severity", "field", "params", "message", "found_at"]

    def get_message(self, finding: ReviewFinding) -> str:
        return finding_message(finding.rule, finding.params)


class ReviewDecisionSerializer(serializers.ModelSerializer[ReviewDecision]):
    by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ReviewDecision
        fields = [
            "id",
            "return_record",
            "kind",
            "comment",
            "explanation_source",
            "explanation_note",
            "by",
            "at",
        ]


class ReturnSerializer(serializers.ModelSerializer[Return]):
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), help_text=_("Enterprise id.")
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    period = MonthField(help_text=MONTH_HELP)
    findings = FindingSerializer(many=True, read_only=True)
    decisions = ReviewDecisionSerializer(many=True, read_only=True)
    submitted_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Return
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "period",
            "status",
            "source",
            *MONTHLY_FIELDS,
            "explanation",
            "submitted_at",
            "submitted_by",
            "is_illustrative",
            "is_estimate",
            "findings",
            "decisions",
        ]
        read_only_fields = ["status", "source", "submitted_at", "is_illustrative", "is_estimate"]
        # One return a month: saving the month again updates its draft (the service decides).
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            errors = {
                name: _("A return stays with its enterprise and month.")
                for name in ("enterprise", "period")
                if name in attrs and attrs[name] != getattr(self.instance, name)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class ReturnCommentSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnAcceptSerializer(ReturnCommentSerializer):
    explanation_source = serializers.ChoiceField(
        choices=ExplanationSource.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Where the explanation of the warnings came from: the enterprise's written note "
            "(recorded by itself when the enterprise explained), or what the office found out."
        ),
    )
    explanation_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What the office found out, in its own words (needed with a source)."),
    )


class BulkFilterSerializer(serializers.Serializer[Any]):
    zone = serializers.IntegerField(required=False, help_text=_("Zone id."))
    park = serializers.IntegerField(required=False, help_text=_("Park id."))
    period = MonthField(required=False, help_text=MONTH_HELP)


class BulkAcceptSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        allow_empty=False,
        help_text=_("Ids of returns to accept: each must await review and have no finding."),
    )
    filter = BulkFilterSerializer(
        required=False,
        help_text=_("Or: every return awaiting review without findings that matches it."),
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("ids" in attrs) == ("filter" in attrs):
            raise serializers.ValidationError(_("Give either ids or a filter."))
        return attrs


class BulkAcceptedSerializer(serializers.Serializer[Any]):
    accepted = serializers.IntegerField(help_text=_("Returns accepted."))
    months = serializers.IntegerField(help_text=_("Months of zones marked for the roll-up."))


class ReturnSendBackSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(help_text=_("Why it is sent back; the enterprise sees it."))


@extend_schema(tags=["statistics"])
class ReturnViewSet(ScopedViewSet):
    """Monthly returns (月度报表) in 万元: drafts, submissions and their review (审核).

    Create or update saves the month's draft; `submit` runs the review rules; the zone's
    statistics office then `accept`s or `send-back`s it with a comment.
    """

    queryset = Return.objects.all()
    read_action = "returns.see_figures"
    serializer_class = ReturnSerializer
    select_related = ("enterprise", "submitted_by")
    prefetch_related = (
        "findings",
        Prefetch("decisions", queryset=ReviewDecision.objects.select_related("by")),
    )
    filterset_class = ReturnFilter
    search_fields = ["enterprise__name", "enterprise__uscc"]
    ordering_fields = ["period", "status", "submitted_at", "gross_output", "revenue"]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        # 等保: every read of respondent figures is logged, one entry per request with the count.
        data = response.data if isinstance(response.data, dict) else {}
        shown = len(data.get("results", [])) if "results" in data else len(response.data or [])
        access_record(
            request=request,
            kind="figures_read",
            detail=f"returns list: {shown} of {data.get('count', shown)} returns; "
            f"{request.GET.urlencode()}",
        )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        access_record(
            request=request, kind="figures_read", detail=f"return {kwargs.get('pk')}: 1 return"
        )
        return response

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "send_back":
            return ReturnSendBackSerializer
        if self.action == "accept":
            return ReturnAcceptSerializer
        if self.action == "bulk_accept":
            return BulkAcceptSerializer
        return ReturnSerializer

    @staticmethod
    def _values(data: dict[str, Any]) -> dict[str, Any]:
        return {name: data[name] for name in MONTHLY_FIELDS if name in data}

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = return_save(
            by=api_user(self.request),
            enterprise=data["enterprise"],
            period=data["period"],
            values=self._values(data),
            explanation=data.get("explanation", ""),
            source=ReturnSource.API,
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        instance: Return = serializer.instance  # type: ignore[assignment]
        serializer.instance = return_save(
            by=api_user(self.request),
            enterprise=instance.enterprise,
            period=instance.period,
            values=self._values(data),
            explanation=data.get("explanation", instance.explanation),
            source=ReturnSource.API,
        )

    def _shown(self, record: Return) -> Response:
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(ReturnSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: ReturnSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit the draft: hard rules refuse it (400 with messages per field)."""
        record = return_submit(by=api_user(request), return_record=self.get_object())
        return self._shown(record)

    @extend_schema(request=ReturnAcceptSerializer, responses={200: ReturnSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept a submitted return. Warnings need the enterprise's explanation or document,
        or the office's: `explanation_source` (phone, visit, proxy_data, other) and its
        `explanation_note`. Hard findings block it."""
        record = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return_accept(by=api_user(request), return_record=record, **serializer.validated_data)
        return self._shown(record)

    @extend_schema(request=BulkAcceptSerializer, responses={200: BulkAcceptedSerializer})
    @action(detail=False, methods=["post"], url_path="bulk-accept")
    def bulk_accept(self, request: Request) -> Response:
        """Accept many returns without findings at once, all or none: `ids`, or a `filter`
        (zone, park, period) selecting every clean return awaiting review in it. If one of the
        ids is not awaiting review, has a finding or is outside the user's scope, nothing is
        accepted: 400 with `offenders`, each with its id and reason."""
        # The statistics office's (a reporter writes its returns but reviews none): refused
        # before the request is read.
        ensure_may(request.user, "returns.reviewdecision.change")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            done = returns_bulk_accept(
                by=api_user(request),
                return_ids=data.get("ids"),
                filters=data.get("filter"),
                comment=data["comment"],
            )
        except BulkAcceptError as refused:
            return Response(
                {
                    "detail": _("Nothing was accepted."),
                    "offenders": [offender.as_dict() for offender in refused.offenders],
                },
                status=400,
            )
        return Response({"accepted": done.accepted, "months": done.months})

    @extend_schema(request=ReturnSendBackSerializer, responses={200: ReturnSerializer})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        """Send a submitted return back to the enterprise with the reason."""
        record = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return_send_back(by=api_user(request), return_record=record, **serializer.validated_data)
        return self._shown(record)


class ReviewDecisionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Decision"), choices=ReviewDecisionKind.choices)
    enterprise = django_filters.ModelChoiceFilter(
        field_name="return_record__enterprise", queryset=visible_for_request(Enterprise)
    )
    period = MonthFilter(field_name="return_record__period", label=_("Month"))

    class Meta:
        model = ReviewDecision
        fields = ["return_record", "kind", "enterprise", "period"]


@extend_schema(tags=["statistics"])
class ReviewDecisionViewSet(viewsets.ReadOnlyModelViewSet[ReviewDecision]):
    """Review decisions on the returns the user may see, newest first; made by the actions."""

    queryset = ReviewDecision.objects.all()
    serializer_class = ReviewDecisionSerializer
    pagination_class = ApiPagination

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        ensure_read_action(request, "returns.see_figures")

    filterset_class = ReviewDecisionFilter
    ordering_fields = ["at"]

    def get_queryset(self) -> QuerySet[ReviewDecision]:
        visible = Return.objects.for_user(self.request.user)
        return (
            ReviewDecision.objects.filter(return_record__in=visible)
            .select_related("by")
            .order_by("-at", "-id")
        )
