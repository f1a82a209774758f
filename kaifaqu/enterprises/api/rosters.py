"""API of the statistical rosters (名录): list and filter, add an entry, record an exit, carry a
year into the next, and import a roster file. Every write goes through the roster services;
who may write is the permission table's (enterprises.rosterentry: the statistics office)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api import ScopedPrimaryKeyRelatedField, ScopedViewSet
from kaifaqu.core.permissions import user_may
from kaifaqu.enterprises.filters import RosterFilter
from kaifaqu.enterprises.imports import ROSTERS_IMPORT, rosters_import
from kaifaqu.enterprises.models import Enterprise, RosterEntry
from kaifaqu.enterprises.services import roster_carry_forward, roster_entry_add, roster_exit
from kaifaqu.geo.models import Zone


class RosterEntrySerializer(serializers.ModelSerializer[RosterEntry]):
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), help_text=_("Enterprise id.")
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    zone = serializers.IntegerField(source="enterprise.zone_id", read_only=True)
    park = serializers.IntegerField(source="enterprise.park_id", read_only=True, allow_null=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)

    class Meta:
        model = RosterEntry
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "uscc",
            "zone",
            "park",
            "year",
            "category",
            "entry_kind",
            "entered_on",
            "exited_on",
            "exit_reason",
        ]
        # An exit is recorded with its own call (`exit`), with its date and reason.
        read_only_fields = ["exited_on", "exit_reason"]


class RosterExitSerializer(serializers.Serializer[Any]):
    exited_on = serializers.DateField(label=_("Exited on"))
    exit_reason = serializers.CharField(label=_("Reason for exit"), max_length=300)


class RosterCarryForwardSerializer(serializers.Serializer[Any]):
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("Zone id."))
    from_year = serializers.IntegerField(min_value=2000, max_value=2099)


class RosterCarriedSerializer(serializers.Serializer[Any]):
    added = serializers.IntegerField(help_text=_("Entries added to the next year's roster."))


class RosterImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text=_("An .xlsx workbook or a .csv file."))


class RosterImportErrorSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class RosterImportResultSerializer(serializers.Serializer[Any]):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    # The metaclass takes declared fields off the class, so Serializer.errors stays intact.
    errors = RosterImportErrorSerializer(many=True)  # type: ignore[assignment]


@extend_schema(tags=["enterprises"])
class RosterEntryViewSet(ScopedViewSet):
    """Roster entries (名录) of the enterprises the user works with, filtered by year, category,
    zone, park, kind of entry, exited or not. Entries are added, exited and carried forward by
    the statistics office; an entry is never edited or deleted (an exit keeps its history)."""

    queryset = RosterEntry.objects.all()
    serializer_class = RosterEntrySerializer
    select_related = ("enterprise",)
    filterset_class = RosterFilter
    search_fields = ["enterprise__name", "^enterprise__uscc"]
    ordering_fields = ["year", "category", "enterprise__name", "entered_on", "exited_on"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return {
            "exit": RosterExitSerializer,
            "carry_forward": RosterCarryForwardSerializer,
            "import_roster": RosterImportSerializer,
        }.get(self.action, RosterEntrySerializer)

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = roster_entry_add(
            by=api_user(self.request),
            enterprise=data["enterprise"],
            year=data["year"],
            category=data["category"],
            entered_on=data.get("entered_on"),
            entry_kind=data.get("entry_kind") or RosterEntry._meta.get_field("entry_kind").default,
        )

    def _entry(self, entry: RosterEntry) -> Response:
        fresh = self.get_queryset().get(pk=entry.pk)
        return Response(RosterEntrySerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=RosterExitSerializer, responses={200: RosterEntrySerializer})
    @action(detail=True, methods=["post"])
    def exit(self, request: Request, pk: str | None = None) -> Response:
        """Take the entry off its roster from a date, with the reason (e.g. 停产, 营收低于标准)."""
        entry = self.get_object()
        serializer = RosterExitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if entry.exited_on is not None:
            raise serializers.ValidationError(
                {"exited_on": [_("The enterprise has already left this roster.")]}
            )
        roster_exit(
            by=api_user(request),
            entry=entry,
            on=serializer.validated_data["exited_on"],
            reason=serializer.validated_data["exit_reason"],
        )
        return self._entry(entry)

    @extend_schema(
        request=RosterCarryForwardSerializer,
        responses={200: RosterCarriedSerializer},
    )
    @action(detail=False, methods=["post"], url_path="carry-forward")
    def carry_forward(self, request: Request) -> Response:
        """Carry a zone's entries of a year that did not exit into the next year (年度入库);
        entries already on the next year's roster are left as they are."""
        serializer = RosterCarryForwardSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        from_year = serializer.validated_data["from_year"]
        added = roster_carry_forward(
            by=api_user(request),
            zone=serializer.validated_data["zone"],
            from_year=from_year,
            to_year=from_year + 1,
        )
        return Response({"added": added})

    @extend_schema(
        request={"multipart/form-data": RosterImportSerializer},
        responses={200: RosterImportResultSerializer, 400: RosterImportResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser],
    )
    def import_roster(self, request: Request) -> Response:
        """Import a roster file, all or nothing: 200 with what was written, or 400 with every
        bad row (its number as Excel shows it, the column and the reason)."""
        user = api_user(request)
        if not user_may(user, ROSTERS_IMPORT.action):
            raise PermissionDenied(str(ROSTERS_IMPORT.refusal))
        serializer = RosterImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        result = rosters_import(by=user, file=upload, filename=upload.name)
        return Response(
            RosterImportResultSerializer(result).data,
            status=status.HTTP_400_BAD_REQUEST if result.errors else status.HTTP_200_OK,
        )
