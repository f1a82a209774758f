"""API of publication (审定发布): the revision log of zones' months, and publishing a closed month.

Reading the log is for the offices (`core.see_office_work`; scoped to the zones the caller sees);
publishing is the statistics office's (`indicators.publish`, asked again by the service with the
scope). A refusal is a 403 with the translated reason.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api import ApiPagination
from kaifaqu.core.api_fields import MONTH_HELP, MonthField, MonthFilter
from kaifaqu.core.permissions import ensure_may
from kaifaqu.indicators.models import Publication
from kaifaqu.indicators.services.publication import month_publish
from kaifaqu.returns.models import ReportingMonth


class SignedIn(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


class PublicationSerializer(serializers.ModelSerializer[Publication]):
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    period = MonthField(read_only=True, help_text=MONTH_HELP)
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = Publication
        fields = [
            "id",
            "zone",
            "zone_name",
            "period",
            "revision",
            "published_at",
            "published_by",
            "note",
            "firms",
            "accepted",
            "estimated",
            "not_reported",
        ]
        read_only_fields = fields


class PublishSerializer(serializers.Serializer[Any]):
    reporting_month = serializers.PrimaryKeyRelatedField(
        queryset=ReportingMonth.objects.none(), help_text=_("The closed reporting month's id.")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            field = self.fields["reporting_month"]
            field.queryset = ReportingMonth.objects.for_user(request.user)  # type: ignore[attr-defined]


class PublicationFilter(django_filters.FilterSet):
    zone = django_filters.NumberFilter(field_name="zone_id", label=_("Zone id"))
    period = MonthFilter(label=_("Month"), help_text=MONTH_HELP)

    class Meta:
        model = Publication
        fields = ["zone", "period", "revision"]


@extend_schema(tags=["indicators"])
class PublicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Publication],
):
    """The revision log: each publication of a zone's month (revision 0 first, then each
    revision). POST {reporting_month, note} publishes a closed month."""

    permission_classes = [SignedIn]
    pagination_class = ApiPagination
    filterset_class = PublicationFilter

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        user = api_user(request)
        if request.method in permissions.SAFE_METHODS:
            ensure_may(user, "core.see_office_work")
        else:
            ensure_may(
                user, "indicators.publish", _("Months are published by the statistics office.")
            )

    def get_queryset(self) -> QuerySet[Publication]:
        if getattr(self, "swagger_fake_view", False):
            return Publication.objects.none()
        return (
            Publication.objects.for_user(api_user(self.request))
            .select_related("zone", "published_by")
            .order_by("-period", "zone__name", "revision")
        )

    def get_serializer_class(self) -> Any:
        return PublishSerializer if self.action == "create" else PublicationSerializer

    @extend_schema(request=PublishSerializer, responses=PublicationSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = PublishSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        publication = month_publish(
            by=api_user(request),
            reporting_month=body.validated_data["reporting_month"],
            note=body.validated_data["note"],
        )
        return Response(PublicationSerializer(publication).data, status=status.HTTP_201_CREATED)
