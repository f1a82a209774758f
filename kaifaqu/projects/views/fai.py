"""The fixed-asset investment database (固定资产投资入库): the registered projects and where their
reports stand, the eligible projects to register, a project's monthly reports, the month's
figures of every registered project on one page, and the zone's totals by month."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.forms import add_service_errors, mark_invalid
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import can_write
from kaifaqu.core.views.export import xlsx_download
from kaifaqu.core.views.tables import Column, verbose_label
from kaifaqu.geo.models import Zone
from kaifaqu.projects.forms.fai import FaiMonthRowForm, FaiRegisterForm, FaiReportForm
from kaifaqu.projects.models import FAI_THRESHOLD, FaiRegistration, FaiReport, Project
from kaifaqu.projects.selectors import (
    fai_eligible_projects,
    fai_registrations,
    fai_reports,
    may_see_project_work,
    percent_of_plan,
    zone_fai,
    zone_fai_by_park,
    zone_fai_months,
)
from kaifaqu.projects.services import (
    MonthEntryError,
    fai_month_record,
    fai_register,
    fai_report_record,
)
from kaifaqu.projects.views.zones import zone_choice


def _plain(amount: Decimal) -> str:
    """500.0000 → "500" for an input's initial value."""
    return format(amount.normalize(), "f")


def _this_month() -> Month:
    return Month.of(timezone.localdate())


def _month(value: str | None, default: Month) -> Month:
    try:
        return Month.parse(value) if value else default
    except ValueError:
        return default


