"""The project's issue list (问题清单) tab, and the overdue issues (逾期问题) of everything the
user sees."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.core.forms import add_service_errors
from kaifaqu.core.permissions import can_write
from kaifaqu.core.views.export import xlsx_download
from kaifaqu.core.views.tables import Column
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.forms.taskforces import (
    IssueForm,
    IssueStatusForm,
)
from kaifaqu.projects.models import (
    Project,
    ProjectIssue,
)
from kaifaqu.projects.selectors import (
    may_see_project_work,
    overdue_departments,
    overdue_issues,
    project_issues,
    project_visits,
)
from kaifaqu.projects.services import (
    issue_raise,
    issue_transition,
)
from kaifaqu.projects.views.taskforces import ProjectWorkView

ISSUE_BADGE = {
    "open": "bg-orange-lt",
    "in_progress": "bg-blue-lt",
    "resolved": "bg-green-lt",
    "unresolvable": "bg-secondary-lt",
}


class IssuesPageView(ProjectWorkView):
    template_name = "projects/project_issues.html"
    tab = "issues"

    def get_context_data(self, project: Project, **forms: Any) -> dict[str, Any]:
        issue_form: IssueForm | None = forms.get("issue_form")
        status_form: IssueStatusForm | None = forms.get("status_form")
        user = self.request.user
        today = timezone.localdate()
        issues = list(project_issues(user=user, project=project))
        may_write = can_write(user, ProjectIssue)
        if may_write and issue_form is None:
            issue_form = IssueForm(
                project=project, visits=project_visits(user=user, project=project)
            )
        if may_write and status_form is None:
            status_form = IssueStatusForm(issues=issues)
        return {
            "today": today,
            "rows": [
                {
                    "issue": issue,
                    "badge": ISSUE_BADGE.get(issue.status, ""),
                    "days_overdue": issue.days_overdue(today),
                }
                for issue in issues
            ],
            "issue_form": issue_form if may_write else None,
            "status_form": status_form if may_write else None,
        }


class IssueRaiseView(IssuesPageView):
    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        project = self.get_object()
        self.ensure_writer(ProjectIssue)
        visits = project_visits(user=request.user, project=project)
        form = IssueForm(data=request.POST, project=project, visits=visits)
        if form.is_valid():
            try:
                issue = issue_raise(
                    by=request.user,
                    project=project,
                    data=form.issue_data(),
                    visit=form.cleaned_data["visit"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(project, _("The issue is on the list."), f"#issue-{issue.pk}")
        return self.page(project, status=400, issue_form=form)


class IssueStatusView(IssuesPageView):
    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        project = self.get_object()
        self.ensure_writer(ProjectIssue)
        issues = list(project_issues(user=request.user, project=project))
        form = IssueStatusForm(data=request.POST, issues=issues)
        if form.is_valid():
            issue = next(issue for issue in issues if issue.pk == form.cleaned_data["issue"])
            try:
                issue = issue_transition(
                    by=request.user,
                    issue=issue,
                    to_status=form.cleaned_data["to_status"],
                    on=form.cleaned_data["on"],
                    resolution=form.cleaned_data["resolution"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(
                    project,
                    _("The issue is now %(status)s.") % {"status": issue.get_status_display()},
                    f"#issue-{issue.pk}",
                )
        return self.page(project, status=400, status_form=form)


class OverdueIssuesView(LoginRequiredMixin, View):
    """逾期问题: the pending issues past their due date in everything the user sees, most overdue
    first; filtered by zone, park and responsible department."""

    template_name = "projects/overdue_issues.html"

    def filtered(self, request: AuthenticatedHttpRequest) -> tuple[Any, Any, dict[str, str]]:
        """Every overdue issue the user sees, those the filters keep, and the filters."""
        user: User = request.user
        if not may_see_project_work(user):
            raise PermissionDenied(_("The zone's work on its projects is not shown to you."))
        every = overdue_issues(user, timezone.localdate())
        issues = every
        chosen = {
            "zone": request.GET.get("zone", ""),
            "park": request.GET.get("park", ""),
            "department": request.GET.get("department", ""),
        }
        if chosen["zone"].isdigit():
            issues = issues.filter(project__zone_id=int(chosen["zone"]))
        if chosen["park"].isdigit():
            issues = issues.filter(project__park_id=int(chosen["park"]))
        if chosen["department"]:
            issues = issues.filter(department=chosen["department"])
        return every, issues, chosen

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: User = request.user
        every, issues, chosen = self.filtered(request)
        today = timezone.localdate()
        zones = Zone.objects.for_user(user).order_by("name")
        parks = Park.objects.for_user(user).select_related("zone").order_by("zone__name", "name")
        page = Paginator(issues, 50).get_page(request.GET.get("page"))
        rows = [
            {"issue": issue, "days_overdue": issue.days_overdue(today)}
            for issue in page.object_list
        ]
        query = request.GET.copy()
        query.pop("page", None)
        return TemplateResponse(
            request,
            self.template_name,
            {
                "today": today,
                "rows": rows,
                "page_obj": page,
                "query": query.urlencode(),
                "total": page.paginator.count,
                "zones": zones if zones.count() > 1 else [],
                "parks": parks,
                "departments": overdue_departments(every),
                "chosen": chosen,
            },
        )


OVERDUE_COLUMNS = [
    Column("problem", gettext_lazy("Problem"), attrgetter("problem")),
    Column("project", gettext_lazy("Project"), attrgetter("project.name")),
    Column("zone", gettext_lazy("Zone"), attrgetter("project.zone.name")),
    Column(
        "park",
        gettext_lazy("Park"),
        lambda issue: issue.project.park.name if issue.project.park else "",
    ),
    Column("department", gettext_lazy("Responsible department"), attrgetter("department")),
    Column("owner", gettext_lazy("Owner"), lambda issue: str(issue.owner or "")),
    Column("status", gettext_lazy("Status"), lambda issue: str(issue.get_status_display())),
    Column("raised_on", gettext_lazy("Raised on"), attrgetter("raised_on")),
    Column("due_on", gettext_lazy("Due"), attrgetter("due_on")),
    Column(
        "days",
        gettext_lazy("Days overdue"),
        lambda issue: issue.days_overdue(timezone.localdate()),
    ),
]


class OverdueIssuesExportView(OverdueIssuesView):
    """The overdue issues the filters keep, every one, as a workbook."""

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _every, issues, _chosen = self.filtered(request)
        return xlsx_download(
            request=request,
            filename=f"overdue-issues-{timezone.localdate().isoformat()}.xlsx",
            what="overdue issues",
            sheets=[(str(_("Overdue issues")), OVERDUE_COLUMNS, issues)],
        )
