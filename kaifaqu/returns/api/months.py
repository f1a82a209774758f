"""API of the reporting month (报告期): months with their progress, opened, closed, reopened and
given a deadline; a month's firms; 未报 records and reminders. Every write is a service of
services/months.py; who may call what is the permission table's (asked in `initial`, so that a
refusal is a 403 with the translated reason, before any record is looked up).

- reading months (list, retrieve): `returns.see_month` (the zone's statistics office and
  administrator) or `returns.compare_months` (the provincial office: counts only);
- a month's firms, 未报 records and reminders name firms: `returns.see_month`;
- writes: `returns.run_month`, checked again by the services with the scope.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api import ApiPagination, ScopedPrimaryKeyRelatedField
from kaifaqu.core.api_fields import MONTH_HELP, MonthField, MonthFilter
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import ensure_may, user_may
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Zone
from kaifaqu.returns.models import (
    NonResponse,
    NonResponseReason,
    NonResponseTreatment,
    Reminder,
    ReminderChannel,
    ReportingMonth,
    ReportingMonthStatus,
)
from kaifaqu.returns.selectors.month_firms import month_firms
from kaifaqu.returns.selectors.month_pages import (
    MonthRow,
    month_row,
    park_rows,
    reporter_accounts,
    zone_month_rows,
)
from kaifaqu.returns.selectors.months import (
    FirmStatus,
    Progress,
    ZoneProgress,
    close_blockers,
    month_firm_states,
    progress_of,
    reporting_month_list,
)
from kaifaqu.returns.services.months import (
    non_response_record,
    non_response_remove,
    reminder_record,
    reporting_month_close,
    reporting_month_open,
    reporting_month_reopen,
    reporting_month_set_deadline,
)

MONTH_REFUSAL = _("The reporting month is the statistics office's work.")
FIRM_STATES = [
    "accepted",
    "estimated",
    "awaiting_review",
    "sent_back",
    "draft",
    "not_started",
    "not_reported",
]


class SignedIn(permissions.BasePermission):
    """Signed in and active; what each call may do is asked of the permission table."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


def ensure_month_action(request: Request, needed: str) -> None:
    user = api_user(request)
    if needed == "read":
        if not (user_may(user, "returns.see_month") or user_may(user, "returns.compare_months")):
            ensure_may(user, "returns.see_month", MONTH_REFUSAL)
        return
    ensure_may(user, needed, MONTH_REFUSAL)


class ProgressSerializer(serializers.Serializer[Progress]):
    expected = serializers.IntegerField(help_text=_("Firms on the roster that must report."))
    states = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_(
            "Firms by state: accepted, estimated, awaiting_review, sent_back, draft, "
            "not_started, not_reported."
        ),
    )
    reached = serializers.IntegerField(help_text=_("Returns that reached the office."))
    accepted = serializers.IntegerField()
    estimated = serializers.IntegerField()
    not_reported = serializers.IntegerField()
    outstanding = serializers.IntegerField(help_text=_("Firms that still block the close."))
    response_rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text=_("报送率, per cent.")
    )
    acceptance_rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text=_("Accepted, per cent.")
    )


class ReportingMonthSerializer(serializers.ModelSerializer[ReportingMonth]):
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("Zone id."))
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    period = MonthField(help_text=MONTH_HELP)
    deadline = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Returns due by; the reporting calendar's when not given."),
    )
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]
    closed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]
    phase = serializers.SerializerMethodField(
        help_text=_("reporting, revising, closed or published.")
    )
    overdue = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ReportingMonth
        fields = [
            "id",
            "zone",
            "zone_name",
            "period",
            "status",
            "phase",
            "deadline",
            "overdue",
            "revision",
            "revision_reason",
            "opened_by",
            "closed_at",
            "closed_by",
            "progress",
        ]
        read_only_fields = ["status", "revision", "revision_reason", "closed_at"]
        validators: list[Any] = []  # the service says when the month exists already

    def _row(self, record: ReportingMonth) -> MonthRow:
        rows: dict[int, MonthRow] = self.context.get("rows", {})
        if record.pk not in rows:
            rows[record.pk] = month_row(record, today=timezone.localdate())
        return rows[record.pk]

    @extend_schema_field(
        serializers.ChoiceField(choices=["reporting", "revising", "closed", "published"])
    )
    def get_phase(self, record: ReportingMonth) -> str:
        return self._row(record).phase

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, record: ReportingMonth) -> bool:
        return self._row(record).overdue

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, record: ReportingMonth) -> dict[str, Any]:
        return dict(ProgressSerializer(self._row(record).progress).data)


class ParkProgressSerializer(serializers.Serializer[Any]):
    park_name = serializers.CharField(source="name", help_text=_("Empty: firms without a park."))
    progress = ProgressSerializer()


