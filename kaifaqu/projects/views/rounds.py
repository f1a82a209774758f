"""The "三个一批" rounds: the registry of rounds (the province opens them), a round's page with its
summary and the three lists each zone fills, the summary as a workbook, and rounds compared."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.core.forms import add_service_errors, mark_invalid
from kaifaqu.core.permissions import can_write, user_may
from kaifaqu.core.views import Column, Registry, RegistryDetailView, describe
from kaifaqu.core.views.export import xlsx_download
from kaifaqu.core.views.tables import attr, verbose_label
from kaifaqu.geo.models import Zone
from kaifaqu.projects.filters import RoundFilter
from kaifaqu.projects.forms.rounds import RoundEntryForm, RoundForm
from kaifaqu.projects.models import LIST_AMOUNT, Project, Round, RoundEntry, RoundList
from kaifaqu.projects.selectors import (
    PlaceSummary,
    round_comparison,
    round_entries,
    round_list,
    round_summary,
)
from kaifaqu.projects.services import (
    eligible_projects,
    round_close,
    round_create,
    round_entry_add,
    round_entry_remove,
    round_reopen,
    round_update,
)


def _label(name: str) -> Any:
    return verbose_label(Round, name)


COLUMNS = [
    Column("name", gettext_lazy("Round"), attr("__str__"), link=True),
    Column("province", _label("province"), attr("province.name")),
    Column("held_on", _label("held_on"), attr("held_on"), sort="held_on"),
    Column("window_start", _label("window_start"), attr("window_start")),
    Column("status", _label("status"), attr("get_status_display"), sort="status"),
]


def _lists_of(user: User, round: Round, zone: Zone | None) -> list[dict[str, Any]]:
    """Each list with the entries the user sees (of `zone` only, when given) and, for a zone's
    project staff while the round is open, the form to add an eligible project."""
    visible = round_entries(user=user, round=round)
    entries = list(visible.filter(zone=zone) if zone is not None else visible)
    may_pick = can_write(user, RoundEntry) and round.is_open
    lists = []
    for value, label in RoundList.choices:
        form = None
        if may_pick:
            eligible = eligible_projects(user=user, round=round, list=value)
            form = RoundEntryForm(eligible=eligible, prefix=value)
        lists.append(
            {
                "list": value,
                "label": label,
                "amount_label": verbose_label(Project, LIST_AMOUNT[value]),
                "entries": [entry for entry in entries if entry.list == value],
                "form": form,
            }
        )
    return lists


class RoundDetailView(RegistryDetailView):
    request: AuthenticatedHttpRequest
    template_name = "projects/round_detail.html"

    def get_context_data(
        self, obj: Round, failed: tuple[str, RoundEntryForm] | None = None
    ) -> dict[str, Any]:
        user: User = self.request.user
        # Whoever sees several zones (the province's office) reads a zone's lists at a time,
        # chosen in the summary: a province's round holds thousands of projects.
        several = user.home_zone_id is None
        chosen = None
        if several and self.request.GET.get("zone", "").isdigit():
            chosen = Zone.objects.for_user(user).filter(pk=self.request.GET["zone"]).first()
        lists = _lists_of(user, obj, chosen) if chosen or not several else []
        if failed is not None:
            for item in lists:
                if item["list"] == failed[0]:
                    mark_invalid(failed[1])
                    item["form"] = failed[1]
        return {
            "fields": describe(obj, ["province", "year", "number", "window_start", "held_on"])
            + describe(obj, ["status", "note"]),
            "summary": round_summary(user=user, round=obj, zones=_own_zones(user)),
            "lists": lists,
            "may_run": can_write(user, Round),
            "may_pick": can_write(user, RoundEntry) and obj.is_open,
            "several_zones": several,
            "chosen_zone": chosen,
        }


def _own_zones(user: User) -> list[Zone]:
    """A zone's users see their zone's row even before it has picked anything."""
    zone = user.scope.zone
    return [zone] if zone is not None else []


class RoundEntryAddView(RoundDetailView):
    """POST only: put a project on one list of the round."""

    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        round = self.get_object()
        chosen = request.POST.get("list", "")
        if chosen not in RoundList.values:
            raise PermissionDenied(_("Unknown list."))
        if not can_write(request.user, RoundEntry):
            raise PermissionDenied(_("Only the zone's project staff put projects on the lists."))
        eligible = eligible_projects(user=request.user, round=round, list=chosen)
        form = RoundEntryForm(data=request.POST, eligible=eligible, prefix=chosen)
        if form.is_valid():
            try:
                entry = round_entry_add(
                    by=request.user,
                    round=round,
                    list=chosen,
                    project=form.cleaned_data["project"],
                    expected_annual_output=form.cleaned_data["expected_annual_output"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("“%(project)s” is on %(list)s.")
                    % {"project": entry.project, "list": entry.get_list_display()},
                )
                return HttpResponseRedirect(round.get_absolute_url() + f"#list-{chosen}")
        context = {
            **self.object_context(round, "details"),
            **self.get_context_data(round, failed=(chosen, form)),
        }
        return self.render(self.template_name, context, status=400)


class RoundEntryRemoveView(RoundDetailView):
    """POST only: take a project off a list while the round is open."""

    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        round = self.get_object()
        entry = get_object_or_404(
            RoundEntry.objects.for_user(request.user).filter(round=round), pk=kwargs["entry"]
        )
        try:
            round_entry_remove(by=request.user, entry=entry)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("“%(project)s” is off %(list)s.")
                % {"project": entry.project, "list": entry.get_list_display()},
            )
        return HttpResponseRedirect(round.get_absolute_url() + f"#list-{entry.list}")


class RoundStatusView(RoundDetailView):
    """POST only: the provincial office closes a round (its lists become final) or reopens it."""

    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        round = self.get_object()
        if request.POST.get("action") == "reopen":
            round_reopen(by=request.user, round=round)
            messages.success(request, _("The round is open again."))
        else:
            round_close(by=request.user, round=round)
            messages.success(request, _("The round is closed: its lists are final."))
        return HttpResponseRedirect(round.get_absolute_url())


def _summary_rows(places: list[PlaceSummary]) -> list[list[Any]]:
    level_label = {"province": _("Province"), "city": _("City"), "zone": _("Zone")}
    rows = []
    for place in places:
        row: list[Any] = [str(level_label.get(place.level, "")), place.name]
        for value in RoundList.values:
            figures = place.lists[value]
            row += [figures.count, figures.amount_yi]
        expected = [place.lists[value].expected_output_yi for value in RoundList.values]
        row.append(sum((value for value in expected if value is not None), start=0) or None)
        row.append(place.text)
        rows.append(row)
    return rows


class RoundSummaryExportView(RoundDetailView):
    """The round's summary as a workbook: one row per place the user sees, then the entries."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        round = self.get_object()
        user = self.request.user
        summary = round_summary(user=user, round=round, zones=_own_zones(user))
        headers = [_("Level"), _("Name")]
        for _value, label in RoundList.choices:
            headers += [
                _("%(list)s: projects") % {"list": label},
                _("%(list)s: 亿元") % {"list": label},
            ]
        headers += [_("Expected annual output (亿元)"), _("Summary")]
        columns = [
            Column(f"c{index}", header, itemgetter(index)) for index, header in enumerate(headers)
        ]
        return xlsx_download(
            request=request,
            filename=f"round-{round.year}-{round.number}.xlsx",
            what=f"round summary {round.pk}",
            sheets=[(str(round), columns, _summary_rows(summary.places))],
        )


class RoundCompareView(LoginRequiredMixin, View):
    """Rounds side by side: the three lists of each, and the change from the round before."""

    template_name = "projects/round_compare.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: User = request.user
        if not user_may(user, "core.see_office_work"):
            raise PermissionDenied(_("Rounds are for the province's offices and zones."))
        zones = Zone.objects.for_user(request.user).order_by("name")
        zone = None
        if request.GET.get("zone"):
            zone = get_object_or_404(zones, pk=request.GET["zone"])
        rows = round_comparison(user=request.user, zone=zone)
        return TemplateResponse(
            request,
            self.template_name,
            {
                "rows": rows,
                "zones": zones,
                "zone": zone,
                "lists": RoundList.choices,
            },
        )


ROUNDS = Registry(
    model=Round,
    selector=round_list,
    filterset_class=RoundFilter,
    columns=COLUMNS,
    form_class=RoundForm,
    create=round_create,
    update=round_update,
    detail_view=RoundDetailView,
    list_links=(("projects:round-compare", gettext_lazy("Compare rounds")),),
)
