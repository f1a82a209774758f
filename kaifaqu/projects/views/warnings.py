"""Project warnings (项目预警): projects without progress, overdue issues, missing investment
reports, for the zones the user sees."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.core.views.export import xlsx_download
from kaifaqu.core.views.tables import Column
from kaifaqu.geo.models import Zone
from kaifaqu.projects.models import Project
from kaifaqu.projects.selectors.taskforces import may_see_project_work
from kaifaqu.projects.selectors.warnings import DEFAULT_STALE_DAYS, project_warnings
from kaifaqu.projects.views.zones import zone_choice


class ProjectWarningsView(LoginRequiredMixin, View):
    template_name = "projects/project_warnings.html"

    def chosen(self, request: AuthenticatedHttpRequest) -> tuple[list[Zone], Zone | None]:
        user: User = request.user
        # The zone's work on its projects (no progress, overdue issues, missing reports): its
        # offices', as the dashboard shows it; not an enterprise's, not the 三员's.
        if not may_see_project_work(user):
            raise PermissionDenied(_("Project warnings are for the zones' and province's staff."))
        return zone_choice(request)

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        zones, zone = self.chosen(request)
        warnings = project_warnings(user=request.user, today=timezone.localdate(), zone=zone)
        context = {
            "zones": zones,
            "zone": zone,
            "warnings": warnings,
            "default_norm": DEFAULT_STALE_DAYS,
        }
        return TemplateResponse(request, self.template_name, context)


def _zone_park(project: Project) -> str:
    return project.zone.name + (f" / {project.park.name}" if project.park else "")


STALE_COLUMNS = [
    Column("project", gettext_lazy("Project"), attrgetter("project.name")),
    Column("place", gettext_lazy("Zone / park"), lambda row: _zone_park(row.project)),
    Column("stage", gettext_lazy("Stage"), lambda row: str(row.project.get_stage_display())),
    Column("last_progress", gettext_lazy("Last progress"), attrgetter("last_progress")),
    Column("days", gettext_lazy("Days without progress"), attrgetter("days")),
    Column("norm", gettext_lazy("Norm (days)"), attrgetter("norm")),
]
OVERDUE_COLUMNS = [
    Column("problem", gettext_lazy("Problem"), attrgetter("issue.problem")),
    Column("project", gettext_lazy("Project"), attrgetter("issue.project.name")),
    Column("department", gettext_lazy("Responsible department"), attrgetter("issue.department")),
    Column("due_on", gettext_lazy("Due"), attrgetter("issue.due_on")),
    Column("days", gettext_lazy("Days overdue"), attrgetter("days")),
]
MISSING_COLUMNS = [
    Column("project", gettext_lazy("Project"), attrgetter("name")),
    Column("place", gettext_lazy("Zone / park"), _zone_park),
    Column("stage", gettext_lazy("Stage"), lambda project: str(project.get_stage_display())),
    Column(
        "registered",
        gettext_lazy("Investment database"),
        lambda project: str(
            _("Registered, not reported")
            if project.fai_registered
            else _("Eligible, not registered")
        ),
    ),
]


class ProjectWarningsExportView(ProjectWarningsView):
    """Every warning (not only the first 200 of a kind) as a workbook of three sheets."""

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _zones, zone = self.chosen(request)
        today = timezone.localdate()
        warnings = project_warnings(user=request.user, today=today, zone=zone, limit=None)
        return xlsx_download(
            request=request,
            filename=f"project-warnings-{today.isoformat()}.xlsx",
            what="project warnings",
            sheets=[
                (str(_("No progress (无进展)")), STALE_COLUMNS, warnings.stale),
                (str(_("Overdue issues (问题逾期)")), OVERDUE_COLUMNS, warnings.overdue),
                (
                    str(_("No investment report for %(month)s") % {"month": warnings.report_month}),
                    MISSING_COLUMNS,
                    warnings.missing,
                ),
            ],
        )
