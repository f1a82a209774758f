"""API of target progress, warnings (预警) and rankings of zones: computed, read-only.

The same selectors as the pages (selectors/targets/), so the same scoping and masking: enterprise
users and the 三员 administrators get 403; a zone's users see their zone; a provincial office the
zones of its region; outside the statistics office a suppressed cell (保密) comes with
`suppressed: true` and its figures null. Amounts are in the indicator's unit as targets are
written (万元 for money, 万千瓦时, persons, per cent for the sales rate), exact to 4 places.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.accounts.models import User
from kaifaqu.core.api import ScopedPrimaryKeyRelatedField
from kaifaqu.core.api_fields import MonthField
from kaifaqu.core.lib.periods import Month
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.catalogue import BY_CODE
from kaifaqu.indicators.models import indicator_unit
from kaifaqu.indicators.selectors.targets import (
    BY_GROWTH,
    BY_VALUE,
    RANKABLE,
    WarningKind,
    latest_month,
    target_progress,
    warnings,
    zone_ranking,
)
from kaifaqu.returns.views.access import chosen_zone, ensure_office_reader


class MonthOfField(MonthField):
    """A month given as `Month` (or a date), written 2025-03."""

    def to_representation(self, value: Any) -> str:
        return str(value) if isinstance(value, Month) else super().to_representation(value)


class OneObjectSchema(AutoSchema):
    """The schema of a `list` route that answers with one object (a zone's progress, a ranking)
    rather than an array."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


def amount(help_text: Any, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True, help_text=help_text, **kwargs
    )


def percent(help_text: Any, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        rounding="ROUND_HALF_UP",
        allow_null=True,
        help_text=help_text,
        **kwargs,
    )


def indicator_name(code: str) -> str:
    return str(BY_CODE[code].name)


def default_month(zone_ids: list[int], asked: Any, reader: User) -> Month:
    return Month.of(asked) if asked else latest_month(zone_ids, timezone.localdate(), reader=reader)


# --- target progress ----------------------------------------------------------------------------


class ProgressQuerySerializer(serializers.Serializer[Any]):
    zone = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(),
        required=False,
        help_text=_("Zone id; the first zone you can see when not given."),
    )
    month = MonthField(
        required=False,
        help_text=_("The month N of 1–N月, e.g. 2025-03; the zone's latest month when not given."),
    )


class AnnualProgressSerializer(serializers.Serializer[Any]):
    target = serializers.IntegerField(source="target.pk", help_text=_("Target id."))
    indicator = serializers.CharField()
    indicator_name = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField(help_text=_("The unit of the amounts."))
    target_value = amount(_("The target value."), source="target.value")
    target_growth_pct = percent(_("The target growth (%)."), source="target.growth_pct")
    months = serializers.IntegerField(
        source="actual.months",
        allow_null=True,
        help_text=_("The months 1–N the actual covers (an entered figure: maybe fewer)."),
    )
    data_source = serializers.CharField(
        source="actual.source",
        help_text=_('"returns" (computed from the monthly returns) or "entered".'),
    )
    suppressed = serializers.BooleanField(
        source="actual.suppressed", help_text=_("True when the figures are confidential (保密).")
    )
    actual = amount(_("The 1–N月 figure."), source="actual.value")
    completion_pct = percent(_("Actual ÷ target value × 100."))
    pace_pct = percent(_("Time-elapsed pace (序时进度): N ÷ 12 × 100; null for counts and rates."))
    ahead_pp = percent(_("Completion − pace, in percentage points (negative: behind)."))
    gap = amount(_("Target value − actual."))
    projected = amount(_("Projected year-end value at the pace so far: actual × 12 ÷ N."))
    growth_pct = percent(
        _("1–N月 growth on the same enterprises (value added at comparable prices), %."),
        source="actual.growth_pct",
    )
    growth_gap_pp = percent(_("Growth − target growth, in percentage points."))

    def get_indicator_name(self, row: Any) -> str:
        return indicator_name(row.indicator)

    def get_unit(self, row: Any) -> str:
        return str(indicator_unit(row.indicator))


