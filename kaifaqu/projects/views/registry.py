"""Project registry pages, with the stage history and the form that moves a project on."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBase, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.forms import add_service_errors, mark_invalid
from kaifaqu.core.permissions import can_write
from kaifaqu.core.views import (
    Column,
    DetailField,
    Registry,
    RegistryCreateView,
    RegistryDetailView,
    describe,
)
from kaifaqu.core.views.related import RelatedRecords
from kaifaqu.core.views.tables import attr, decimal_text, verbose_label, wan_text, yi_text
from kaifaqu.projects.filters import ProjectFilter
from kaifaqu.projects.forms.projects import (
    ProjectAdvanceForm,
    ProjectCreateForm,
    ProjectForm,
    StageChangeCorrectForm,
)
from kaifaqu.projects.models import Project, Stage
from kaifaqu.projects.selectors import (
    lead_follow_ups,
    lead_of_project,
    may_see_project_work,
    project_issue_counts,
    project_list,
    project_stage_history,
    project_task_force,
    project_timeline,
)
from kaifaqu.projects.services import (
    STAGE_DATA_FIELDS,
    project_advance,
    project_create,
    project_update,
    stage_change_correct,
)

STAGE_BADGE: dict[str, str] = {
    Stage.LEAD: "bg-secondary-lt",
    Stage.NEGOTIATING: "bg-azure-lt",
    Stage.SIGNED: "bg-blue-lt",
    Stage.APPROVED: "bg-indigo-lt",
    Stage.STARTED: "bg-purple-lt",
    Stage.BUILDING: "bg-orange-lt",
    Stage.COMMISSIONED: "bg-green-lt",
    Stage.AT_CAPACITY: "bg-teal-lt",
    Stage.STALLED: "bg-yellow-lt",
    Stage.TERMINATED: "bg-red-lt",
}


def _label(name: str) -> Any:
    return verbose_label(Project, name)


def _stage_badge(project: Project) -> str | None:
    return STAGE_BADGE.get(project.stage)


NAME = Column("name", _label("name"), attr("name"), sort="name", link=True)
PARK = Column("park", _label("park"), attr("park.name"), sort="park__name")
STAGE = Column(
    "stage", _label("stage"), attr("get_stage_display"), sort="stage", badge=_stage_badge
)
TOTAL_YI = Column(
    "total_investment",
    gettext_lazy("Total investment (亿元)"),
    attr("total_investment"),
    sort="total_investment",
    numeric=True,
    display=lambda project: yi_text(project.total_investment),
)
LAND = Column(
    "land_mu",
    _label("land_mu"),
    attr("land_mu"),
    sort="land_mu",
    numeric=True,
    display=lambda project: decimal_text(project.land_mu),
)
STAGE_SINCE = Column("stage_since", _label("stage_since"), attr("stage_since"), sort="stage_since")

COLUMNS = [NAME, PARK, STAGE, TOTAL_YI, LAND, STAGE_SINCE]
RELATED_COLUMNS = [NAME, STAGE, TOTAL_YI, STAGE_SINCE]

EXPORT_COLUMNS = [
    Column(name, _label(name), attr(name))
    for name in (
        "name",
        "zone",
        "park",
        "site",
        "investor",
        "enterprise",
    )
] + [
    Column("industry_code", gettext_lazy("Industry code"), attr("industry.code")),
    Column("stage", _label("stage"), attr("get_stage_display")),
    *(
        Column(name, _label(name), attr(name))
        for name in (
            "stage_since",
            "total_investment",
            "signed_investment",
            "planned_investment",
            "land_mu",
            "capacity",
            "expected_annual_output",
            "expected_annual_tax",
            "expected_jobs",
            "is_illustrative",
        )
    ),
    Column("officer", _label("officer"), attr("officer")),
]


def _money(label: str, amount_wan: Decimal | None) -> DetailField:
    if amount_wan is None:
        return DetailField(label=label, text="—", numeric=True)
    text = _("%(wan)s 万元 (%(yi)s 亿元)") % {
        "wan": wan_text(amount_wan),
        "yi": yi_text(amount_wan),
    }
    return DetailField(label=label, text=text, numeric=True)


class ProjectDetailView(RegistryDetailView):
    request: AuthenticatedHttpRequest
    template_name = "projects/project_detail.html"

    def get_context_data(
        self,
        obj: Project,
        advance_form: ProjectAdvanceForm | None = None,
        correct_form: StageChangeCorrectForm | None = None,
    ) -> dict[str, Any]:
        fields = describe(
            obj, ["name", "zone", "park", "site", "investor", "enterprise", "officer"]
        )
        fields.append(DetailField(label=str(_label("industry")), text=str(obj.industry or "—")))
        fields += [
            _money(_("Total investment"), obj.total_investment),
            _money(_("Signed investment"), obj.signed_investment),
            _money(_("Planned total investment"), obj.planned_investment),
        ]
        fields += describe(obj, ["land_mu", "capacity"])
        fields += [
            DetailField(
                label=str(_label("expected_annual_output")),
                text=wan_text(obj.expected_annual_output),
                numeric=True,
            ),
            DetailField(
                label=str(_label("expected_annual_tax")),
                text=wan_text(obj.expected_annual_tax),
                numeric=True,
            ),
        ]
        fields += describe(obj, ["expected_jobs", "stage", "stage_since", "is_illustrative"])
        may_advance = can_write(self.request.user, Project)
        if advance_form is None and may_advance:
            advance_form = ProjectAdvanceForm(project=obj)
        if advance_form is not None:
            mark_invalid(advance_form)
        if correct_form is None and may_advance:
            correct_form = StageChangeCorrectForm(project=obj)
        if correct_form is not None:
            mark_invalid(correct_form)
        user = self.request.user
        origin_lead = lead_of_project(user=user, project=obj)
        work = may_see_project_work(user)
        task_force = project_task_force(user=user, project=obj) if work else None
        return {
            # The whole story (stages, task force, visits, issues, documents), newest first.
            "timeline": project_timeline(obj, user=user),
            "sees_work": work,
            "task_force": task_force,
            "task_force_seats": [
                seat for seat in (task_force.members.all() if task_force else []) if seat.is_current
            ],
            "issue_counts": (
                project_issue_counts(user=user, project=obj, today=timezone.localdate())
                if work
                else None
            ),
            "fields": fields,
            # The lead the project came from (招商线索) and how it was followed up.
            "origin_lead": origin_lead,
            "lead_follow_ups": (
                lead_follow_ups(lead=origin_lead) if origin_lead is not None else []
            ),
            "stage_badge": STAGE_BADGE.get(obj.stage),
            "stage_changes": project_stage_history(project=obj),
            "advance_form": advance_form if may_advance else None,
            "correct_form": correct_form if may_advance else None,
        }


class ProjectAdvanceView(ProjectDetailView):
    """POST only: move the project to another stage through `project_advance`."""

    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        project = self.get_object()
        if not can_write(request.user, Project):
            raise PermissionDenied(_("You may not change this record."))
        form = ProjectAdvanceForm(data=request.POST, project=project)
        if form.is_valid():
            try:
                change = project_advance(
                    project=project,
                    to_stage=form.cleaned_data["to_stage"],
                    on=form.cleaned_data["on"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                    data={
                        name: form.cleaned_data[name]
                        for name in STAGE_DATA_FIELDS
                        if form.cleaned_data.get(name) is not None
                    },
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("“%(project)s” moved to %(stage)s.")
                    % {"project": project, "stage": change.get_to_stage_display()},
                )
                return HttpResponseRedirect(project.get_absolute_url())
        context = {
            **self.object_context(project, "details"),
            **self.get_context_data(project, advance_form=form),
        }
        return self.render(self.template_name, context)


class StageChangeCorrectView(ProjectDetailView):
    """POST only: correct the date of a recorded stage change through `stage_change_correct`."""

    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        project = self.get_object()
        if not can_write(request.user, Project):
            raise PermissionDenied(_("You may not change this record."))
        form = StageChangeCorrectForm(data=request.POST, project=project)
        if form.is_valid():
            change = project.stage_changes.get(pk=form.cleaned_data["change"])
            try:
                stage_change_correct(
                    change=change,
                    on=form.cleaned_data["on"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The date of the stage change was corrected."))
                return HttpResponseRedirect(project.get_absolute_url())
        context = {
            **self.object_context(project, "details"),
            **self.get_context_data(project, correct_form=form),
        }
        return self.render(self.template_name, context)


class ProjectCreateView(RegistryCreateView):
    """A new project also records the stage it starts in."""

    request: AuthenticatedHttpRequest

    form_class = ProjectCreateForm

    def create(self, form: ProjectCreateForm) -> Project:
        data = form.cleaned_data
        try:
            return project_create(
                by=self.request.user,
                data=data,
                stage=data["stage"],
                stage_on=data["stage_on"],
                note=data["note"],
            )
        except ValidationError as error:
            # The service names the stage date `on`; on this form it is `stage_on`.
            if hasattr(error, "error_dict") and "on" in error.error_dict:
                error.error_dict["stage_on"] = error.error_dict.pop("on")
            raise


PROJECTS = Registry(
    model=Project,
    selector=project_list,
    filterset_class=ProjectFilter,
    columns=COLUMNS,
    export_columns=EXPORT_COLUMNS,
    form_class=ProjectForm,
    create=project_create,
    update=project_update,
    detail_view=ProjectDetailView,
    create_view=ProjectCreateView,
    list_links=(
        ("projects:board", gettext_lazy("Pipeline board")),
        ("projects:cycle-times", gettext_lazy("Cycle times")),
        ("projects:round-list", gettext_lazy("Rounds (三个一批)")),
        ("projects:overdue-issues", gettext_lazy("Overdue issues (逾期问题)")),
    ),
    object_tabs=(
        (
            "task-force",
            "projects:project-task-force",
            gettext_lazy("Task force (专班陪跑)"),
            may_see_project_work,
        ),
        (
            "issues",
            "projects:project-issues",
            gettext_lazy("Issue list (问题清单)"),
            may_see_project_work,
        ),
        (
            "documents",
            "projects:project-documents",
            gettext_lazy("Documents (项目文件)"),
            may_see_project_work,
        ),
    ),
    create_links=(("projects:project-import", gettext_lazy("Import a ledger (导入台账)")),),
)


def related_records() -> list[RelatedRecords]:
    """What the zone, park (geo) and enterprise pages list of the projects; registered at
    start-up. The rows are of one zone: the table shows no zone to fetch."""
    return [
        RelatedRecords(
            host="geo.zone",
            name="projects",
            title=gettext_lazy("Projects"),
            empty="",
            rows=lambda user: Project.objects.for_user(user),
            columns=[],
            lookup="zone",
            list_url_name="projects:project-list",
        ),
        RelatedRecords(
            host="geo.park",
            name="projects",
            title=gettext_lazy("Projects"),
            empty=gettext_lazy("No projects in this park that you can see."),
            rows=lambda user: project_list(user=user).prefetch_related(None),
            columns=RELATED_COLUMNS,
            lookup="park",
            list_url_name="projects:project-list",
        ),
        RelatedRecords(
            host="enterprises.enterprise",
            name="projects",
            title=gettext_lazy("Projects"),
            empty=gettext_lazy("No projects of this enterprise that you can see."),
            rows=lambda user: project_list(user=user).prefetch_related(None),
            columns=RELATED_COLUMNS,
            lookup="enterprise",
        ),
    ]
