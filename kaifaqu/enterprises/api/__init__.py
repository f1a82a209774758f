"""API for enterprises and the GB/T 4754-2017 industry classification."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from kaifaqu.core.api import (
    ApiPagination,
    IndustryClassField,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
)
from kaifaqu.core.lib import uscc
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.core.validators import validate_uscc
from kaifaqu.enterprises.filters import EnterpriseFilter
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.services import enterprise_create, enterprise_update, uscc_taken
from kaifaqu.geo.models import Park, Zone


class IndustryClassSerializer(serializers.ModelSerializer[IndustryClass]):
    class Meta:
        model = IndustryClass
        fields = ["code", "name", "level", "parent"]


class IndustryClassFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Code prefix or name"), method="search")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=IndustryLevel.choices)
    code = django_filters.CharFilter(
        label=_("Code prefix"), field_name="code", lookup_expr="startswith"
    )
    parent = django_filters.CharFilter(label=_("Parent code"), field_name="parent_id")

    class Meta:
        model = IndustryClass
        fields = ["q", "level", "code", "parent"]

    def search(
        self, queryset: QuerySet[IndustryClass], name: str, value: str
    ) -> QuerySet[IndustryClass]:
        text = value.strip()
        return queryset.filter(Q(code__startswith=text.upper()) | Q(name__icontains=text))


class UsccField(serializers.CharField):
    """Accepts the code as people type it (spaces, hyphens, lower case, full width)."""

    def to_internal_value(self, data: Any) -> str:
        return uscc.normalize(super().to_internal_value(data))


class EnterpriseSerializer(serializers.ModelSerializer[Enterprise]):
    # The USCC validator also explains a wrong length, so there is no separate maximum length.
    uscc = UsccField(
        label=Enterprise._meta.get_field("uscc").verbose_name,
        help_text=_("Unified social credit code (GB 32100-2015), 18 characters."),
        # Uniqueness is checked in validate_uscc, within the user's scope (no existence leak).
        validators=[validate_uscc],
    )
    industry = IndustryClassField()
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("Zone id."))
    park = ScopedPrimaryKeyRelatedField(
        queryset=Park.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Park id; the park must belong to the zone."),
    )

    def validate_uscc(self, value: str) -> str:
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            instance = self.instance if isinstance(self.instance, Enterprise) else None
            taken = uscc_taken(
                user=request.user, code=value, exclude_pk=instance.pk if instance else None
            )
            if taken is not None:
                raise serializers.ValidationError(taken, code="unique")
        return value

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "industry",
            "industry_name",
            "zone",
            "park",
            "kind",
            "status",
            "established_on",
            "land_mu",
            "address",
            "statistics_contact",
            "statistics_phone",
            "description",
            "is_illustrative",
        ]


@extend_schema(tags=["enterprises"])
class IndustryClassViewSet(viewsets.ReadOnlyModelViewSet[IndustryClass]):
    """GB/T 4754-2017 codes: sections, divisions, groups and the 4-digit classes firms are filed under.

    Reference data, the same for every signed-in user.
    """

    queryset = IndustryClass.objects.order_by("code")
    serializer_class = IndustryClassSerializer
    pagination_class = ApiPagination
    lookup_value_regex = r"[A-Z0-9]{1,4}"
    filterset_class = IndustryClassFilter
    search_fields = ["^code", "name"]
    ordering_fields = ["code", "name"]


@extend_schema(tags=["enterprises"])
class EnterpriseViewSet(ScopedViewSet):
    """Enterprises of the zones, parks or enterprise the user works in."""

    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    select_related = ("industry",)
    filterset_class = EnterpriseFilter
    search_fields = ["name", "^uscc"]
    ordering_fields = ["name", "uscc", "established_on", "land_mu", "status"]
    create_service = enterprise_create
    update_service = enterprise_update
    update_service_argument = "enterprise"
    # The provincial office moves a firm between its zones (PATCH of `zone` alone).
    move_actions = ("enterprises.enterprise.move",)