class ReportingMonthDetailSerializer(ReportingMonthSerializer):
    parks = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField(
        help_text=_("Why the month cannot close yet (empty: it can, or it is closed).")
    )

    class Meta(ReportingMonthSerializer.Meta):
        fields = [*ReportingMonthSerializer.Meta.fields, "parks", "blockers"]

    def _firms(self, record: ReportingMonth) -> list[FirmStatus]:
        """The month's firm states, read once for its progress, parks and blockers."""
        firms: dict[int, list[FirmStatus]] = self.context.setdefault("firms", {})
        if record.pk not in firms:
            firms[record.pk] = month_firm_states(record.zone_id, Month.of(record.period))
        return firms[record.pk]

    def _progress(self, record: ReportingMonth) -> ZoneProgress:
        return progress_of(record.zone_id, self._firms(record))

    def _row(self, record: ReportingMonth) -> MonthRow:
        rows: dict[int, MonthRow] = self.context.setdefault("rows", {})
        if record.pk not in rows:
            rows[record.pk] = month_row(
                record, today=timezone.localdate(), progress=self._progress(record)
            )
        return rows[record.pk]

    @extend_schema_field(ParkProgressSerializer(many=True))
    def get_parks(self, record: ReportingMonth) -> list[dict[str, Any]]:
        parks = park_rows(record, progress=self._progress(record))
        return [dict(row) for row in ParkProgressSerializer(parks, many=True).data]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_blockers(self, record: ReportingMonth) -> list[str]:
        return close_blockers(record, firms=self._firms(record)) if record.is_open else []


class ReportingMonthFilter(django_filters.FilterSet):
    zone = django_filters.NumberFilter(field_name="zone_id", label=_("Zone id"))
    period = MonthFilter(label=_("Month"), help_text=MONTH_HELP)
    status = django_filters.ChoiceFilter(choices=ReportingMonthStatus.choices)

    class Meta:
        model = ReportingMonth
        fields = ["zone", "period", "status"]


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text=_("Why the month is revised."))


class DeadlineSerializer(serializers.Serializer[Any]):
    deadline = serializers.DateField()


class FirmLineSerializer(serializers.Serializer[Any]):
    enterprise = serializers.IntegerField(source="enterprise.pk")
    enterprise_name = serializers.CharField(source="enterprise.name")
    uscc = serializers.CharField(source="enterprise.uscc")
    park_name = serializers.CharField(source="enterprise.park.name", default=None)
    state = serializers.ChoiceField(choices=FIRM_STATES)
    return_id = serializers.IntegerField(allow_null=True)
    reminders = serializers.IntegerField()
    last_reminder = serializers.DateField(allow_null=True)
    non_response = serializers.IntegerField(source="non_response.pk", default=None)
    statistics_contact = serializers.CharField(source="enterprise.statistics_contact")
    statistics_phone = serializers.CharField(source="enterprise.statistics_phone")
    reporter_accounts = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reporter_accounts(self, line: Any) -> list[str]:
        accounts: dict[int, list[str]] = self.context.get("accounts", {})
        return accounts.get(line.enterprise.pk, [])


