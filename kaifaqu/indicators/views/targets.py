"""Pages of targets against actuals (目标完成情况), warnings (预警) and rankings of zones (排名).

Thin: the selectors (selectors/targets/) compute and mask; these pages choose the zone and month,
and write the figures as zone leaders read them: money in 亿元 with 2 places, per cents with 1.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.lib import formatting
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.catalogue import (
    BY_CODE,
    ENTERED,
    KWH,
    PERCENT,
    PERSONS,
    UNIT_LABELS,
    YUAN,
)
from kaifaqu.indicators.disclosure import DEFAULT_RULE, SUPPRESSED_MARK
from kaifaqu.indicators.selectors import sees_everything
from kaifaqu.indicators.selectors.targets import (
    BEHIND_PACE_PP,
    BY_GROWTH,
    BY_VALUE,
    RANKABLE,
    IndicatorWarning,
    PlanProgress,
    Progress,
    WarningKind,
    latest_month,
    target_progress,
    warnings,
    zone_ranking,
)
from kaifaqu.returns.views.access import chosen_month, chosen_zone, ensure_office_reader

EMPTY = "—"


# --- how figures are written --------------------------------------------------------------------


def fixed(value: Decimal | None, places: int) -> str:
    """Rounded half up (as statistics are published), thousands grouped (core.lib.formatting)."""
    return formatting.fixed(value, places)


def pct_text(value: Decimal | None) -> str:
    return fixed(value, 1)


def pp_text(value: Decimal | None) -> str:
    """Percentage points with their sign: +2.5, -7.0."""
    text = fixed(value, 1)
    return f"+{text}" if value is not None and not text.startswith("-") else text


def amount_text(code: str, value: Decimal | None) -> str:
    """A figure in the target's unit, written in the page's: 万元 as 亿元, 万千瓦时, persons, %."""
    if value is None:
        return EMPTY
    unit = BY_CODE[code].unit
    if unit == YUAN:
        return formatting.yi_text(value)
    return fixed(value, {KWH: 2, PERSONS: 0, PERCENT: 1}[unit])


def unit_text(code: str) -> str:
    unit = BY_CODE[code].unit
    return _("100 million yuan (亿元)") if unit == YUAN else str(UNIT_LABELS[unit])


def months_text(months: int | None) -> str:
    if months is None:
        return EMPTY
    return _("Months 1–%(months)s") % {"months": months}


def source_text(source: str) -> str:
    return _("Entered figure") if source == ENTERED else _("Monthly returns")


def office_zone(request: AuthenticatedHttpRequest) -> tuple[Zone, list[Zone]]:
    ensure_office_reader(request.user)
    return chosen_zone(request.user, request.GET.get("zone"))


# --- target progress ----------------------------------------------------------------------------


def progress_row(row: Progress) -> dict[str, Any]:
    code, actual = row.indicator, row.actual
    return {
        "target": row.target,
        "name": BY_CODE[code].name,
        "unit": unit_text(code),
        "target_value": amount_text(code, row.target.value),
        "target_growth": pct_text(row.target.growth_pct),
        "months": months_text(actual.months),
        "source": source_text(actual.source),
        "suppressed": actual.suppressed,
        "protected": actual.protected,
        "actual": amount_text(code, actual.value),
        "completion": pct_text(row.completion_pct),
        "pace": pct_text(row.pace_pct),
        "ahead": pp_text(row.ahead_pp),
        "behind": row.ahead_pp is not None and row.ahead_pp < 0,
        "warned": row.ahead_pp is not None and row.ahead_pp < -BEHIND_PACE_PP,
        "gap": amount_text(code, row.gap),
        "projected": amount_text(code, row.projected),
        "growth": pct_text(actual.growth_pct),
        "growth_gap": pp_text(row.growth_gap_pp),
        "growth_behind": row.growth_gap_pp is not None and row.growth_gap_pp < 0,
    }


def plan_row(row: PlanProgress) -> dict[str, Any]:
    code, target = row.indicator, row.target
    return {
        "target": target,
        "name": BY_CODE[code].name,
        "plan": f"{target.plan_name}（{target.start_year}–{target.end_year}）",
        "unit": unit_text(code),
        "target_value": amount_text(code, target.value),
        "target_growth": pct_text(target.growth_pct),
        "year": row.year or EMPTY,
        "suppressed": row.actual.suppressed,
        "protected": row.actual.protected,
        "actual": amount_text(code, row.actual.value),
        "completion": pct_text(row.completion_pct),
        "gap": amount_text(code, row.gap),
        "average_growth": pct_text(row.average_growth_pct),
        "growth_gap": pp_text(row.growth_gap_pp),
        "growth_behind": row.growth_gap_pp is not None and row.growth_gap_pp < 0,
    }


class TargetProgressView(LoginRequiredMixin, View):
    template_name = "indicators/target_progress.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        zone, zones = office_zone(request)
        month = chosen_month(
            request.GET.get("month"),
            latest_month([zone.pk], timezone.localdate(), reader=request.user),
        )
        progress = target_progress(user=request.user, zone=zone, month=month)
        return TemplateResponse(
            request,
            self.template_name,
            {
                "zone": zone,
                "zones": zones,
                "month": str(month),
                "months": months_text(month.month),
                "pace": pct_text(progress.pace_pct),
                "rows": [progress_row(row) for row in progress.annual],
                "plans": [plan_row(row) for row in progress.plans],
                "suppressed_mark": SUPPRESSED_MARK,
                "behind_pp": BEHIND_PACE_PP,
                "january": month.month == 1,
            },
        )


# --- warnings -----------------------------------------------------------------------------------


def warning_text(warning: IndicatorWarning) -> str:
    """The figures that raised the warning, as a sentence."""
    if warning.kind == WarningKind.BEHIND_PACE:
        return _(
            "%(months)s: %(completion)s %% of the target, %(behind)s points behind the "
            "time-elapsed pace of %(pace)s %%."
        ) % {
            "months": months_text(warning.months),
            "completion": pct_text(warning.completion_pct),
            "behind": fixed(-warning.ahead_pp if warning.ahead_pp is not None else None, 1),
            "pace": pct_text(warning.pace_pct),
        }
    if warning.kind == WarningKind.GROWTH_TURNED_NEGATIVE:
        return _("%(months)s: growth %(growth)s %%, after %(previous)s %% in %(before)s.") % {
            "months": months_text(warning.months),
            "growth": pct_text(warning.growth_pct),
            "previous": pct_text(warning.previous_growth_pct),
            "before": months_text(warning.previous_month.month if warning.previous_month else None),
        }
    if warning.kind == WarningKind.GROWTH_NEGATIVE:
        return _("%(months)s: growth %(growth)s %%.") % {
            "months": months_text(warning.months),
            "growth": pct_text(warning.growth_pct),
        }
    previous = {
        "count": warning.previous_enterprises,
        "before": str(warning.previous_month),
        "month": str(warning.month),
    }
    if warning.enterprises is None:
        return (
            _(
                "%(count)s enterprises had a figure in %(before)s; the zone has none for it in "
                "%(month)s."
            )
            % previous
        )
    return _("%(count)s enterprises had a figure in %(before)s; none in %(month)s.") % previous


class WarningListView(LoginRequiredMixin, View):
    """One zone's warnings (`?zone=`), or those of every zone the user may see."""

    template_name = "indicators/warning_list.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ensure_office_reader(request.user)
        zones = list(Zone.objects.for_user(request.user).order_by("name"))
        if not zones:
            raise Http404
        asked = request.GET.get("zone") or ""
        zone = next((z for z in zones if str(z.pk) == asked), None)
        if len(zones) == 1:
            zone = zones[0]
        shown = [zone] if zone is not None else zones
        month = chosen_month(
            request.GET.get("month"),
            latest_month([z.pk for z in shown], timezone.localdate(), reader=request.user),
        )
        found = warnings(user=request.user, month=month, zone=zone)
        kinds = dict(WarningKind.choices)
        rows = [
            {
                "zone": warning.zone,
                "indicator": BY_CODE[warning.indicator].name,
                "kind": warning.kind,
                "kind_label": kinds[warning.kind],
                "value": amount_text(warning.indicator, warning.value),
                "unit": unit_text(warning.indicator) if warning.value is not None else "",
                "text": warning_text(warning),
            }
            for warning in found
        ]
        counts = [
            {"kind": kind, "label": label, "count": sum(1 for w in found if w.kind == kind)}
            for kind, label in WarningKind.choices
        ]
        return TemplateResponse(
            request,
            self.template_name,
            {
                "zone": zone,
                "zones": zones,
                "month": str(month),
                "rows": rows,
                "counts": counts,
                "behind_pp": BEHIND_PACE_PP,
                "confidential": sees_everything(request.user),
            },
        )


