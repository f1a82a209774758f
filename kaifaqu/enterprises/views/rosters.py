"""The roster (名录) pages: the list per zone and year with counts by category, and its actions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.core.forms import add_service_errors, mark_invalid
from kaifaqu.core.permissions import can_write, user_may
from kaifaqu.core.views import Column, RegistryCreateView, RegistryExportView, RegistryListView
from kaifaqu.core.views.tables import Cell, attr, verbose_label
from kaifaqu.enterprises.filters import RosterFilter
from kaifaqu.enterprises.forms.rosters import (
    RosterCarryForwardForm,
    RosterEntryForm,
    RosterExitForm,
)
from kaifaqu.enterprises.models import RosterEntry
from kaifaqu.enterprises.selectors import roster_counts, roster_list
from kaifaqu.enterprises.services import roster_carry_forward, roster_entry_add, roster_exit


def _label(name: str) -> Any:
    return verbose_label(RosterEntry, name)


COLUMNS = [
    Column("year", _label("year"), attr("year"), sort="year"),
    Column("category", _label("category"), attr("get_category_display"), sort="category"),
    Column("enterprise", _label("enterprise"), attr("enterprise.name"), sort="enterprise__name"),
    Column(
        "park", gettext_lazy("Park"), attr("enterprise.park.name"), sort="enterprise__park__name"
    ),
    Column("entry_kind", _label("entry_kind"), attr("get_entry_kind_display"), sort="entry_kind"),
    Column("entered_on", _label("entered_on"), attr("entered_on"), sort="entered_on"),
    Column("exited_on", _label("exited_on"), attr("exited_on"), sort="exited_on"),
    Column("exit_reason", _label("exit_reason"), attr("exit_reason")),
]
EXPORT_COLUMNS = [
    Column("year", _label("year"), attr("year")),
    Column("category", _label("category"), attr("get_category_display")),
    Column("uscc", gettext_lazy("Unified social credit code"), attr("enterprise.uscc")),
    Column("enterprise", _label("enterprise"), attr("enterprise.name")),
    Column("zone", gettext_lazy("Zone"), attr("enterprise.zone.name")),
    Column("park", gettext_lazy("Park"), attr("enterprise.park.name")),
    Column("entry_kind", _label("entry_kind"), attr("get_entry_kind_display")),
    Column("entered_on", _label("entered_on"), attr("entered_on")),
    Column("exited_on", _label("exited_on"), attr("exited_on")),
    Column("exit_reason", _label("exit_reason"), attr("exit_reason")),
]


@dataclass(frozen=True)
class RosterRow:
    """A row of the list's table (its cells, as the core template iterates them) and where the
    entry's exit form is: None once it has left, or for a user who may not change the roster."""

    cells: list[Cell]
    exit_url: str | None

    def __iter__(self) -> Iterator[Cell]:
        return iter(self.cells)


class RosterViews:
    model: type[models.Model] = RosterEntry

    def url_name(self, action: str) -> str:
        return f"enterprises:roster-{action}"


class RosterListView(RosterViews, RegistryListView):
    request: AuthenticatedHttpRequest
    filterset_class = RosterFilter
    columns = COLUMNS
    export_columns = EXPORT_COLUMNS
    template_name = "enterprises/roster_list.html"
    results_template_name = "enterprises/_roster_results.html"

    def get_queryset(self) -> QuerySet[RosterEntry]:
        return roster_list(user=self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # One year's roster unless a year (or all years, `year=`) is asked for: the latest one.
        if "year" not in request.GET:
            latest = self.get_queryset().order_by("-year").values_list("year", flat=True).first()
            query = request.GET.copy()
            query["year"] = str(latest or timezone.localdate().year)
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().get(request, *args, **kwargs)

    def render(
        self, template_name: str | Sequence[str], context: dict[str, Any], status: int = 200
    ) -> TemplateResponse:
        writer = can_write(self.request.user, RosterEntry)
        if "rows" in context:
            entries = context["page_obj"].object_list
            context["rows"] = [
                RosterRow(
                    cells=cells,
                    exit_url=reverse("enterprises:roster-exit", args=[entry.pk])
                    if writer and entry.exited_on is None
                    else None,
                )
                for cells, entry in zip(context["rows"], entries, strict=True)
            ]
            context["counts"] = roster_counts(entries=self.filtered_queryset(context["filterset"]))
        # The statistics office's follow-up lists, for those who may read them.
        user: User = self.request.user
        context["office"] = user_may(user, "core.see_office_work")
        if writer:
            context["carry_forward_form"] = RosterCarryForwardForm(
                user=self.request.user,
                initial={"from_year": timezone.localdate().year - 1},
            )
        return super().render(template_name, context, status)


class RosterExportView(RegistryExportView, RosterListView):
    pass


class RosterCreateView(RosterViews, RegistryCreateView):
    request: AuthenticatedHttpRequest
    form_class = RosterEntryForm

    def create(self, form: RosterEntryForm) -> RosterEntry:
        data = form.cleaned_data
        return roster_entry_add(
            by=self.request.user,
            enterprise=data["enterprise"],
            year=data["year"],
            category=data["category"],
            entered_on=data["entered_on"],
            entry_kind=data["entry_kind"],
        )


def _ensure_roster_writer(request: HttpRequest) -> None:
    if request.user.is_authenticated and not can_write(request.user, RosterEntry):
        raise PermissionDenied(_("You may not change this record."))


class RosterExitView(LoginRequiredMixin, View):
    request: AuthenticatedHttpRequest
    template_name = "core/form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _ensure_roster_writer(request)
        return super().dispatch(request, *args, **kwargs)

    def entry(self) -> RosterEntry:
        return get_object_or_404(
            roster_list(user=self.request.user).filter(exited_on__isnull=True),
            pk=self.kwargs["pk"],
        )

    def page(self, entry: RosterEntry, form: RosterExitForm) -> TemplateResponse:
        mark_invalid(form)
        return TemplateResponse(
            self.request,
            self.template_name,
            {
                "form": form,
                "title": _("Exit from the roster: %(entry)s") % {"entry": entry},
                "model_name_plural": _("Rosters"),
                "list_url": entry.get_absolute_url(),
                "cancel_url": entry.get_absolute_url(),
            },
        )

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.page(self.entry(), RosterExitForm())

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        entry = self.entry()
        form = RosterExitForm(data=request.POST)
        if form.is_valid():
            try:
                roster_exit(
                    by=request.user,
                    entry=entry,
                    on=form.cleaned_data["exited_on"],
                    reason=form.cleaned_data["exit_reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” left the roster.") % {"name": entry})
                return HttpResponseRedirect(entry.get_absolute_url())
        return self.page(entry, form)


class RosterCarryForwardView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _ensure_roster_writer(request)
        return super().dispatch(request, *args, **kwargs)

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        form = RosterCarryForwardForm(data=request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return HttpResponseRedirect(reverse("enterprises:roster-list"))
        from_year = form.cleaned_data["from_year"]
        added = roster_carry_forward(
            by=request.user,
            zone=form.cleaned_data["zone"],
            from_year=from_year,
            to_year=from_year + 1,
        )
        messages.success(
            request,
            ngettext(
                "%(count)d entry carried from %(from)d into %(to)d.",
                "%(count)d entries carried from %(from)d into %(to)d.",
                added,
            )
            % {"count": added, "from": from_year, "to": from_year + 1},
        )
        return HttpResponseRedirect(f"{reverse('enterprises:roster-list')}?year={from_year + 1}")
