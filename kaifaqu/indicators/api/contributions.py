"""API of 贡献率 and 拉动 by industry division and park (a zone) or by zone (a province or city),
from the same selector as the page: the same scope and the same masking (a suppressed part has
every figure null and `suppressed` true; the total keeps it)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api_fields import MonthField
from kaifaqu.core.lib.periods import Month
from kaifaqu.indicators.catalogue import COMPUTED
from kaifaqu.indicators.models import SliceKind
from kaifaqu.indicators.selectors import default_slice, latest_month, resolve_slice
from kaifaqu.indicators.selectors.contributions import (
    BY_DIVISION,
    BY_PARK,
    BY_ZONE,
    PartContributions,
    PartShare,
    part_contributions,
)
from kaifaqu.returns.views.access import ensure_office_reader


def _figure(help_text: Any = "") -> serializers.DecimalField:
    # Already rounded by the selector: kept as is.
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, allow_null=True, help_text=help_text
    )


class ContributionsQuerySerializer(serializers.Serializer[Any]):
    indicator = serializers.ChoiceField(
        choices=[(indicator.code, indicator.code) for indicator in COMPUTED],
        help_text=_("An additive indicator computed from returns, e.g. gross_output."),
    )
    month = MonthField(
        required=False,
        help_text=_(
            "The month, e.g. 2025-03; the latest month with figures in your scope when not given."
        ),
    )
    zone = serializers.IntegerField(
        required=False, help_text=_("The zone whose divisions or parks are the parts.")
    )
    region = serializers.RegexField(
        r"^\d{2}(\d{2})?$",
        required=False,
        help_text=_("A 2-digit province or 4-digit city code whose zones are the parts."),
    )
    by = serializers.ChoiceField(
        choices=[(BY_DIVISION, BY_DIVISION), (BY_PARK, BY_PARK), (BY_ZONE, BY_ZONE)],
        required=False,
        help_text=_("division or park for a zone (division when not given); zone for a region."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "zone" in attrs and "region" in attrs:
            raise serializers.ValidationError(_("Give a zone or a region, not both."))
        return attrs


class PartSerializer(serializers.Serializer[PartShare]):
    key = serializers.CharField(help_text=_("The division code, park id or zone id."))
    # Named as the selector names it; DRF's Field.label is another thing (mypy sees a clash).
    label = serializers.CharField()  # type: ignore[assignment]
    suppressed = serializers.BooleanField(
        help_text=_("True when disclosure control hides the part from you: every figure is null.")
    )
    value = _figure(_("1–N月 of the part."))
    base = _figure(_("The same months of the year before (同口径)."))
    change = _figure()
    growth = _figure(_("Growth of the part (%)."))
    pull_pp = _figure(_("拉动: percentage points of the total's growth."))
    contribution_pct = _figure(_("贡献率: per cent of the total's change."))
    enterprises = serializers.IntegerField(allow_null=True)
    estimated = serializers.IntegerField(help_text=_("Enterprises estimated (含估算)."))


class ContributionsSerializer(serializers.Serializer[PartContributions]):
    indicator = serializers.CharField(source="indicator.code")
    month = serializers.SerializerMethodField()
    slice_kind = serializers.CharField(source="slice.kind")
    slice_key = serializers.CharField(source="slice.key")
    slice_label = serializers.CharField(source="slice.label")
    by = serializers.CharField()
    period_label = serializers.CharField()
    unit = serializers.CharField(source="indicator.unit")
    masked = serializers.BooleanField()
    total_suppressed = serializers.BooleanField()
    value = _figure()
    base = _figure()
    change = _figure()
    growth = _figure()
    estimated = serializers.IntegerField()
    parts = PartSerializer(source="rows", many=True)

    def get_month(self, parts: PartContributions) -> str:
        return str(parts.month)


class IndicatorContributionsViewSet(viewsets.ViewSet):
    """贡献率 (contribution, % of the total's change) and 拉动 (pull, percentage points of the
    total's growth) of each part of a total on its 1–N月 growth: a zone by industry division or
    park, a province or city by zone, from the stored cells. Outside the statistics office a
    suppressed part (保密) has no figures; the total still includes it."""

    @extend_schema(parameters=[ContributionsQuerySerializer], responses=ContributionsSerializer)
    def list(self, request: Request) -> Response:
        user = api_user(request)
        ensure_office_reader(user)
        query = ContributionsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if "zone" in data:
            chosen = resolve_slice(user, SliceKind.ZONE, str(data["zone"]))
        elif "region" in data:
            kind = SliceKind.PROVINCE if len(data["region"]) == 2 else SliceKind.CITY
            chosen = resolve_slice(user, kind, data["region"])
        else:
            chosen = default_slice(user)
        asked = data.get("month")
        month = (
            Month.of(asked)
            if asked
            else latest_month(user) or Month.of(timezone.localdate()).shift(-1)
        )
        parts = part_contributions(
            user=user, month=month, slice=chosen, code=data["indicator"], by=data.get("by")
        )
        return Response(ContributionsSerializer(parts).data)
