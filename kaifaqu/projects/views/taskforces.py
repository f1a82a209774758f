"""专班陪跑 pages of a project: its task force and service visits, its issue list (问题清单), its
documents (项目文件, downloaded only through a scoped view); and the overdue issues (逾期问题)
of everything the user sees."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.core.forms import add_service_errors, mark_invalid
from kaifaqu.core.permissions import can_write
from kaifaqu.core.views.registry import RegistryObjectView
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.forms_taskforces import (
    DocumentForm,
    IssueForm,
    IssueStatusForm,
    ServiceVisitForm,
    TaskForceDissolveForm,
    TaskForceForm,
)
from kaifaqu.projects.models import (
    MemberRole,
    Project,
    ProjectDocument,
    ProjectIssue,
    ServiceVisit,
    TaskForce,
)
from kaifaqu.projects.selectors import (
    may_see_project_work,
    overdue_departments,
    overdue_issues,
    project_documents,
    project_issues,
    project_task_force,
    project_visits,
)
from kaifaqu.projects.services import (
    document_add,
    document_remove,
    issue_raise,
    issue_transition,
    service_visit_record,
    task_force_assign,
    task_force_dissolve,
)

ISSUE_BADGE = {
    "open": "bg-orange-lt",
    "in_progress": "bg-blue-lt",
    "resolved": "bg-green-lt",
    "unresolvable": "bg-secondary-lt",
}


class ProjectWorkView(RegistryObjectView):
    """A tab of a project the user sees, for those who see the zone's work on it."""

    template_name: str
    tab: str

    def get_object(self) -> Project:
        if not may_see_project_work(self.request.user):
            raise PermissionDenied(_("The zone's work on its projects is not shown to you."))
        project: Project = super().get_object()
        return project

    def page(self, project: Project, status: int = 200, **forms: Any) -> TemplateResponse:
        for form in forms.values():
            if form is not None:
                mark_invalid(form)
        context = {
            **self.object_context(project, self.tab),
            **self.get_context_data(project, **forms),
        }
        return self.render(self.template_name, context, status=status)

    def get_context_data(self, project: Project, **forms: Any) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.page(self.get_object())

    def ensure_writer(self, model: type[Any]) -> None:
        if not can_write(self.request.user, model):
            raise PermissionDenied(_("You may not change this record."))

    def done(self, project: Project, message: str, anchor: str = "") -> HttpResponseRedirect:
        messages.success(self.request, message)
        url = reverse(f"projects:project-{self.tab}", args=[project.pk])
        return HttpResponseRedirect(url + anchor)


# --- the task force and its visits ------------------------------------------------------------


class TaskForcePageView(ProjectWorkView):
    template_name = "projects/project_task_force.html"
    tab = "task-force"

    def get_context_data(self, project: Project, **forms: Any) -> dict[str, Any]:
        assign_form: TaskForceForm | None = forms.get("assign_form")
        dissolve_form: TaskForceDissolveForm | None = forms.get("dissolve_form")
        visit_form: ServiceVisitForm | None = forms.get("visit_form")
        user = self.request.user
        task_force = project_task_force(user=user, project=project)
        seats = list(task_force.members.all()) if task_force is not None else []
        may_write = can_write(user, TaskForce)
        may_visit = can_write(user, ServiceVisit)
        if may_write and assign_form is None:
            assign_form = TaskForceForm(project=project, task_force=task_force)
        if may_write and dissolve_form is None and task_force is not None:
            dissolve_form = TaskForceDissolveForm()
        if may_visit and visit_form is None:
            visit_form = ServiceVisitForm(project=project)
        return {
            "task_force": task_force,
            "lead": next((s for s in seats if s.is_current and s.role == MemberRole.LEAD), None),
            "members": [s for s in seats if s.is_current and s.role == MemberRole.MEMBER],
            "past_seats": [s for s in seats if not s.is_current],
            "visits": project_visits(user=user, project=project),
            "assign_form": assign_form if may_write else None,
            "dissolve_form": (
                dissolve_form if may_write and task_force and task_force.is_active else None
            ),
            "visit_form": visit_form if may_visit else None,
        }


