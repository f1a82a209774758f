"""API of the rosters' follow-up, read-only: 应统尽统 gaps and 上规入统 candidates.

Both are the statistics office's working lists, scoped as their pages: enterprise reporters and
the 三员 administrators get nothing (gaps are not theirs to see; candidates answer 403).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api import ApiPagination, ReadActionMixin, ScopedPrimaryKeyRelatedField
from kaifaqu.core.api_fields import MONTH_HELP, MonthField, MonthFilter
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import visible_for_request
from kaifaqu.enterprises.models import Enterprise, StatCategory
from kaifaqu.geo.models import Park, Zone
from kaifaqu.returns.models import Gap, GapKind, GapStatus, ProxyKind
from kaifaqu.returns.selectors.candidates import candidate_list, latest_month
from kaifaqu.returns.selectors.gaps import gap_list
from kaifaqu.returns.views.access import (
    chosen_zone,
    ensure_zone_figures_reader,
)


class GapFilter(django_filters.FilterSet):
    zone = django_filters.ModelChoiceFilter(
        field_name="enterprise__zone", queryset=visible_for_request(Zone)
    )
    park = django_filters.ModelChoiceFilter(
        field_name="enterprise__park", queryset=visible_for_request(Park)
    )
    enterprise = django_filters.ModelChoiceFilter(queryset=visible_for_request(Enterprise))
    month = MonthFilter(field_name="period", label=_("Month"), help_text=MONTH_HELP)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GapStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=GapKind.choices)

    class Meta:
        model = Gap
        fields = ["zone", "park", "enterprise", "month", "status", "kind"]


class GapSerializer(serializers.ModelSerializer[Gap]):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    zone = serializers.IntegerField(source="enterprise.zone_id", read_only=True)
    period = MonthField(
        allow_null=True, read_only=True, help_text=_("The month not reported, for that kind.")
    )
    assigned_to: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    closed_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Gap
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "uscc",
            "zone",
            "kind",
            "category",
            "period",
            "status",
            "assigned_to",
            "note",
            "closed_at",
            "closed_by",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema(tags=["statistics"])
class GapViewSet(ReadActionMixin, viewsets.ReadOnlyModelViewSet[Gap]):
    """应统尽统 gaps: roster firms without a return by the deadline, and firms above their
    threshold outside the roster. They are opened, assigned and closed on the gap page."""

    # The office's working list, as on its page: not an enterprise's, not the 三员's.
    read_action = "core.see_office_work"

    queryset = Gap.objects.all()
    serializer_class = GapSerializer
    pagination_class = ApiPagination
    filterset_class = GapFilter
    search_fields = ["enterprise__name", "enterprise__uscc"]
    ordering_fields = ["period", "status", "created_at"]

    def get_queryset(self) -> Any:
        return gap_list(user=self.request.user).order_by(*(Gap._meta.ordering or []), "pk")


class CandidateQuerySerializer(serializers.Serializer[Any]):
    zone = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(),
        required=False,
        help_text=_("Zone id; the first zone you can see when not given."),
    )
    month = MonthField(
        required=False,
        help_text=_(
            "The last month of the trailing 12 months, e.g. 2025-06; if not given, the zone's "
            "latest month with returns or proxy figures before this month."
        ),
    )


class CandidateSerializer(serializers.Serializer[Any]):
    enterprise = serializers.IntegerField(source="enterprise.pk", help_text=_("Enterprise id."))
    enterprise_name = serializers.CharField(source="enterprise.name")
    uscc = serializers.CharField(source="enterprise.uscc")
    park = serializers.CharField(source="enterprise.park.name", allow_null=True)
    category = serializers.ChoiceField(choices=StatCategory.choices)
    threshold = serializers.DecimalField(
        max_digits=16, decimal_places=4, help_text=_("The category's threshold (万元).")
    )
    trailing_revenue = serializers.DecimalField(
        source="trailing",
        max_digits=16,
        decimal_places=4,
        help_text=_("Revenue of the 12 months up to the month (万元), reported or estimated."),
    )
    share_pct = serializers.DecimalField(
        max_digits=7, decimal_places=1, help_text=_("Trailing revenue as a share of the threshold.")
    )
    months_left = serializers.IntegerField(
        allow_null=True,
        help_text=_("Months to reach the threshold at the pace of the last 3; null without pace."),
    )
    estimated = serializers.BooleanField(
        help_text=_("True when estimated from tax or electricity figures.")
    )
    proxy_kind = serializers.ChoiceField(
        choices=ProxyKind.choices,
        allow_null=True,
        help_text=_("The figure the estimate comes from; null when from returns."),
    )


@extend_schema(tags=["statistics"])
class CandidateViewSet(viewsets.ViewSet):
    """上规入统 candidates: firms off the year's roster whose trailing 12-month revenue reaches the
    zone's share of their category's threshold, highest share first (computed, not stored)."""

    @extend_schema(parameters=[CandidateQuerySerializer], responses=CandidateSerializer(many=True))
    def list(self, request: Request) -> Response:
        ensure_zone_figures_reader(request.user)
        query = CandidateQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        zone = query.validated_data.get("zone") or chosen_zone(api_user(request), None)[0]
        asked = query.validated_data.get("month")
        as_of = Month.of(asked) if asked else latest_month(zone, timezone.localdate())
        rows = candidate_list(user=api_user(request), zone=zone, as_of=as_of)
        return Response(CandidateSerializer(rows, many=True).data)