# --- rankings -----------------------------------------------------------------------------------


class ZoneRankingView(LoginRequiredMixin, View):
    template_name = "indicators/ranking_zones.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ensure_office_reader(request.user)
        zones = list(Zone.objects.for_user(request.user))
        if not zones:
            raise Http404
        indicator = request.GET.get("indicator") or "gross_output"
        if indicator not in RANKABLE:
            indicator = "gross_output"
        by = BY_GROWTH if request.GET.get("by") == BY_GROWTH else BY_VALUE
        month = chosen_month(
            request.GET.get("month"),
            latest_month([z.pk for z in zones], timezone.localdate(), reader=request.user),
        )
        ranking = zone_ranking(user=request.user, month=month, indicator=indicator, by=by)
        rows = [
            {
                "zone": row.zone,
                "value_rank": row.value_rank or EMPTY,
                "growth_rank": row.growth_rank or EMPTY,
                "value": amount_text(indicator, row.value),
                "growth": pct_text(row.growth_pct),
                "enterprises": EMPTY if row.enterprises is None else row.enterprises,
                "suppressed": row.suppressed,
                "protected": row.protected,
            }
            for row in ranking.rows
        ]
        return TemplateResponse(
            request,
            self.template_name,
            {
                "month": str(month),
                "months": months_text(month.month),
                "indicator": indicator,
                "indicator_name": BY_CODE[indicator].name,
                "indicators": [(code, BY_CODE[code].name) for code in RANKABLE],
                "by": by,
                "by_growth": BY_GROWTH,
                "by_value": BY_VALUE,
                "unit": unit_text(indicator),
                "entered": BY_CODE[indicator].source == ENTERED,
                "rows": rows,
                "masked": ranking.masked,
                "confidential": sees_everything(request.user),
                "rule": DEFAULT_RULE.description(),
                "suppressed_mark": SUPPRESSED_MARK,
            },
        )
