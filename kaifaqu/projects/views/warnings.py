"""Project warnings (项目预警): projects without progress, overdue issues, missing investment
reports, for the zones the user sees."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.core.permissions import ScopeLevel
from kaifaqu.geo.models import Zone
from kaifaqu.projects.selectors.warnings import DEFAULT_STALE_DAYS, project_warnings


class ProjectWarningsView(LoginRequiredMixin, View):
    template_name = "projects/project_warnings.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: Any = request.user
        if user.scope.level == ScopeLevel.NONE:
            raise PermissionDenied(_("Project warnings are for the zones' and province's staff."))
        zones = list(Zone.objects.for_user(user).order_by("name"))
        zone = None
        if request.GET.get("zone"):
            zone = next((z for z in zones if str(z.pk) == request.GET["zone"]), None)
            if zone is None:
                raise Http404
        elif len(zones) == 1:
            zone = zones[0]
        warnings = project_warnings(user=user, today=timezone.localdate(), zone=zone)
        context = {
            "zones": zones,
            "zone": zone,
            "warnings": warnings,
            "default_norm": DEFAULT_STALE_DAYS,
        }
        return TemplateResponse(request, self.template_name, context)
