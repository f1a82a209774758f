"""API for value-added rates: the national reference and each province's own."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from kaifaqu.core.api import ScopedViewSet
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.indicators.api.inputs import province_code_field
from kaifaqu.indicators.models import ValueAddedRate, industrial_divisions
from kaifaqu.indicators.services import value_added_rate_create, value_added_rate_update

# The filter value of the national reference (stored without a province).
NATIONAL = "national"


class ValueAddedRateFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(
        label=_("Province"),
        method="of_province",
        help_text=_('The province\'s 6-digit code, e.g. 140000, or "national".'),
    )
    year = django_filters.NumberFilter(label=_("Year"))
    division = django_filters.CharFilter(
        field_name="division_id", label=verbose_label(ValueAddedRate, "division")
    )

    class Meta:
        model = ValueAddedRate
        fields = ["province", "year", "division"]

    def of_province(
        self, queryset: QuerySet[ValueAddedRate], name: str, value: str
    ) -> QuerySet[ValueAddedRate]:
        code = value.strip()
        if code.lower() == NATIONAL:
            return queryset.filter(region__isnull=True)
        return queryset.filter(region__code=code)


class ValueAddedRateSerializer(serializers.ModelSerializer[ValueAddedRate]):
    province = province_code_field(
        required=False,
        help_text=_(
            "The province's 6-digit code, e.g. 140000; null for the national reference (system "
            "administrator only); left out, a statistician's own zone's province."
        ),
    )
    province_name = serializers.CharField(source="region.name", read_only=True, default=None)
    division = serializers.SlugRelatedField(
        slug_field="code",
        queryset=IndustryClass.objects.all(),
        help_text=_("The 2-digit GB/T 4754-2017 division, e.g. 30."),
    )

    class Meta:
        model = ValueAddedRate
        fields = ["id", "province", "province_name", "division", "year", "rate", "source", "note"]
        # Uniqueness is the model's, checked in the service (the province may be left out).
        validators: list[Any] = []
        # A rate entered names its source (the shipped national ones carry a note instead).
        extra_kwargs = {"source": {"required": True, "allow_blank": False}}

    def validate_division(self, division: IndustryClass) -> IndustryClass:
        if not industrial_divisions().filter(pk=division.pk).exists():
            raise serializers.ValidationError(
                _("Give a division of mining, manufacturing or utilities.")
            )
        return division


@extend_schema(tags=["statistics"])
class ValueAddedRateViewSet(ScopedViewSet):
    """Value-added rates (增加值率) by industry division and year, 0.2850 = 28.50 %.

    A rate without a province is the national reference shipped with the platform; a province's
    own rate overrides it for the province's zones. Value added of a year and of its comparison
    year both use the rate in force in the year (that year's, else the latest before it). Office
    users read the national rates and their province's; the statistics office of the province
    enters the province's (a zone's statistician: the zone's province), the system administrator
    any, with their source.
    """

    queryset = ValueAddedRate.objects.all()
    serializer_class = ValueAddedRateSerializer
    select_related = ("region", "division")
    filterset_class = ValueAddedRateFilter
    search_fields = ["source", "note"]
    ordering_fields = ["year", "division", "rate"]
    create_service = value_added_rate_create
    update_service = value_added_rate_update
    update_service_argument = "valueaddedrate"