@extend_schema(tags=["statistics"])
class ReportingMonthViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ReportingMonth],
):
    """Reporting months (报告期) with their progress: response rate (报送率), acceptance rate and
    firms by state. Create opens a month; close, reopen (as a revision) and deadline act on one."""

    queryset = ReportingMonth.objects.all()
    permission_classes = [SignedIn]
    pagination_class = ApiPagination
    filterset_class = ReportingMonthFilter
    ordering_fields = ["period", "deadline"]

    NEEDS = {
        "list": "read",
        "retrieve": "read",
        "firms": "returns.see_month",
        "create": "returns.run_month",
        "close": "returns.run_month",
        "reopen": "returns.run_month",
        "deadline": "returns.run_month",
    }

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        ensure_month_action(request, self.NEEDS.get(self.action or "", "returns.run_month"))

    def get_queryset(self) -> QuerySet[ReportingMonth]:
        if getattr(self, "swagger_fake_view", False):
            return ReportingMonth.objects.none()
        return reporting_month_list(user=api_user(self.request)).order_by(
            "-period", "zone__name", "pk"
        )

    def get_serializer_class(self) -> Any:
        if self.action in ("retrieve", "close", "reopen", "deadline"):
            return ReportingMonthDetailSerializer
        return ReportingMonthSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        records = list(page if page is not None else queryset)
        rows = {row.record.pk: row for row in zone_month_rows(records, today=timezone.localdate())}
        data = ReportingMonthSerializer(
            records, many=True, context={**self.get_serializer_context(), "rows": rows}
        ).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = reporting_month_open(
            by=api_user(self.request),
            zone=data["zone"],
            period=data["period"],
            deadline=data.get("deadline"),
        )

    def _detail(self, record: ReportingMonth, code: int = status.HTTP_200_OK) -> Response:
        record.refresh_from_db()
        return Response(
            ReportingMonthDetailSerializer(record, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(request=None, responses=ReportingMonthDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the month; refused (400, with every reason) while a firm is still open."""
        record = self.get_object()
        reporting_month_close(by=api_user(request), reporting_month=record)
        return self._detail(record)

    @extend_schema(request=ReasonSerializer, responses=ReportingMonthDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Reopen a closed month as a revision (修订), with the reason."""
        record = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reporting_month_reopen(
            by=api_user(request), reporting_month=record, reason=body.validated_data["reason"]
        )
        return self._detail(record)

    @extend_schema(request=DeadlineSerializer, responses=ReportingMonthDetailSerializer)
    @action(detail=True, methods=["post"])
    def deadline(self, request: Request, pk: str | None = None) -> Response:
        """Change the deadline of an open month."""
        record = self.get_object()
        body = DeadlineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reporting_month_set_deadline(
            by=api_user(request), reporting_month=record, deadline=body.validated_data["deadline"]
        )
        return self._detail(record)

    @extend_schema(
        parameters=[OpenApiParameter("state", enum=FIRM_STATES, required=False)],
        responses=FirmLineSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def firms(self, request: Request, pk: str | None = None) -> Response:
        """The month's firms with their state, contacts, reminders and 未报 record."""
        record = self.get_object()
        state = request.query_params.get("state")
        lines = month_firms(record, states=[state] if state else None)
        accounts = reporter_accounts(line.enterprise.pk for line in lines)
        return Response(FirmLineSerializer(lines, many=True, context={"accounts": accounts}).data)


def _scoped_months(request: Request) -> QuerySet[ReportingMonth]:
    # request.user, not api_user: the schema generator builds serializers signed out.
    return ReportingMonth.objects.for_user(request.user)


class _MonthRecordViewSet(viewsets.GenericViewSet[Any]):
    permission_classes = [SignedIn]
    pagination_class = ApiPagination

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        reading = request.method in permissions.SAFE_METHODS
        ensure_month_action(request, "returns.see_month" if reading else "returns.run_month")


class NonResponseSerializer(serializers.ModelSerializer[NonResponse]):
    reporting_month = serializers.PrimaryKeyRelatedField(queryset=ReportingMonth.objects.none())
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    reason = serializers.ChoiceField(choices=NonResponseReason.choices)
    treatment = serializers.ChoiceField(
        choices=NonResponseTreatment.choices,
        required=False,
        help_text=_(
            "By default the reason's: stopped or deregistered count as nothing, any "
            "other is estimated at the close."
        ),
    )
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = NonResponse
        fields = [
            "id",
            "reporting_month",
            "enterprise",
            "enterprise_name",
            "reason",
            "treatment",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            field = self.fields["reporting_month"]
            field.queryset = _scoped_months(request)  # type: ignore[attr-defined]


class NonResponseFilter(django_filters.FilterSet):
    reporting_month = django_filters.NumberFilter(field_name="reporting_month_id")

    class Meta:
        model = NonResponse
        fields = ["reporting_month"]


@extend_schema(tags=["statistics"])
class NonResponseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    _MonthRecordViewSet,
):
    """Firms recorded as not reported (未报) for a month, with the reason and treatment. Create
    records one (again: changes it); POST withdraw/ takes it back while the month is open (the
    API has no DELETE: a withdrawal is an action of the service, audited)."""

    serializer_class = NonResponseSerializer
    filterset_class = NonResponseFilter

    def get_queryset(self) -> QuerySet[NonResponse]:
        if getattr(self, "swagger_fake_view", False):
            return NonResponse.objects.none()
        return (
            NonResponse.objects.filter(reporting_month__in=_scoped_months(self.request))
            .select_related("enterprise", "recorded_by", "reporting_month")
            .order_by("reporting_month", "enterprise__name", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        record = non_response_record(
            by=api_user(request),
            reporting_month=data["reporting_month"],
            enterprise=data["enterprise"],
            reason=data["reason"],
            treatment=data.get("treatment"),
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw the 未报 record (the firm reports after all); the month must be open."""
        non_response_remove(by=api_user(request), non_response=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReminderSerializer(serializers.ModelSerializer[Reminder]):
    reporting_month = serializers.PrimaryKeyRelatedField(queryset=ReportingMonth.objects.none())
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    channel = serializers.ChoiceField(choices=ReminderChannel.choices)
    sent_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = Reminder
        fields = [
            "id",
            "reporting_month",
            "enterprise",
            "enterprise_name",
            "channel",
            "note",
            "sent_by",
            "sent_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            field = self.fields["reporting_month"]
            field.queryset = _scoped_months(request)  # type: ignore[attr-defined]


class ReminderFilter(django_filters.FilterSet):
    reporting_month = django_filters.NumberFilter(field_name="reporting_month_id")
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")

    class Meta:
        model = Reminder
        fields = ["reporting_month", "enterprise"]


@extend_schema(tags=["statistics"])
class ReminderViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    _MonthRecordViewSet,
):
    """Reminders (催报) sent to firms that have not reported, on record."""

    serializer_class = ReminderSerializer
    filterset_class = ReminderFilter

    def get_queryset(self) -> QuerySet[Reminder]:
        if getattr(self, "swagger_fake_view", False):
            return Reminder.objects.none()
        return (
            Reminder.objects.filter(reporting_month__in=_scoped_months(self.request))
            .select_related("enterprise", "sent_by")
            .order_by("-sent_at", "-pk")
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = reminder_record(
            by=api_user(self.request),
            reporting_month=data["reporting_month"],
            enterprise=data["enterprise"],
            channel=data["channel"],
            note=data.get("note", ""),
        )
