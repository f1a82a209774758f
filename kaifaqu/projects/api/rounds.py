"""API for the "三个一批" rounds: the province's rounds, each zone's lists, the summary."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api import ScopedPrimaryKeyRelatedField, ScopedViewSet
from kaifaqu.core.permissions import can_write
from kaifaqu.geo.models import Region
from kaifaqu.projects.filters import RoundFilter
from kaifaqu.projects.models import Project, Round, RoundEntry, RoundList
from kaifaqu.projects.selectors import PlaceSummary, round_entries, round_summary
from kaifaqu.projects.services import (
    round_close,
    round_create,
    round_entry_add,
    round_entry_remove,
    round_reopen,
    round_update,
)


class RoundSerializer(serializers.ModelSerializer[Round]):
    province = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(level="province"),
        help_text=_("The province's 6-digit code, e.g. 140000."),
    )
    title = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "province",
            "year",
            "number",
            "name",
            "title",
            "window_start",
            "held_on",
            "status",
            "note",
        ]
        read_only_fields = ["id", "status", "title"]


class RoundEntrySerializer(serializers.ModelSerializer[RoundEntry]):
    project_name = serializers.CharField(source="project.name", read_only=True)
    zone: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = RoundEntry
        fields = [
            "id",
            "list",
            "project",
            "project_name",
            "zone",
            "stage_on",
            "amount",
            "expected_annual_output",
        ]
        read_only_fields = ["id", "project_name", "zone", "stage_on", "amount"]


class RoundEntryAddSerializer(serializers.Serializer[Any]):
    list = serializers.ChoiceField(choices=RoundList.choices)
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    expected_annual_output = serializers.DecimalField(
        max_digits=16, decimal_places=4, min_value=0, required=False, allow_null=True
    )


class RoundEntryRemoveSerializer(serializers.Serializer[Any]):
    entry = serializers.IntegerField(help_text=_("Id of the entry to take off its list."))


class ListFiguresSerializer(serializers.Serializer[Any]):
    list = serializers.CharField()
    count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, help_text=_("万元"))
    amount_yi = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text=_("亿元, to 0.01, halves up")
    )


class PlaceSummarySerializer(serializers.Serializer[Any]):
    level = serializers.CharField()
    name = serializers.CharField()
    lists = serializers.SerializerMethodField()
    text = serializers.CharField()

    def get_lists(self, place: PlaceSummary) -> list[dict[str, Any]]:
        return [
            ListFiguresSerializer(place.lists[name]).data  # type: ignore[misc]
            for name in RoundList.values
        ]


class WritesRoundEntries(permissions.BasePermission):
    """Signed in to read a round's lists; the table's writers of entries to change them (refused
    before their request is read, as every write of the API)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return request.method in permissions.SAFE_METHODS or can_write(user, RoundEntry)


class RoundViewSet(ScopedViewSet):
    """三个一批 rounds of the provinces the user works in; the province's office opens them."""

    queryset = Round.objects.all()
    serializer_class = RoundSerializer
    select_related = ("province",)
    filterset_class = RoundFilter
    create_service = round_create
    update_service = round_update
    update_service_argument = "round"

    def get_permissions(self) -> list[Any]:
        # The lists are written by the zones' project staff, not the round's writers: the
        # services check who may put which project on a list.
        if self.action in ("entries", "remove_entry"):
            return [WritesRoundEntries()]
        return list(super().get_permissions())

    @extend_schema(responses={200: PlaceSummarySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def summary(self, request: Request, pk: str | None = None) -> Response:
        """The round's figures per place the user sees: province, cities, zones, each with its
        sentence in the province's wording."""
        summary = round_summary(user=api_user(request), round=self.get_object())
        return Response(PlaceSummarySerializer(summary.places, many=True).data)

    @extend_schema(
        request=RoundEntryAddSerializer, responses={200: RoundEntrySerializer(many=True)}
    )
    @action(detail=True, methods=["get", "post"])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        """GET: the entries the user sees. POST: put a project on a list (a zone's project
        staff, while the round is open; only projects whose stage and dates qualify)."""
        round = self.get_object()
        if request.method == "POST":
            serializer = RoundEntryAddSerializer(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            entry = round_entry_add(by=api_user(request), round=round, **serializer.validated_data)
            return Response(RoundEntrySerializer(entry).data, status=201)
        return Response(
            RoundEntrySerializer(round_entries(user=api_user(request), round=round), many=True).data
        )

    @extend_schema(request=RoundEntryRemoveSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="remove-entry")
    def remove_entry(self, request: Request, pk: str | None = None) -> Response:
        """Take a project off a list while the round is open."""
        round = self.get_object()
        serializer = RoundEntryRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = (
            RoundEntry.objects.for_user(request.user)
            .filter(round=round, pk=serializer.validated_data["entry"])
            .first()
        )
        if entry is None:
            raise serializers.ValidationError({"entry": [_("Not an entry of this round.")]})
        round_entry_remove(by=api_user(request), entry=entry)
        return Response(status=204)

    @extend_schema(request=None, responses={200: RoundSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the round: its lists are final (the province's office)."""
        return Response(
            RoundSerializer(round_close(by=api_user(request), round=self.get_object())).data
        )

    @extend_schema(request=None, responses={200: RoundSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Open a closed round again (the province's office)."""
        return Response(
            RoundSerializer(round_reopen(by=api_user(request), round=self.get_object())).data
        )
