"""专班陪跑 pages of a project: the base of its tabs for the zone's work, and the task force tab
with its service visits. The issue list is in `issues.py`, the documents in `documents.py`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.forms import add_service_errors, mark_invalid
from kaifaqu.core.permissions import can_write
from kaifaqu.core.views.registry import RegistryObjectView
from kaifaqu.projects.forms.taskforces import (
    ServiceVisitForm,
    TaskForceDissolveForm,
    TaskForceForm,
)
from kaifaqu.projects.models import (
    MemberRole,
    Project,
    ServiceVisit,
    TaskForce,
)
from kaifaqu.projects.selectors import (
    may_see_project_work,
    project_task_force,
    project_visits,
)
from kaifaqu.projects.services import (
    service_visit_record,
    task_force_assign,
    task_force_dissolve,
)


class ProjectWorkView(RegistryObjectView):
    """A tab of a project the user sees, for those who see the zone's work on it."""

    request: AuthenticatedHttpRequest

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

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.page(self.get_object())

    def ensure_writer(self, model: type[Any]) -> None:
        if not can_write(self.request.user, model):
            raise PermissionDenied(_("You may not change this record."))

    def done(self, project: Project, message: str, anchor: str = "") -> HttpResponseRedirect:
        messages.success(self.request, message)
        url = reverse(f"projects:project-{self.tab}", args=[project.pk])
        return HttpResponseRedirect(url + anchor)


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

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
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

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
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

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
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