class TaskForceAssignView(TaskForcePageView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        project = self.get_object()
        self.ensure_writer(TaskForce)
        task_force = project_task_force(user=request.user, project=project)
        form = TaskForceForm(data=request.POST, project=project, task_force=task_force)
        if form.is_valid():
            try:
                task_force_assign(
                    by=request.user,
                    project=project,
                    lead=form.lead_person(),
                    members=form.member_people(),
                    on=form.cleaned_data["on"],
                    name=form.cleaned_data["name"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(project, _("The task force is recorded."))
        return self.page(project, status=400, assign_form=form)


class TaskForceDissolveView(TaskForcePageView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        project = self.get_object()
        self.ensure_writer(TaskForce)
        task_force = project_task_force(user=request.user, project=project)
        if task_force is None:
            raise Http404
        form = TaskForceDissolveForm(data=request.POST)
        if form.is_valid():
            try:
                task_force_dissolve(
                    by=request.user,
                    task_force=task_force,
                    on=form.cleaned_data["on"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(project, _("The task force is dissolved."))
        return self.page(project, status=400, dissolve_form=form)


class VisitRecordView(TaskForcePageView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        project = self.get_object()
        self.ensure_writer(ServiceVisit)
        form = ServiceVisitForm(data=request.POST, project=project)
        if form.is_valid():
            try:
                visit = service_visit_record(
                    by=request.user,
                    project=project,
                    data=form.visit_data(),
                    participants=list(form.cleaned_data["participants"]),
                    issues=form.issues(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(project, _("The visit is recorded."), f"#visit-{visit.pk}")
        return self.page(project, status=400, visit_form=form)


# --- the issue list ---------------------------------------------------------------------------


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

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
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

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
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


# --- documents --------------------------------------------------------------------------------


class DocumentsPageView(ProjectWorkView):
    template_name = "projects/project_documents.html"
    tab = "documents"

    def get_context_data(self, project: Project, **forms: Any) -> dict[str, Any]:
        document_form: DocumentForm | None = forms.get("document_form")
        user = self.request.user
        may_write = can_write(user, ProjectDocument)
        if may_write and document_form is None:
            document_form = DocumentForm()
        return {
            "documents": project_documents(user=user, project=project),
            "document_form": document_form if may_write else None,
            "may_remove": may_write,
        }


class DocumentUploadView(DocumentsPageView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        project = self.get_object()
        self.ensure_writer(ProjectDocument)
        form = DocumentForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                document_add(
                    by=request.user,
                    project=project,
                    data={name: data[name] for name in ("title", "kind", "dated")},
                    file=data["file"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(project, _("The document is attached."))
        return self.page(project, status=400, document_form=form)


class DocumentRemoveView(DocumentsPageView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        project = self.get_object()
        self.ensure_writer(ProjectDocument)
        document = get_object_or_404(
            project_documents(user=request.user, project=project), pk=kwargs["document"]
        )
        document_remove(by=request.user, document=document)
        return self.done(project, _("“%(title)s” is removed.") % {"title": document.title})


class DocumentDownloadView(ProjectWorkView):
    """The file of a document, for those who see the zone's work on the project; never a
    public address. A record outside the user's scope is a 404, as if it did not exist."""

    tab = "documents"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        project = self.get_object()
        document = get_object_or_404(
            project_documents(user=request.user, project=project), pk=kwargs["document"]
        )
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        filename = document.original_name or PurePosixPath(document.file.name or "").name
        response = FileResponse(handle, as_attachment=True, filename=filename)
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- overdue issues across the zone -----------------------------------------------------------


class OverdueIssuesView(LoginRequiredMixin, View):
    """逾期问题: the pending issues past their due date in everything the user sees, most overdue
    first; filtered by zone, park and responsible department."""

    template_name = "projects/overdue_issues.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: Any = request.user
        if not may_see_project_work(user):
            raise PermissionDenied(_("The zone's work on its projects is not shown to you."))
        today = timezone.localdate()
        every = overdue_issues(user, today)
        issues = every
        zones = Zone.objects.for_user(user).order_by("name")
        parks = Park.objects.for_user(user).select_related("zone").order_by("zone__name", "name")
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