class PlanProgressSerializer(serializers.Serializer[Any]):
    target = serializers.IntegerField(source="target.pk", help_text=_("Target id."))
    indicator = serializers.CharField()
    indicator_name = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField(help_text=_("The unit of the amounts."))
    plan_name = serializers.CharField(source="target.plan_name")
    start_year = serializers.IntegerField(source="target.start_year")
    end_year = serializers.IntegerField(source="target.end_year")
    target_year = serializers.IntegerField(source="target.year")
    target_value = amount(_("The plan's value for its year."), source="target.value")
    target_growth_pct = percent(_("The plan's growth a year (%)."), source="target.growth_pct")
    year = serializers.IntegerField(
        allow_null=True, help_text=_("The latest full year compared; null when none yet.")
    )
    suppressed = serializers.BooleanField(source="actual.suppressed")
    actual = amount(_("The figure of that year."), source="actual.value")
    completion_pct = percent(_("Actual ÷ plan value × 100."))
    gap = amount(_("Plan value − actual."))
    average_growth_pct = percent(
        _("Average growth a year since the plan's first year (geometric mean), %.")
    )
    growth_gap_pp = percent(_("Average growth − plan growth, in percentage points."))

    def get_indicator_name(self, row: Any) -> str:
        return indicator_name(row.indicator)

    def get_unit(self, row: Any) -> str:
        return str(indicator_unit(row.indicator))


class ZoneProgressSerializer(serializers.Serializer[Any]):
    zone = serializers.IntegerField(source="zone.pk", help_text=_("Zone id."))
    zone_name = serializers.CharField(source="zone.name")
    month = MonthOfField()
    pace_pct = percent(_("Time-elapsed pace of the month: N ÷ 12 × 100."))
    annual = AnnualProgressSerializer(many=True)
    plans = PlanProgressSerializer(many=True)


@extend_schema(tags=["statistics"])
class TargetProgressViewSet(viewsets.ViewSet):
    """Progress of a zone's targets in a month: its annual targets of the year (completion,
    time-elapsed pace 序时进度, gap, projected year-end, growth against target growth) and the
    plan targets (十四五) running that year, compared in the plan's latest full year."""

    schema = OneObjectSchema()

    @extend_schema(parameters=[ProgressQuerySerializer], responses=ZoneProgressSerializer)
    def list(self, request: Request) -> Response:
        ensure_office_reader(request.user)
        query = ProgressQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        zone = query.validated_data.get("zone") or chosen_zone(api_user(request), None)[0]
        month = default_month([zone.pk], query.validated_data.get("month"), api_user(request))
        progress = target_progress(user=api_user(request), zone=zone, month=month)
        return Response(ZoneProgressSerializer(progress).data)


# --- warnings -----------------------------------------------------------------------------------


class WarningQuerySerializer(serializers.Serializer[Any]):
    zone = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(),
        required=False,
        help_text=_("Zone id; every zone you can see when not given."),
    )
    month = MonthField(
        required=False,
        help_text=_("The month, e.g. 2025-03; the latest month of the zones when not given."),
    )


class IndicatorWarningSerializer(serializers.Serializer[Any]):
    zone = serializers.IntegerField(source="zone.pk", help_text=_("Zone id."))
    zone_name = serializers.CharField(source="zone.name")
    indicator = serializers.CharField()
    indicator_name = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField(help_text=_("The unit of `value`."))
    kind = serializers.ChoiceField(choices=WarningKind.choices)
    month = MonthOfField()
    value = amount(_("The 1–N月 figure (growth warnings, behind pace)."))
    months = serializers.IntegerField(allow_null=True, help_text=_("The months the figure covers."))
    growth_pct = percent(_("1–N月 growth, %."))
    previous_growth_pct = percent(_("1–(N−1)月 growth of the same year, %."))
    completion_pct = percent(_("Completion of the annual target, %."))
    pace_pct = percent(_("Time-elapsed pace, %."))
    ahead_pp = percent(_("Completion − pace, in percentage points."))
    enterprises = serializers.IntegerField(
        allow_null=True,
        help_text=_("Stopped reporting: enterprises with a figure this month (null: no cell)."),
    )
    previous_enterprises = serializers.IntegerField(
        allow_null=True, help_text=_("Stopped reporting: enterprises with a figure before.")
    )
    previous_month = MonthOfField(
        allow_null=True, help_text=_("The month compared with (stopped reporting, growth).")
    )

    def get_indicator_name(self, row: Any) -> str:
        return indicator_name(row.indicator)

    def get_unit(self, row: Any) -> str:
        return str(indicator_unit(row.indicator))