class FaiView(LoginRequiredMixin, View):
    """What the database's pages share: the zone's staff (and the offices above) only; the zone
    picked from those the user sees, and the month."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not may_see_project_work(user):
            raise PermissionDenied(_("The investment database is the zone's work."))
        return super().dispatch(request, *args, **kwargs)

    def zones(self) -> tuple[list[Zone], Zone | None]:
        zones, zone = zone_choice(self.request)
        if not zones:
            raise Http404
        return zones, zone

    def month(self) -> Month:
        value = self.request.GET.get("month") or self.request.POST.get("month")
        return min(_month(value, _this_month()), _this_month())

    def may_write(self, model: type[Any]) -> bool:
        return can_write(self.request.user, model)


@dataclass(frozen=True)
class RegisterRow:
    registration: FaiRegistration
    percent: Decimal | None

    @property
    def over_plan(self) -> bool:
        cumulative = getattr(self.registration, "cumulative", None)
        plan = self.registration.project.planned_investment
        return cumulative is not None and plan is not None and cumulative > plan


class FaiListView(FaiView):
    """The database: registered projects with plan, cumulative, % of plan, last reported month,
    and whether each reported the month (the current one unless another is chosen)."""

    template_name = "projects/fai_list.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        zones, zone = self.zones()
        month = self.month()
        registrations = list(fai_registrations(user=request.user, month=month, zone=zone))
        rows = [
            RegisterRow(
                registration,
                percent_of_plan(
                    getattr(registration, "cumulative", None),
                    registration.project.planned_investment,
                ),
            )
            for registration in registrations
        ]
        missing = sum(1 for row in rows if not getattr(row.registration, "reported", False))
        context = {
            "zones": zones,
            "zone": zone,
            "month": month,
            "rows": rows,
            "missing": missing,
            "eligible": fai_eligible_projects(user=request.user, zone=zone).count(),
            "figures": zone_fai(user=request.user, zone=zone, month=month) if zone else None,
            "may_report": self.may_write(FaiReport),
            "threshold": FAI_THRESHOLD,
            "query": _query(zone, month),
        }
        return TemplateResponse(request, self.template_name, context)


def _plan_percent(registration: FaiRegistration) -> Decimal | None:
    return percent_of_plan(
        getattr(registration, "cumulative", None), registration.project.planned_investment
    )


REGISTER_COLUMNS = [
    Column("project", gettext_lazy("Project"), attrgetter("project.name")),
    Column("zone", gettext_lazy("Zone"), attrgetter("project.zone.name")),
    Column(
        "park",
        gettext_lazy("Park"),
        lambda registration: registration.project.park.name if registration.project.park else "",
    ),
    Column("stats_code", verbose_label(FaiRegistration, "stats_code"), attrgetter("stats_code")),
    Column(
        "registered_on",
        verbose_label(FaiRegistration, "registered_on"),
        attrgetter("registered_on"),
    ),
    Column(
        "plan",
        gettext_lazy("Planned total investment (万元)"),
        attrgetter("project.planned_investment"),
    ),
    Column(
        "cumulative",
        gettext_lazy("Cumulative since the start (万元)"),
        lambda registration: getattr(registration, "cumulative", None),
    ),
    Column("percent", gettext_lazy("Per cent of the plan"), _plan_percent),
    Column(
        "last_month",
        gettext_lazy("Last reported month"),
        lambda registration: (
            registration.last_month.strftime("%Y-%m") if registration.last_month else ""
        ),
    ),
    Column(
        "reported",
        gettext_lazy("Reported the month"),
        lambda registration: str(_("Yes") if registration.reported else _("No")),
    ),
]


class FaiListExportView(FaiView):
    """The register of the zone (or every zone the user sees) as a workbook, for the month."""

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _zones, zone = self.zones()
        month = self.month()
        return xlsx_download(
            request=request,
            filename=f"fai-register-{month}.xlsx",
            what="fai register",
            sheets=[
                (
                    str(_("Registered projects")),
                    REGISTER_COLUMNS,
                    fai_registrations(user=request.user, month=month, zone=zone),
                )
            ],
        )


def _query(zone: Zone | None, month: Month) -> str:
    values = {"month": str(month)}
    if zone is not None:
        values["zone"] = str(zone.pk)
    return urlencode(values)


class FaiEligibleView(FaiView):
    """Started projects of 500 万元 or more not registered yet, each with the form to register it."""

    template_name = "projects/fai_eligible.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self._render(request)

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if not self.may_write(FaiRegistration):
            raise PermissionDenied(
                _("Only the zone's project staff and statistician keep the investment database.")
            )
        project = get_object_or_404(
            Project.objects.for_user(request.user), pk=request.POST.get("project")
        )
        form = FaiRegisterForm(data=request.POST, prefix=str(project.pk))
        if form.is_valid():
            try:
                registration = fai_register(
                    by=request.user,
                    project=project,
                    registered_on=form.cleaned_data["registered_on"],
                    stats_code=form.cleaned_data["stats_code"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("“%(project)s” is registered in the investment database.")
                    % {"project": project},
                )
                return HttpResponseRedirect(registration.get_absolute_url())
        mark_invalid(form)
        return self._render(request, failed=(project.pk, form), status=400)

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        failed: tuple[int, FaiRegisterForm] | None = None,
        status: int = 200,
    ) -> TemplateResponse:
        zones, zone = self.zones()
        may_register = self.may_write(FaiRegistration)
        rows = []
        for project in fai_eligible_projects(user=request.user, zone=zone):
            form = None
            if may_register:
                if failed is not None and failed[0] == project.pk:
                    form = failed[1]
                else:
                    form = FaiRegisterForm(
                        prefix=str(project.pk), initial={"registered_on": timezone.localdate()}
                    )
            rows.append({"project": project, "form": form})
        context = {
            "zones": zones,
            "zone": zone,
            "rows": rows,
            "may_register": may_register,
            "threshold": FAI_THRESHOLD,
        }
        return TemplateResponse(request, self.template_name, context, status=status)


class FaiDetailView(FaiView):
    """A registered project's reports, and the form to report (or correct) a month."""

    template_name = "projects/fai_detail.html"

    def registration(self) -> FaiRegistration:
        return get_object_or_404(
            FaiRegistration.objects.for_user(self.request.user).select_related(
                "project", "project__zone", "project__park", "registered_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        registration = self.registration()
        initial: dict[str, Any] = {"month": self.month().first_day}
        chosen = request.GET.get("month")
        if chosen:
            report = registration.reports.filter(month=self.month().first_day).first()
            if report is not None:
                # The cumulative is left to be derived: a corrected month changes it.
                initial.update(
                    month_amount=_plain(report.month_amount),
                    above_plan_note=report.above_plan_note,
                )
        return self._render(request, registration, FaiReportForm(initial=initial))

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        registration = self.registration()
        if not self.may_write(FaiReport):
            raise PermissionDenied(
                _("Only the zone's project staff and statistician keep the investment database.")
            )
        form = FaiReportForm(data=request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcome = fai_report_record(
                    by=request.user,
                    registration=registration,
                    month=data["month"],
                    month_amount=data["month_amount"],
                    cumulative=data["cumulative"],
                    above_plan_note=data["above_plan_note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                text = _("The report of %(month)s is saved.") % {
                    "month": f"{outcome.report.month:%Y-%m}"
                }
                if outcome.rederived:
                    text += " " + ngettext(
                        "The total since the start of %(count)s later month was re-derived.",
                        "The totals since the start of %(count)s later months were re-derived.",
                        len(outcome.rederived),
                    ) % {"count": len(outcome.rederived)}
                messages.success(request, text)
                return HttpResponseRedirect(registration.get_absolute_url())
        mark_invalid(form)
        return self._render(request, registration, form, status=400)

    def _render(
        self,
        request: HttpRequest,
        registration: FaiRegistration,
        form: FaiReportForm,
        status: int = 200,
    ) -> TemplateResponse:
        reports = list(fai_reports(registration=registration))
        plan = registration.project.planned_investment
        last = reports[0] if reports else None
        context = {
            "registration": registration,
            "project": registration.project,
            "reports": reports,
            "plan": plan,
            "cumulative": last.cumulative if last else None,
            "percent": percent_of_plan(last.cumulative if last else None, plan),
            "form": form if self.may_write(FaiReport) else None,
            "over_plan": bool(last and plan is not None and last.cumulative > plan),
        }
        return TemplateResponse(request, self.template_name, context, status=status)


class FaiMonthView(FaiView):
    """The month's figures of all the zone's registered projects at once: all or nothing."""

    request: AuthenticatedHttpRequest

    template_name = "projects/fai_month.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self._render(request, None)

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if not self.may_write(FaiReport):
            raise PermissionDenied(
                _("Only the zone's project staff and statistician keep the investment database.")
            )
        _zones, zone = self.zones()
        if zone is None:
            raise Http404
        month = self.month()
        lines = self._lines(zone, month, bound=request.POST)
        rows = []
        for line in lines:
            form = line["form"]
            if form.is_valid() and form.cleaned_data["month_amount"] is not None:
                rows.append(
                    {
                        "registration": line["registration"],
                        "month_amount": form.cleaned_data["month_amount"],
                        "cumulative": form.cleaned_data["cumulative"],
                        "above_plan_note": form.cleaned_data["above_plan_note"],
                        "line": line,
                    }
                )
        if all(line["form"].is_valid() for line in lines):
            if not rows:
                messages.warning(request, _("No figure was entered."))
                return self._render(request, lines, status=400)
            try:
                fai_month_record(by=request.user, month=month, rows=rows)
            except MonthEntryError as error:
                for index, failure in error.rows.items():
                    add_service_errors(rows[index]["line"]["form"], failure)
                messages.error(request, error.messages[0])
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s report of %(month)s saved.",
                        "%(count)s reports of %(month)s saved.",
                        len(rows),
                    )
                    % {"count": len(rows), "month": str(month)},
                )
                return HttpResponseRedirect(f"{reverse('projects:fai-list')}?{_query(zone, month)}")
        for line in lines:
            mark_invalid(line["form"])
        return self._render(request, lines, status=400)

    def _lines(self, zone: Zone, month: Month, bound: Any = None) -> list[dict[str, Any]]:
        registrations = list(fai_registrations(user=self.request.user, month=month, zone=zone))
        current = {
            report.registration_id: report
            for report in FaiReport.objects.filter(
                registration__in=[r.pk for r in registrations], month=month.first_day
            )
        }
        previous: dict[int, FaiReport] = {}
        for earlier in FaiReport.objects.filter(
            registration__in=[r.pk for r in registrations], month__lt=month.first_day
        ).order_by("registration", "month"):
            previous[earlier.registration_id] = earlier
        lines = []
        for registration in registrations:
            report = current.get(registration.pk)
            initial = (
                {
                    "month_amount": _plain(report.month_amount),
                    "above_plan_note": report.above_plan_note,
                }
                if report
                else {}
            )
            form = FaiMonthRowForm(data=bound, prefix=str(registration.pk), initial=initial)
            lines.append(
                {
                    "registration": registration,
                    "report": report,
                    "previous": previous.get(registration.pk),
                    "form": form,
                }
            )
        return lines

    def _render(
        self, request: HttpRequest, lines: list[dict[str, Any]] | None, status: int = 200
    ) -> TemplateResponse:
        zones, zone = self.zones()
        month = self.month()
        if lines is None and zone is not None:
            lines = self._lines(zone, month)
        context = {
            "zones": zones,
            "zone": zone,
            "month": month,
            "lines": lines or [],
            "may_report": self.may_write(FaiReport),
            "query": _query(zone, month),
        }
        return TemplateResponse(request, self.template_name, context, status=status)


class FaiTotalsView(FaiView):
    """The zone's 固定资产投资 month by month of a year with 1–N月 and 同比, and per park."""

    template_name = "projects/fai_totals.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        zones, zone = self.zones()
        month = self.month()
        context: dict[str, Any] = {
            "zones": zones,
            "zone": zone,
            "month": month,
            "query": _query(zone, month),
        }
        if zone is not None:
            context.update(
                figures=zone_fai(user=request.user, zone=zone, month=month),
                months=zone_fai_months(user=request.user, zone=zone, year=month.year, upto=month),
                parks=zone_fai_by_park(user=request.user, zone=zone, month=month),
            )
        return TemplateResponse(request, self.template_name, context)
