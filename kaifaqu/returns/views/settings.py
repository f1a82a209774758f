"""The review settings of the user's zone: thresholds of the rules and the reporting deadline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.forms import add_service_errors, mark_invalid
from kaifaqu.core.permissions import can_write
from kaifaqu.returns.forms.returns import StatisticsSettingsForm
from kaifaqu.returns.models import StatisticsSettings
from kaifaqu.returns.services import statistics_settings_for, statistics_settings_update


class StatisticsSettingsView(LoginRequiredMixin, View):
    template_name = "returns/settings.html"

    def zone(self) -> Any:
        user = self.request.user
        zone = getattr(user.scope, "zone", None)  # type: ignore[union-attr]
        if zone is None or not can_write(user, StatisticsSettings):
            raise PermissionDenied(_("The review settings belong to a zone's statistics office."))
        return zone

    def render(self, zone: Any, form: StatisticsSettingsForm) -> TemplateResponse:
        mark_invalid(form)
        return TemplateResponse(self.request, self.template_name, {"zone": zone, "form": form})

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        zone = self.zone()
        instance = statistics_settings_for(zone)
        return self.render(zone, StatisticsSettingsForm(instance=instance))

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        zone = self.zone()
        form = StatisticsSettingsForm(data=request.POST, instance=statistics_settings_for(zone))
        if form.is_valid():
            try:
                statistics_settings_update(by=request.user, zone=zone, data=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The review settings were saved."))
                return HttpResponseRedirect(reverse("returns:settings"))
        return self.render(zone, form)
