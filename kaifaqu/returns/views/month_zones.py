"""The zones of the user's region side by side for one month (returns:month-zones): the
provincial or city office's view of its zones' reporting months, counts only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import user_may
from kaifaqu.returns.models import ReportingMonth
from kaifaqu.returns.selectors.month_pages import ZONE_SORTS, region_month_rows
from kaifaqu.returns.views.access import chosen_month, refuse_unless
from kaifaqu.returns.views.months import phase_context
from kaifaqu.returns.views.progress_text import progress_text


class MonthZonesView(LoginRequiredMixin, View):
    """The zones of the user's region for one month: response and acceptance rates, sortable,
    with the region's totals (counts only: no firm is named)."""

    template_name = "returns/month_zones.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refuse_unless(
            request.user,
            "returns.compare_months",
            _("The zones' reporting months are for the provincial or city office."),
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        latest = (
            ReportingMonth.objects.for_user(user)
            .order_by("-period")
            .values_list("period", flat=True)
            .first()
        )
        default = Month.of(latest) if latest else Month.of(timezone.localdate()).shift(-1)
        month = chosen_month(request.GET.get("month"), default)
        sort = request.GET.get("sort", "response")
        sort = sort if sort in ZONE_SORTS else "response"
        descending = request.GET.get("dir", "asc") == "desc"
        rows, total = region_month_rows(
            user=user,
            month=month,
            today=timezone.localdate(),
            sort=sort,
            descending=descending,
        )
        return TemplateResponse(
            request,
            self.template_name,
            {
                "month": month,
                "rows": [
                    {"row": row, "text": progress_text(row.progress), **phase_context(row.phase)}
                    for row in rows
                ],
                "total_text": progress_text(total),
                "sort": sort,
                "descending": descending,
                "zone_links": user_may(user, "returns.see_month"),
            },
        )
