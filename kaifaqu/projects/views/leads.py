"""Lead pages (招商线索): the registry (list with the leads going cold, details with the follow-ups
and the forms that add one, convert, drop or reopen the lead, edit, history, export) and the
funnel (招商漏斗)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.core.audit import history_for
from kaifaqu.core.forms import add_service_errors, mark_invalid
from kaifaqu.core.permissions import can_write, user_may
from kaifaqu.core.views import Column, DetailField, Registry, RegistryDetailView, describe
from kaifaqu.core.views.history import history_rows
from kaifaqu.core.views.registry import RegistryHistoryView, paginate
from kaifaqu.core.views.tables import attr, verbose_label, wan_text
from kaifaqu.geo.models import Zone
from kaifaqu.projects.filters import LeadFilter
from kaifaqu.projects.forms.leads import FollowUpForm, LeadConvertForm, LeadDropForm, LeadForm
from kaifaqu.projects.models import CONTACT_FIELDS, Lead, LeadStatus, may_see_contacts
from kaifaqu.projects.selectors import FUNNEL_STEPS, lead_follow_ups, lead_funnel, lead_list
from kaifaqu.projects.services import (
    follow_up_add,
    lead_convert,
    lead_create,
    lead_drop,
    lead_reopen,
    lead_update,
)

STATUS_BADGE: dict[str, str] = {
    LeadStatus.OPEN: "bg-azure-lt",
    LeadStatus.CONVERTED: "bg-green-lt",
    LeadStatus.DROPPED: "bg-secondary-lt",
}


def _label(name: str) -> Any:
    return verbose_label(Lead, name)


def _officer_name(user: User | None) -> str:
    if user is None:
        return "—"
    return str(user.get_full_name() or user.get_username())


def _status_text(lead: Lead) -> str:
    if lead.going_cold:
        return _("Going cold: %(days)s days") % {"days": lead.quiet_days()}
    return str(lead.get_status_display())


def _status_badge(lead: Lead) -> str:
    return "bg-yellow-lt" if lead.going_cold else STATUS_BADGE.get(lead.status, "")


# Contacts are personal data: never in a list or a workbook, on the details page only for the
# zone's own staff (`may_see_contacts`).
COLUMNS = [
    Column("title", _label("title"), attr("title"), sort="title", link=True),
    Column("source", _label("source"), attr("get_source_display"), sort="source"),
    Column("park", _label("park"), attr("park.name"), sort="park__name"),
    Column(
        "expected_investment",
        _label("expected_investment"),
        attr("expected_investment"),
        sort="expected_investment",
        numeric=True,
        display=lambda lead: wan_text(lead.expected_investment),
    ),
    Column(
        "officer",
        _label("officer"),
        attr("officer"),
        sort="officer__first_name",
        display=lambda lead: _officer_name(lead.officer),
    ),
    Column("received_on", _label("received_on"), attr("received_on"), sort="received_on"),
    Column(
        "last_follow_up_on",
        gettext_lazy("Last follow-up"),
        attr("last_follow_up_on"),
        sort="last_follow_up_on",
    ),
    Column(
        "status",
        _label("status"),
        attr("get_status_display"),
        sort="status",
        display=_status_text,
        badge=_status_badge,
    ),
]
EXPORT_COLUMNS = [
    *(Column(name, _label(name), attr(name)) for name in ("title", "zone", "park", "investor")),
    Column("source", _label("source"), attr("get_source_display")),
    Column("industry_code", gettext_lazy("Industry code"), attr("industry.code")),
    *(
        Column(name, _label(name), attr(name))
        for name in ("expected_investment", "received_on", "officer")
    ),
    Column("last_follow_up_on", gettext_lazy("Last follow-up"), attr("last_follow_up_on")),
    Column("status", _label("status"), attr("get_status_display")),
    Column("going_cold", gettext_lazy("Going cold"), attr("going_cold")),
    Column("project", _label("project"), attr("project")),
    *(
        Column(name, _label(name), attr(name))
        for name in ("converted_on", "dropped_on", "is_illustrative")
    ),
    Column("drop_reason", _label("drop_reason"), attr("get_drop_reason_display")),
]


def _contact_fields(user: User, lead: Lead) -> list[DetailField]:
    if may_see_contacts(user, lead):
        return describe(lead, CONTACT_FIELDS)
    return [
        DetailField(
            label=str(_("Contact details")),
            text=str(_("Shown only to the zone's own staff.")),
        )
    ]


class LeadDetailView(RegistryDetailView):
    request: AuthenticatedHttpRequest
    template_name = "projects/lead_detail.html"

    def get_context_data(self, obj: Lead, **forms: Any) -> dict[str, Any]:
        user = self.request.user
        fields = describe(obj, ["title", "investor", "zone", "park", "source"])
        fields += _contact_fields(user, obj)
        fields.append(DetailField(label=str(_label("industry")), text=str(obj.industry or "—")))
        fields.append(
            DetailField(
                label=str(_label("expected_investment")),
                text=wan_text(obj.expected_investment),
                numeric=True,
            )
        )
        fields += describe(obj, ["received_on", "officer", "status"])
        if obj.status == LeadStatus.CONVERTED:
            fields += describe(obj, ["project", "converted_on"])
        if obj.status == LeadStatus.DROPPED:
            fields += describe(obj, ["dropped_on", "drop_reason", "drop_note"])
        fields += describe(obj, ["is_illustrative"])
        may_write = can_write(user, Lead)
        context: dict[str, Any] = {
            "fields": fields,
            "status_badge": _status_badge(obj),
            "follow_ups": lead_follow_ups(lead=obj),
            "may_write": may_write,
        }
        if may_write and obj.status == LeadStatus.OPEN:
            context["follow_up_form"] = forms.get("follow_up_form") or FollowUpForm()
            context["convert_form"] = forms.get("convert_form") or LeadConvertForm()
            context["drop_form"] = forms.get("drop_form") or LeadDropForm()
            for form in (context["follow_up_form"], context["convert_form"], context["drop_form"]):
                mark_invalid(form)
        return context

    def failed(self, lead: Lead, **forms: Any) -> TemplateResponse:
        context = {**self.object_context(lead, "details"), **self.get_context_data(lead, **forms)}
        return self.render(self.template_name, context, status=400)


class _LeadAction(LeadDetailView):
    """POST only: one of the lead's actions, by a writer."""

    http_method_names = ["post"]

    def writable(self) -> Lead:
        lead: Lead = self.get_object()
        if not can_write(self.request.user, Lead):
            raise PermissionDenied(_("You may not change this record."))
        return lead


