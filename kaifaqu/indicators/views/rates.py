"""Pages of value-added rates: the registry (list, new, details, edit, history) and the rates in
force in a province and year, its own beside the national reference."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.core.views import Column, DetailField, Registry, RegistryDetailView, describe
from kaifaqu.core.views.tables import attr, decimal_text, verbose_label
from kaifaqu.indicators.api.rates import ValueAddedRateFilter
from kaifaqu.indicators.forms import ValueAddedRateForm
from kaifaqu.indicators.models import ValueAddedRate
from kaifaqu.indicators.selectors.rates import (
    own_province,
    rates_in_force,
    readable_provinces,
    value_added_rate_list,
)
from kaifaqu.indicators.services import value_added_rate_create, value_added_rate_update
from kaifaqu.indicators.services.provinces import may_write_province
from kaifaqu.indicators.services.rates import RATE_WRITE
from kaifaqu.returns.views.access import ensure_office_reader


def province_text(rate: ValueAddedRate) -> str:
    return rate.region.name if rate.region is not None else str(NATIONAL_LABEL)


NATIONAL_LABEL = gettext_lazy("National reference")
RATE_COLUMNS = [
    Column("region", verbose_label(ValueAddedRate, "region"), province_text, sort="region__code"),
    Column(
        "division",
        verbose_label(ValueAddedRate, "division"),
        lambda rate: f"{rate.division_id} {rate.division.name}",
        sort="division",
        link=True,
    ),
    Column("year", verbose_label(ValueAddedRate, "year"), attr("year"), sort="year"),
    Column(
        "rate",
        verbose_label(ValueAddedRate, "rate"),
        lambda rate: decimal_text(rate.rate, 4),
        sort="rate",
        numeric=True,
    ),
    Column("source", verbose_label(ValueAddedRate, "source"), attr("source")),
]
RATE_EXPORT_COLUMNS = [
    *RATE_COLUMNS,
    Column("note", verbose_label(ValueAddedRate, "note"), attr("note")),
]


class ValueAddedRateDetailView(RegistryDetailView):
    template_name = "core/detail.html"

    def edit_url(self, obj: ValueAddedRate) -> str | None:
        # A statistician reads the national rates but never changes them: no button for them.
        user = self.request.user
        if not isinstance(user, User) or not may_write_province(user, RATE_WRITE, obj.region):
            return None
        return super().edit_url(obj)

    def get_context_data(self, obj: ValueAddedRate) -> dict[str, Any]:
        return {
            "fields": [
                DetailField(label=str(RATE_COLUMNS[0].label), text=province_text(obj)),
                *describe(obj, ["division", "year", "rate", "source", "note"]),
            ]
        }


RATES = Registry(
    model=ValueAddedRate,
    selector=value_added_rate_list,
    filterset_class=ValueAddedRateFilter,
    columns=RATE_COLUMNS,
    export_columns=RATE_EXPORT_COLUMNS,
    form_class=ValueAddedRateForm,
    create=value_added_rate_create,
    update=value_added_rate_update,
    detail_view=ValueAddedRateDetailView,
    list_links=[("indicators:rates-in-force", gettext_lazy("Rates in force"))],
    create_links=[("indicators:value-added-rate-import", gettext_lazy("Import"))],
)


class RatesInForceView(LoginRequiredMixin, View):
    """Each division's rate in force in a year for a province: its own beside the national."""

    request: AuthenticatedHttpRequest

    def get(self, request: HttpRequest) -> HttpResponse:
        user = self.request.user
        ensure_office_reader(user)
        provinces = list(readable_provinces(user=user).order_by("code"))
        chosen = request.GET.get("province", "")
        province = next((p for p in provinces if p.code == chosen), None)
        if province is None:
            own = own_province(user)
            province = own if own in provinces else (provinces[0] if provinces else None)
        this_year = timezone.localdate().year
        try:
            year = int(request.GET.get("year", this_year))
        except ValueError:
            year = this_year
        return TemplateResponse(
            request,
            "indicators/rates_in_force.html",
            {
                "title": _("Value-added rates in force"),
                "provinces": provinces,
                "province": province,
                "year": year,
                "rows": rates_in_force(user=user, province=province, year=year),
            },
        )
