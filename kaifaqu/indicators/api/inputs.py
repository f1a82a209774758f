"""API for price indexes (PPI) and zone targets; the pages share these filters.

Reads through for_user, writes through the services (audited), where the model checks its rules.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from kaifaqu.core.api import ScopedPrimaryKeyRelatedField, ScopedViewSet
from kaifaqu.core.api_fields import MONTH_HELP, MonthField, MonthFilter
from kaifaqu.core.permissions import visible_for_request
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.geo.models import Region, RegionLevel, Zone
from kaifaqu.indicators.models import IndicatorCode, PriceIndex, Target, TargetKind
from kaifaqu.indicators.services import (
    price_index_create,
    price_index_update,
    target_create,
    target_update,
)

# The filter value of the index of all industry (stored with a blank division).
ALL_INDUSTRY = "total"


def province_code_field(*, required: bool, help_text: Any) -> serializers.SlugRelatedField[Any]:
    """A province by its 6-digit GB/T 2260 code (140000), as `region`."""
    return serializers.SlugRelatedField(
        source="region",
        slug_field="code",
        queryset=Region.objects.filter(level=RegionLevel.PROVINCE),
        required=required,
        allow_null=not required,
        help_text=help_text,
    )


def province_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name="region__code",
        label=_("Province"),
        help_text=_("The province's 6-digit code, e.g. 140000."),
    )


class PriceIndexFilter(django_filters.FilterSet):
    province = province_filter()
    year = django_filters.NumberFilter(field_name="period__year", label=_("Year"))
    period_from = MonthFilter(
        field_name="period", lookup_expr="gte", label=_("From month"), help_text=MONTH_HELP
    )
    period_to = MonthFilter(
        field_name="period", lookup_expr="lte", label=_("To month"), help_text=MONTH_HELP
    )
    division = django_filters.CharFilter(
        label=verbose_label(PriceIndex, "division"),
        method="in_division",
        help_text=_('A 2-digit GB/T 4754-2017 division, or "total" for the index of all industry.'),
    )

    class Meta:
        model = PriceIndex
        fields = ["province", "year", "period_from", "period_to", "division"]

    def in_division(
        self, queryset: QuerySet[PriceIndex], name: str, value: str
    ) -> QuerySet[PriceIndex]:
        code = value.strip()
        return queryset.filter(division="" if code.lower() == ALL_INDUSTRY else code)


class TargetFilter(django_filters.FilterSet):
    zone = django_filters.ModelChoiceFilter(label=_("Zone"), queryset=visible_for_request(Zone))
    indicator = django_filters.ChoiceFilter(
        label=verbose_label(Target, "indicator"), choices=IndicatorCode.choices
    )
    year = django_filters.NumberFilter(label=_("Year"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=TargetKind.choices)

    class Meta:
        model = Target
        fields = ["zone", "indicator", "year", "kind"]


class PriceIndexSerializer(serializers.ModelSerializer[PriceIndex]):
    province = province_code_field(
        required=False,
        help_text=_(
            "The province's 6-digit code, e.g. 140000; left out, a statistician's own zone's "
            "province."
        ),
    )
    province_name = serializers.CharField(source="region.name", read_only=True)
    period = MonthField(help_text=MONTH_HELP)

    class Meta:
        model = PriceIndex
        fields = [
            "id",
            "province",
            "province_name",
            "period",
            "division",
            "value",
            "source",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness is the model's, checked in the service (the province may be left out).
        validators: list[Any] = []
        # Left out, the division is the index of all industry.
        extra_kwargs = {"division": {"required": False, "default": ""}}


class TargetSerializer(serializers.ModelSerializer[Target]):
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("Zone id."))
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    indicator_name = serializers.CharField(source="get_indicator_display", read_only=True)
    unit = serializers.CharField(read_only=True, help_text=_("The unit of the target value."))

    class Meta:
        model = Target
        fields = [
            "id",
            "zone",
            "zone_name",
            "indicator",
            "indicator_name",
            "unit",
            "year",
            "kind",
            "plan_name",
            "start_year",
            "end_year",
            "value",
            "growth_pct",
            "source",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


@extend_schema(tags=["statistics"])
class PriceIndexViewSet(ScopedViewSet):
    """Producer price indexes (PPI) by month, same month last year = 100 (e.g. 104.30).

    `division` is a 2-digit GB/T 4754-2017 division of mining, manufacturing or utilities, or
    blank for the index of all industry; each index is of a province (`province`, e.g. 140000).
    They deflate the value added of the province's enterprises to comparable prices. Office users
    read those of their province; the statistics office of the province enters them (a zone's
    statistician: the zone's province) and the system administrator any.
    """

    queryset = PriceIndex.objects.all()
    select_related = ("region",)
    serializer_class = PriceIndexSerializer
    filterset_class = PriceIndexFilter
    search_fields = ["source", "note"]
    ordering_fields = ["period", "division", "value"]
    create_service = price_index_create
    update_service = price_index_update
    update_service_argument = "priceindex"


@extend_schema(tags=["statistics"])
class TargetViewSet(ScopedViewSet):
    """Zone targets per indicator: annual (年度目标) or of a plan such as 十四五 (规划目标).

    A target gives a value in the indicator's unit (万元 for money), a growth in per cent
    (8.00 = 8 %), or both; a plan target names its plan and its first and last years. Readers
    see the targets of the zones in their scope; the zone's administrators and statisticians
    enter them.
    """

    queryset = Target.objects.all()
    serializer_class = TargetSerializer
    select_related = ("zone",)
    filterset_class = TargetFilter
    search_fields = ["plan_name", "source", "note"]
    ordering_fields = ["year", "indicator", "kind", "value", "growth_pct"]
    create_service = target_create
    update_service = target_update
    update_service_argument = "target"
