"""The tax and electricity figures that stand in for revenue: the list, and entering one figure."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.core.forms import add_service_errors, mark_invalid
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import can_write, user_may
from kaifaqu.core.views.registry import paginate
from kaifaqu.geo.models import Zone
from kaifaqu.returns.forms.proxies import ProxyFigureForm, ProxyFilterForm
from kaifaqu.returns.models import ProxyFigure
from kaifaqu.returns.selectors.proxies import proxy_figure_list
from kaifaqu.returns.services import proxy_figure_record
from kaifaqu.returns.views.access import chosen_month, chosen_zone, ensure_zone_figures_reader

# How many months the list shows unless asked otherwise: the window of the candidate list.
DEFAULT_MONTHS = 12


def ensure_proxy_writer(user: User) -> None:
    if not can_write(user, ProxyFigure):
        raise PermissionDenied(_("Only the statistics office enters tax and electricity figures."))


class ProxyListView(LoginRequiredMixin, View):
    """Figures of a zone over a range of months; writers enter or correct one below the list."""

    request: AuthenticatedHttpRequest

    template_name = "returns/proxy_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ensure_zone_figures_reader(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        zone, zones = chosen_zone(request.user, request.GET.get("zone"))
        entry_form = None
        if can_write(request.user, ProxyFigure):
            entry_form = ProxyFigureForm(
                user=request.user, zone=zone, initial=self.correcting(zone)
            )
        return self.render(zone, zones, entry_form)

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        user = request.user
        ensure_proxy_writer(user)
        zone, zones = chosen_zone(user, request.POST.get("zone"))
        form = ProxyFigureForm(data=request.POST, user=user, zone=zone)
        if form.is_valid():
            data = form.cleaned_data
            try:
                figure = proxy_figure_record(
                    by=user,
                    enterprise=data["enterprise"],
                    month=data["period"],
                    kind=data["kind"],
                    value=data["value"],
                    source=data["source"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(figure)s was saved: %(value)s.")
                    % {"figure": figure, "value": format(figure.value.normalize(), "f")},
                )
                query = urlencode({"zone": zone.pk, "end": str(data["period"])})
                return HttpResponseRedirect(f"{reverse('returns:proxy-list')}?{query}")
        mark_invalid(form)
        return self.render(zone, zones, form, status=400)

    def correcting(self, zone: Zone) -> dict[str, Any]:
        """The form's initial values when a row's "correct" link was followed."""
        pk = self.request.GET.get("edit", "")
        figure = (
            proxy_figure_list(user=self.request.user, zone=zone).filter(pk=pk).first()
            if pk.isdigit()
            else None
        )
        if figure is None:
            return {}
        return {
            "enterprise": figure.enterprise_id,
            "period": f"{figure.period:%Y-%m}",
            "kind": figure.kind,
            "value": figure.value.normalize(),
            "source": figure.source,
        }

    def render(
        self, zone: Zone, zones: list[Zone], entry_form: ProxyFigureForm | None, status: int = 200
    ) -> TemplateResponse:
        request = self.request
        last = Month.of(timezone.localdate()).shift(-1)
        data = request.GET.copy()
        # Unless asked, the 12 months up to last month (or up to the month asked for).
        data.setdefault("end", str(last))
        end = chosen_month(data.get("end"), last)
        data.setdefault("start", str(end.shift(1 - DEFAULT_MONTHS)))
        filter_form = ProxyFilterForm(data=data)
        figures: QuerySet[ProxyFigure] = ProxyFigure.objects.none()
        if filter_form.is_valid():
            chosen = filter_form.cleaned_data
            figures = proxy_figure_list(
                user=request.user,
                zone=zone,
                start=chosen["start"],
                end=chosen["end"],
                kind=chosen["kind"],
                query=chosen["q"],
            )
        pages = paginate(figures, request.GET.get("page"))
        return TemplateResponse(
            request,
            self.template_name,
            {
                **pages,
                "zone": zone,
                "zones": zones,
                "filter_form": filter_form,
                "figures": pages["page_obj"].object_list,
                "writer": entry_form is not None,
                "entry_form": entry_form,
                "importer": user_may(request.user, "returns.import_proxies"),
            },
            status=status,
        )
