"""API for the tax and electricity figures that stand in for revenue; writes through the service."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api import ScopedPrimaryKeyRelatedField, ScopedViewSet
from kaifaqu.core.api_fields import MONTH_HELP, MonthField, MonthFilter
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import visible_for_request
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Park, Zone
from kaifaqu.returns.models import ProxyFigure, ProxyKind
from kaifaqu.returns.services import proxy_figure_record


class ProxyFigureFilter(django_filters.FilterSet):
    enterprise = django_filters.ModelChoiceFilter(queryset=visible_for_request(Enterprise))
    zone = django_filters.ModelChoiceFilter(
        field_name="enterprise__zone", queryset=visible_for_request(Zone)
    )
    park = django_filters.ModelChoiceFilter(
        field_name="enterprise__park", queryset=visible_for_request(Park)
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProxyKind.choices)
    period = MonthFilter(label=_("Month"), help_text=MONTH_HELP)
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label=_("From month"))
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label=_("To month"))

    class Meta:
        model = ProxyFigure
        fields = ["enterprise", "zone", "park", "kind", "period", "period_from", "period_to"]


class ProxyFigureSerializer(serializers.ModelSerializer[ProxyFigure]):
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), help_text=_("Enterprise id.")
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    zone = serializers.IntegerField(source="enterprise.zone_id", read_only=True)
    period = MonthField(help_text=MONTH_HELP)

    class Meta:
        model = ProxyFigure
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "uscc",
            "zone",
            "period",
            "kind",
            "value",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # One figure per enterprise, month and kind: entering it again corrects it (the service).
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            errors = {
                name: _("A figure stays with its enterprise, month and kind.")
                for name in ("enterprise", "period", "kind")
                if name in attrs and attrs[name] != getattr(self.instance, name)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


@extend_schema(tags=["statistics"])
class ProxyFigureViewSet(ScopedViewSet):
    """Tax (应纳税额, 万元) and electricity (用电量, 万千瓦时) figures from other offices.

    They stand in for the revenue of firms that do not report, in the 上规入统 candidate list.
    Creating a figure that exists for the enterprise, month and kind corrects it; a month after
    the current one is refused. Only the statistics office writes them.
    """

    queryset = ProxyFigure.objects.all()
    read_action = "returns.see_zone_figures"
    serializer_class = ProxyFigureSerializer
    select_related = ("enterprise",)
    filterset_class = ProxyFigureFilter
    search_fields = ["enterprise__name", "enterprise__uscc"]
    ordering_fields = ["period", "kind", "value", "updated_at"]

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = proxy_figure_record(
            by=api_user(self.request),
            enterprise=data["enterprise"],
            month=Month.of(data["period"]),
            kind=data["kind"],
            value=data["value"],
            source=data["source"],
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        instance: ProxyFigure = serializer.instance  # type: ignore[assignment]
        serializer.instance = proxy_figure_record(
            by=api_user(self.request),
            enterprise=instance.enterprise,
            month=Month.of(instance.period),
            kind=instance.kind,
            value=data.get("value", instance.value),
            source=data.get("source", instance.source),
        )