@extend_schema(tags=["statistics"])
class WarningViewSet(viewsets.ViewSet):
    """Warnings of a zone, or of every zone you can see, in a month: behind the time-elapsed pace
    by more than 5 points (`behind_pace`), 1–N月 growth below zero (`growth_turned_negative`,
    `growth_negative`), an indicator that stopped reporting (`stopped_reporting`)."""

    @extend_schema(
        parameters=[WarningQuerySerializer], responses=IndicatorWarningSerializer(many=True)
    )
    def list(self, request: Request) -> Response:
        ensure_office_reader(request.user)
        query = WarningQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        zone = query.validated_data.get("zone")
        zone_ids = (
            [zone.pk]
            if zone is not None
            else list(Zone.objects.for_user(request.user).values_list("pk", flat=True))
        )
        month = default_month(zone_ids, query.validated_data.get("month"), api_user(request))
        found = warnings(user=api_user(request), month=month, zone=zone)
        return Response(IndicatorWarningSerializer(found, many=True).data)


# --- rankings -----------------------------------------------------------------------------------


class RankingQuerySerializer(serializers.Serializer[Any]):
    month = MonthField(
        required=False,
        help_text=_("The month N of 1–N月, e.g. 2025-03; the latest month when not given."),
    )
    indicator = serializers.ChoiceField(
        choices=[(code, BY_CODE[code].name) for code in RANKABLE],
        default="gross_output",
        help_text=_("The indicator's code."),
    )
    by = serializers.ChoiceField(
        choices=[BY_VALUE, BY_GROWTH],
        default=BY_VALUE,
        help_text=_("The order of the rows: by value or by growth."),
    )


class RankRowSerializer(serializers.Serializer[Any]):
    zone = serializers.IntegerField(source="zone.pk", help_text=_("Zone id."))
    zone_name = serializers.CharField(source="zone.name")
    value_rank = serializers.IntegerField(
        allow_null=True, help_text=_("Rank by value; null when suppressed or without a figure.")
    )
    growth_rank = serializers.IntegerField(allow_null=True, help_text=_("Rank by growth."))
    value = amount(_("The 1–N月 figure."))
    growth_pct = percent(_("1–N月 growth, %."))
    enterprises = serializers.IntegerField(
        allow_null=True, help_text=_("Enterprises with a figure; null for entered figures.")
    )
    suppressed = serializers.BooleanField(help_text=_("True when shown as confidential (保密)."))
    protected = serializers.BooleanField(
        help_text=_("True when shown to you but confidential outside the statistics office.")
    )


class RankingSerializer(serializers.Serializer[Any]):
    month = MonthOfField()
    indicator = serializers.CharField()
    indicator_name = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField(help_text=_("The unit of `value`."))
    masked = serializers.BooleanField(help_text=_("True when some zones are shown as 保密."))
    rows = RankRowSerializer(many=True)

    def get_indicator_name(self, ranking: Any) -> str:
        return indicator_name(ranking.indicator)

    def get_unit(self, ranking: Any) -> str:
        return str(indicator_unit(ranking.indicator))


@extend_schema(tags=["statistics"])
class ZoneRankingViewSet(viewsets.ViewSet):
    """Zones you can see ranked on an indicator in a month, by 1–N月 value and by growth
    (同口径). Outside the statistics office a confidential zone (保密) has no figures and no rank:
    ranks count only the zones shown."""

    schema = OneObjectSchema()

    @extend_schema(parameters=[RankingQuerySerializer], responses=RankingSerializer)
    def list(self, request: Request) -> Response:
        ensure_office_reader(request.user)
        query = RankingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        zone_ids = list(Zone.objects.for_user(request.user).values_list("pk", flat=True))
        month = default_month(zone_ids, query.validated_data.get("month"), api_user(request))
        ranking = zone_ranking(
            user=api_user(request),
            month=month,
            indicator=query.validated_data["indicator"],
            by=query.validated_data["by"],
        )
        return Response(RankingSerializer(ranking).data)
