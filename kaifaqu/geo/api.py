"""API for regions (GB/T 2260), zones and parks: reads through for_user, writes through services."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.core.api import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField, ScopedViewSet
from kaifaqu.geo.filters import ParkFilter, RegionFilter, ZoneFilter
from kaifaqu.geo.models import Park, Region, Zone
from kaifaqu.geo.services import (
    park_create,
    park_update,
    region_create,
    region_ensure_writable,
    region_update,
    zone_create,
    zone_update,
)


class RegionSerializer(serializers.ModelSerializer[Region]):
    # A declared field named like Field.parent (the enclosing serializer); DRF moves it into
    # _declared_fields, so the attribute is not shadowed at run time.
    parent = ScopedSlugRelatedField(  # type: ignore[assignment]
        slug_field="code",
        queryset=Region.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("The GB/T 2260 code of the enclosing province or city."),
    )

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]
        read_only_fields = ["level"]


class ZoneSerializer(serializers.ModelSerializer[Zone]):
    region = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        help_text=_("The GB/T 2260 code of the city or county the zone lies in."),
    )

    class Meta:
        model = Zone
        fields = [
            "id",
            "name",
            "short_name",
            "level",
            "region",
            "area_km2",
            "established_year",
            "internal_departments",
            "public_institutions",
            "park_service_centres",
            "governance_model",
            "description",
        ]


class ParkSerializer(serializers.ModelSerializer[Park]):
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("Zone id."))

    class Meta:
        model = Park
        fields = [
            "id",
            "zone",
            "name",
            "area_km2",
            "area_is_illustrative",
            "role",
            "description",
            "position",
        ]


@extend_schema(tags=["geo"])
class RegionViewSet(ScopedViewSet):
    """Provinces, cities and counties by their GB/T 2260 code (the code is the address)."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{6}"
    select_related = ("parent",)
    filterset_class = RegionFilter
    search_fields = ["^code", "name"]
    ordering_fields = ["code", "name", "level"]
    create_service = region_create
    update_service = region_update
    update_service_argument = "region"

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Signed in and active (ScopedModelPermission ran first): the acting user, as perform_update's.
        region_ensure_writable(by=request.user, region=self.get_object())  # type: ignore[arg-type]
        return super().update(request, *args, **kwargs)


@extend_schema(tags=["geo"])
class ZoneViewSet(ScopedViewSet):
    """Development zones and the institutions of their management committees."""

    queryset = Zone.objects.all()
    serializer_class = ZoneSerializer
    select_related = ("region",)
    filterset_class = ZoneFilter
    search_fields = ["name", "short_name"]
    ordering_fields = ["name", "level", "area_km2", "established_year"]
    create_service = zone_create
    update_service = zone_update
    update_service_argument = "zone"


@extend_schema(tags=["geo"])
class ParkViewSet(ScopedViewSet):
    """The parks of each zone (一区五园), in the zone's order."""

    queryset = Park.objects.all()
    serializer_class = ParkSerializer
    filterset_class = ParkFilter
    search_fields = ["name", "role"]
    ordering_fields = ["name", "position", "area_km2"]
    create_service = park_create
    update_service = park_update
    update_service_argument = "park"
