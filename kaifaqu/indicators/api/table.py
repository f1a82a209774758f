"""API of the indicator table and the indicator catalogue, read-only.

`/api/indicator-table/` gives the rows the indicator page shows, from the same selector: the same
scope (enterprises and the security and audit administrators get 403; a slice outside the
caller's scope is a 404) and the same masking outside the statistics office (a suppressed cell
has every figure null and `suppressed` true).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api_fields import MonthField
from kaifaqu.core.lib.periods import Month
from kaifaqu.indicators.catalogue import BY_CODE, CATALOGUE, RATIO
from kaifaqu.indicators.models import SliceKind
from kaifaqu.indicators.selectors import (
    IndicatorRow,
    IndicatorTable,
    SliceMonth,
    default_slice,
    reader_latest_month,
    resolve_slice,
    slice_table,
)
from kaifaqu.returns.views.access import ensure_office_reader

UNITS = [("yuan", "万元"), ("kwh", "万千瓦时"), ("persons", "人"), ("percent", "%")]


def _figure(help_text: Any) -> serializers.DecimalField:
    # Already rounded by the selector (2 decimals, persons whole, growth 1 decimal): kept as is.
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, allow_null=True, help_text=help_text
    )


class IndicatorTableQuerySerializer(serializers.Serializer[Any]):
    month = MonthField(
        required=False,
        help_text=_(
            "The month, e.g. 2025-03; the latest month with figures in your scope when not given."
        ),
    )
    slice_kind = serializers.ChoiceField(
        choices=SliceKind.choices,
        required=False,
        help_text=_("The kind of slice; your own zone, park or region when not given."),
    )
    slice_key = serializers.CharField(
        required=False,
        max_length=32,
        help_text=_(
            "The slice: a zone or park id, a 2-digit province or 4-digit city code, a section "
            "letter, a 2-digit division, or zone id and division as 12:30."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("slice_kind" in attrs) != ("slice_key" in attrs):
            raise serializers.ValidationError(_("Give slice_kind and slice_key together."))
        return attrs


class IndicatorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("The indicator's code."))
    name = serializers.CharField()
    unit = serializers.ChoiceField(choices=UNITS, help_text=_("The unit of the figures."))
    unit_label = serializers.CharField()
    # Named as the catalogue names it; DRF's Field.source is another thing (mypy sees a clash).
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[("returns", "returns"), ("entered", "entered")],
        help_text=_("Computed from the monthly returns, or entered from another office."),
    )
    source_label = serializers.CharField()
    kind = serializers.CharField(help_text=_("flow, stock, value_added or ratio."))
    method = serializers.CharField(help_text=_("How it is computed (口径)."))


class IndicatorRowSerializer(serializers.Serializer[IndicatorRow]):
    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    unit = serializers.ChoiceField(source="indicator.unit", choices=UNITS)
    month_value = _figure(_("The month's figure; null in February (1–2月 only)."))
    month_base = _figure(_("The same enterprises in the same month of the year before."))
    ytd_value = _figure(_("The 1–N月 cumulative figure (a stock: that of the month)."))
    ytd_base = _figure(_("The same enterprises in the same months of the year before."))
    month_growth = _figure(_("Growth of the month, see growth_unit."))
    ytd_growth = _figure(_("Growth of 1–N月, see growth_unit."))
    month_comparable_growth = _figure(_("Value added: growth of the month at comparable prices."))
    ytd_comparable_growth = _figure(_("Value added: growth of 1–N月 at comparable prices (%)."))
    no_price_index = serializers.BooleanField(
        help_text=_(
            "Value added: true when growth at comparable prices is not available because an "
            "enterprise of the cell has no price index of its province for a month."
        )
    )
    growth_unit = serializers.SerializerMethodField(
        help_text=_("percent, or points (percentage points) for a ratio.")
    )
    enterprises = serializers.IntegerField(allow_null=True)
    estimated = serializers.IntegerField(
        help_text=_(
            "Enterprises whose figures in the cell are estimates (估算) of the statistics office: "
            "above 0, the figure is 含估算."
        )
    )
    suppressed = serializers.BooleanField(
        help_text=_("True when disclosure control hides the cell from you: every figure is null.")
    )
    available = serializers.BooleanField(
        help_text=_("False when the indicator has no figure for this kind of slice.")
    )
    figure_source = serializers.CharField(
        source="source", help_text=_("For an entered figure, where it comes from.")
    )
    computed = serializers.BooleanField(
        help_text=_(
            "True when no figure was entered for the period and the zone's figure is computed "
            "from its fixed-asset investment project database."
        )
    )

    def get_growth_unit(self, row: IndicatorRow) -> str:
        return "points" if row.indicator.kind == RATIO else "percent"


class PublicationStateSerializer(serializers.Serializer[SliceMonth]):
    published = serializers.BooleanField(
        help_text=_("Every zone with figures in the slice has published the month.")
    )
    in_revision = serializers.BooleanField(
        help_text=_("A zone of the slice reopened the month, or an earlier one, for a revision.")
    )
    zones = serializers.IntegerField()
    zones_published = serializers.IntegerField()
    firms_expected = serializers.IntegerField(source="progress.expected", default=None)
    firms_reported = serializers.IntegerField(source="progress.reached", default=None)
    firms_accepted = serializers.IntegerField(source="progress.accepted", default=None)
    firms_estimated = serializers.IntegerField(source="progress.estimated", default=None)
    firms_not_reported = serializers.IntegerField(source="progress.not_reported", default=None)
    response_rate = serializers.DecimalField(
        source="progress.response_rate",
        max_digits=5,
        decimal_places=1,
        default=None,
        help_text=_("报送率, per cent: firms whose return reached the office ÷ firms that report."),
    )


class IndicatorTableSerializer(serializers.Serializer[IndicatorTable]):
    month = MonthField(source="month.first_day")
    period_label = serializers.CharField(help_text=_("The cumulative months, e.g. 1–3月."))
    published = serializers.BooleanField(
        help_text=_("False for January, which is published with February as 1–2月.")
    )
    slice_kind = serializers.CharField(source="slice.kind")
    slice_key = serializers.CharField(source="slice.key")
    slice_label = serializers.CharField(source="slice.label")
    masked = serializers.BooleanField(
        help_text=_("Whether disclosure control applies to you (outside the statistics office).")
    )
    disclosure_rule = serializers.SerializerMethodField()
    publication = PublicationStateSerializer(
        source="state",
        allow_null=True,
        help_text=_(
            "The month's publication for this slice and its response rate. Outside the "
            "statistics office the figures of a month not published are withheld (null)."
        ),
    )
    withheld = serializers.BooleanField(
        help_text=_("Whether the month's figures are withheld from you: not published yet.")
    )
    rows = IndicatorRowSerializer(many=True)

    def get_disclosure_rule(self, table: IndicatorTable) -> str:
        return table.rule.description()


@extend_schema(tags=["statistics"])
class IndicatorTableViewSet(viewsets.ViewSet):
    """The indicator table of one slice (province, city, zone, park, industry section or division,
    zone×division) and month, as the indicator page shows it: the month's figure, 1–N月, their
    同口径 growth, value added at comparable prices, 产品销售率 and its change in points.

    Money in 万元 and electricity in 万千瓦时 (2 decimals), persons as counted, growth in per cent
    (1 decimal). Outside the statistics office, cells of fewer than 3 enterprises or dominated by
    one, and their complements, are suppressed (保密)."""

    @extend_schema(parameters=[IndicatorTableQuerySerializer], responses=IndicatorTableSerializer)
    def list(self, request: Request) -> Response:
        user = api_user(request)
        ensure_office_reader(user)
        query = IndicatorTableQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if "slice_kind" in data:
            chosen = resolve_slice(user, data["slice_kind"], data["slice_key"])
        else:
            chosen = default_slice(user)
        asked = data.get("month")
        month = (
            Month.of(asked)
            if asked
            else reader_latest_month(user, chosen) or Month.of(timezone.localdate()).shift(-1)
        )
        table = slice_table(user=user, month=month, slice=chosen)
        return Response(IndicatorTableSerializer(table).data)


def _catalogue_entry(code: str) -> dict[str, Any]:
    indicator = BY_CODE[code]
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "unit_label": indicator.unit_label,
        "source": indicator.source,
        "source_label": indicator.source_label,
        "kind": indicator.kind,
        "method": indicator.method,
    }


@extend_schema(tags=["statistics"])
class IndicatorCatalogueViewSet(viewsets.ViewSet):
    """The indicator catalogue (指标目录): each indicator's unit, source and method (口径)."""

    lookup_field = "code"
    lookup_value_regex = "[a-z_]+"

    @extend_schema(responses=IndicatorSerializer(many=True))
    def list(self, request: Request) -> Response:
        ensure_office_reader(request.user)
        entries = [_catalogue_entry(indicator.code) for indicator in CATALOGUE]
        return Response(IndicatorSerializer(entries, many=True).data)

    @extend_schema(responses=IndicatorSerializer)
    def retrieve(self, request: Request, code: str) -> Response:
        ensure_office_reader(request.user)
        if code not in BY_CODE:
            raise Http404
        return Response(IndicatorSerializer(_catalogue_entry(code)).data)
