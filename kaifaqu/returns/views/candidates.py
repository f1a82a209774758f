"""The 上规入统 candidate list: firms off the roster nearing their category's threshold."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.lib.formatting import count_text, fixed, wan_text
from kaifaqu.enterprises.models import StatCategory
from kaifaqu.returns.models import ProxyKind
from kaifaqu.returns.selectors.candidates import candidate_list, latest_month, zone_settings
from kaifaqu.returns.views.access import chosen_month, chosen_zone, ensure_zone_figures_reader


class CandidateListView(LoginRequiredMixin, View):
    template_name = "returns/candidate_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ensure_zone_figures_reader(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        zone, zones = chosen_zone(request.user, request.GET.get("zone"))
        as_of = chosen_month(request.GET.get("month"), latest_month(zone, timezone.localdate()))
        categories = dict(StatCategory.choices)
        proxies = dict(ProxyKind.choices)
        rows = [
            {
                "enterprise": row.enterprise,
                "category": categories[row.category],
                "threshold": wan_text(row.threshold),
                "trailing": wan_text(row.trailing),
                "proxy": proxies[row.proxy_kind] if row.proxy_kind else None,
                "share": fixed(row.share_pct, 1),  # the header says (%)
                "months_left": row.months_left,
            }
            for row in candidate_list(user=request.user, zone=zone, as_of=as_of)
        ]
        return TemplateResponse(
            request,
            self.template_name,
            {
                "zone": zone,
                "zones": zones,
                "month": str(as_of),
                "window_start": str(as_of.shift(-11)),
                "share_pct": count_text(zone_settings(zone).candidate_share_pct),
                "rows": rows,
            },
        )
