"""The cycle-time page (项目周期): medians per park and industry, the projects over their norm, and
the zone's norms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.forms import add_service_errors
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.core.permissions import can_write
from kaifaqu.geo.models import Zone
from kaifaqu.projects.cycles import SPANS, ProjectCycle, medians, overdue, span_summary
from kaifaqu.projects.forms.projects import ProjectSettingsForm
from kaifaqu.projects.models import ProjectSettings
from kaifaqu.projects.selectors import project_cycles
from kaifaqu.projects.services import project_settings_for, project_settings_update
from kaifaqu.projects.views.zones import zone_choice


class CycleTimesView(LoginRequiredMixin, View):
    template_name = "projects/cycle_times.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        zones, zone = self._zones(request)
        form = ProjectSettingsForm(instance=project_settings_for(zone)) if zone else None
        return self._render(request, zones, zone, form)

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        zones, zone = self._zones(request)
        if zone is None or not can_write(request.user, ProjectSettings):
            raise PermissionDenied(_("You may not change this record."))
        form = ProjectSettingsForm(request.POST, instance=project_settings_for(zone))
        if form.is_valid():
            try:
                project_settings_update(by=request.user, zone=zone, data=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The norms were saved."))
                return HttpResponseRedirect(f"{reverse('projects:cycle-times')}?zone={zone.pk}")
        return self._render(request, zones, zone, form, status=400)

    def _zones(self, request: HttpRequest) -> tuple[list[Zone], Zone | None]:
        zones, zone = zone_choice(request)
        if not zones:
            raise Http404
        return zones, zone

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        zones: list[Zone],
        zone: Zone | None,
        form: ProjectSettingsForm | None,
        status: int = 200,
    ) -> TemplateResponse:
        cycles = project_cycles(user=request.user, today=timezone.localdate(), zone=zone)
        divisions = dict(
            IndustryClass.objects.filter(level=IndustryLevel.DIVISION).values_list("code", "name")
        )

        def by_park(project: Any) -> tuple[str, str]:
            if project.park is None:
                return ("", _("Outside any park"))
            return (str(project.park_id), project.park.name)

        def by_division(project: Any) -> tuple[str, str] | None:
            if project.industry_id is None:
                return None
            code = str(project.industry_id)[:2]
            return (code, f"{code} {divisions.get(code, '')}".strip())

        context = {
            "zones": zones,
            "zone": zone,
            "form": form,
            "can_change": form is not None and can_write(request.user, ProjectSettings),
            "spans": SPANS,
            "summary": span_summary(cycles),
            "by_park": _grouped(cycles, by_park),
            "by_division": _grouped(cycles, by_division),
            "overdue": overdue(cycles),
            "projects": len(cycles),
        }
        return TemplateResponse(request, self.template_name, context, status=status)


def _grouped(cycles: list[ProjectCycle], group: Any) -> list[dict[str, Any]]:
    """One row per group: its label and, per span, the median closed span and how many."""
    columns = [{row.key: row for row in medians(cycles, span, group)} for span in SPANS]
    keys: dict[str, str] = {}
    for column in columns:
        keys.update({key: row.label for key, row in column.items()})
    return [
        {"label": label, "cells": [column.get(key) for column in columns]}
        for key, label in sorted(keys.items(), key=lambda item: item[1])
    ]