class LeadFollowUpAddView(_LeadAction):
    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        lead = self.writable()
        form = FollowUpForm(data=request.POST)
        if form.is_valid():
            try:
                follow_up_add(by=request.user, data={**form.cleaned_data, "lead": lead})
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The follow-up was recorded."))
                return HttpResponseRedirect(lead.get_absolute_url() + "#follow-ups")
        return self.failed(lead, follow_up_form=form)


class LeadConvertView(_LeadAction):
    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        lead = self.writable()
        form = LeadConvertForm(data=request.POST)
        if form.is_valid():
            try:
                project = lead_convert(
                    lead=lead,
                    by=request.user,
                    on=form.cleaned_data["on"],
                    data=form.project_data(),
                    stage=form.cleaned_data["stage"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The lead became the project “%(project)s”.") % {"project": project},
                )
                return HttpResponseRedirect(project.get_absolute_url())
        return self.failed(lead, convert_form=form)


class LeadDropView(_LeadAction):
    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        lead = self.writable()
        form = LeadDropForm(data=request.POST)
        if form.is_valid():
            try:
                lead_drop(by=request.user, lead=lead, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The lead was dropped."))
                return HttpResponseRedirect(lead.get_absolute_url())
        return self.failed(lead, drop_form=form)


class LeadReopenView(_LeadAction):
    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        lead = self.writable()
        try:
            lead_reopen(by=request.user, lead=lead)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The lead is open again."))
        return HttpResponseRedirect(lead.get_absolute_url())


class LeadHistoryView(RegistryHistoryView):
    """The change log, with the contacts' values hidden from those who may not see them."""

    request: AuthenticatedHttpRequest

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        lead: Lead = self.get_object()
        pages = paginate(history_for(lead), request.GET.get("page"))
        entries = history_rows(Lead, pages["page_obj"].object_list)
        if not may_see_contacts(self.request.user, lead):
            hidden = {str(_label(name)) for name in CONTACT_FIELDS}
            mask = "***"
            entries = [
                replace(
                    entry,
                    changes=[
                        replace(change, before=mask, after=mask)
                        if change.label in hidden
                        else change
                        for change in entry.changes
                    ],
                )
                for entry in entries
            ]
        context = {**self.object_context(lead, "history"), **pages, "entries": entries}
        return self.render(self.template_name, context)


def _period(request: HttpRequest, today: date) -> tuple[date, date]:
    """The period asked for (`start`, `end`), by default this year up to today."""
    start = parse_date(request.GET.get("start") or "") or date(today.year, 1, 1)
    end = parse_date(request.GET.get("end") or "") or today
    return (start, end) if start <= end else (end, start)


class LeadFunnelView(LoginRequiredMixin, View):
    """The funnel of the leads received in a period: counts at each step, the rates, by source
    channel and by officer, and the leads dropped with their reasons."""

    template_name = "projects/lead_funnel.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: User = request.user
        if not user_may(user, "core.see_office_work"):
            raise PermissionDenied(_("Leads are for the zones' and provinces' offices."))
        zones = Zone.objects.for_user(user).order_by("name")
        zone = None
        if request.GET.get("zone"):
            zone = get_object_or_404(zones, pk=request.GET["zone"])
        start, end = _period(request, timezone.localdate())
        funnel = lead_funnel(user=user, start=start, end=end, zone=zone)
        chart = {
            "horizontal": True,
            "categories": [str(step.label) for step in FUNNEL_STEPS],
            "series": [
                {"name": _("Leads"), "values": funnel.total.counts, "integer": True},
            ],
        }
        return TemplateResponse(
            request,
            self.template_name,
            {
                "funnel": funnel,
                "zones": zones,
                "zone": zone,
                "start": start,
                "end": end,
                "chart": chart,
                "steps": FUNNEL_STEPS,
            },
        )


LEADS = Registry(
    model=Lead,
    selector=lead_list,
    filterset_class=LeadFilter,
    columns=COLUMNS,
    export_columns=EXPORT_COLUMNS,
    form_class=LeadForm,
    create=lead_create,
    update=lead_update,
    detail_view=LeadDetailView,
    list_links=(("projects:lead-funnel", gettext_lazy("Funnel (招商漏斗)")),),
)


def lead_urls(prefix: str) -> list[Any]:
    """The registry's pages, with a history that hides the contacts, and the lead's actions."""
    one = f"{prefix}<int:pk>/"
    return [
        path(f"{prefix}funnel/", LeadFunnelView.as_view(), name="lead-funnel"),
        *(pattern for pattern in LEADS.urls(prefix) if pattern.name != "lead-history"),
        path(f"{one}history/", LEADS.view(LeadHistoryView), name="lead-history"),
        path(f"{one}follow-ups/", LEADS.view(LeadFollowUpAddView), name="lead-follow-up-add"),
        path(f"{one}convert/", LEADS.view(LeadConvertView), name="lead-convert"),
        path(f"{one}drop/", LEADS.view(LeadDropView), name="lead-drop"),
        path(f"{one}reopen/", LEADS.view(LeadReopenView), name="lead-reopen"),
    ]
