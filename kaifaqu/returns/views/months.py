"""The reporting month's pages (报告期): a zone's months, the zones of a region for a month, and a
month's page with its progress, its firms to chase and its revision log.

Who opens them is the permission table's: `returns.see_month` (the zone's statistician and
administrator, the system administrator) for a zone's months, `returns.compare_months` (the
provincial office, the system administrator) for the zones side by side. Every action is a POST
of views/month_actions.py through the services of services/months.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import ensure_may, user_may
from kaifaqu.core.views.registry import paginate
from kaifaqu.returns.forms.months import (
    STATE_BADGES,
    STATE_LABELS,
    TO_CHASE,
    CorrectionForm,
    DeadlineForm,
    FirmFilterForm,
    MonthOpenForm,
    PublishForm,
    ReopenForm,
)
from kaifaqu.returns.models import (
    ReportingMonth,
    Return,
    ReturnStatus,
    ReviewDecision,
)
from kaifaqu.returns.publishing import month_publishing
from kaifaqu.returns.selectors.month_firms import FirmLine, firm_lines, month_firm_choice
from kaifaqu.returns.selectors.month_pages import (
    MonthPhase,
    month_decisions,
    month_row,
    park_rows,
    reporter_accounts,
    zone_month_rows,
)
from kaifaqu.returns.selectors.months import (
    close_blockers,
    month_firm_states,
    progress_of,
    reporting_month_list,
)
from kaifaqu.returns.services.month_guard import default_deadline
from kaifaqu.returns.services.months import reporting_month_open
from kaifaqu.returns.views.access import chosen_zone, refuse_unless
from kaifaqu.returns.views.month_chase import ChaseForms
from kaifaqu.returns.views.progress_text import progress_text

MONTH_REFUSAL = gettext_lazy("The reporting month is the statistics office's work.")
BODY_TARGET = "month-body"

PHASE_LABELS = {
    MonthPhase.REPORTING: gettext_lazy("Reporting (报送中)"),
    MonthPhase.REVISING: gettext_lazy("In revision (修订中)"),
    MonthPhase.CLOSED: gettext_lazy("Closed (已关闭)"),
    MonthPhase.PUBLISHED: gettext_lazy("Published (已发布)"),
    MonthPhase.NOT_OPEN: gettext_lazy("Not opened"),
}
PHASE_BADGES = {
    MonthPhase.REPORTING: "bg-blue-lt",
    MonthPhase.REVISING: "bg-orange-lt",
    MonthPhase.CLOSED: "bg-secondary-lt",
    MonthPhase.PUBLISHED: "bg-green-lt",
    MonthPhase.NOT_OPEN: "bg-light text-secondary",
}


def add_errors(form: Any, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when it names one of the form's."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def ensure_month_reader(user: Any) -> None:
    refuse_unless(user, "returns.see_month", MONTH_REFUSAL)


def visible_month(user: User, pk: int) -> ReportingMonth:
    """A month of the user's scope (another zone's is a 404, as every record outside it)."""
    return get_object_or_404(reporting_month_list(user=user), pk=pk)


def phase_context(phase: str) -> dict[str, Any]:
    return {"phase": phase, "phase_label": PHASE_LABELS[phase], "phase_badge": PHASE_BADGES[phase]}


class MonthListView(LoginRequiredMixin, View):
    """A zone's months, newest first, and the form that opens one."""

    template_name = "returns/month_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # (The provincial office follows its zones side by side: returns:month-zones, its own
        # entry of the 统计 menu.)
        ensure_month_reader(request.user)
        return super().dispatch(request, *args, **kwargs)

    def render(
        self, request: AuthenticatedHttpRequest, form: MonthOpenForm | None = None
    ) -> TemplateResponse:
        user = request.user
        zone, zones = chosen_zone(user, request.GET.get("zone") or request.POST.get("zone"))
        today = timezone.localdate()
        records = reporting_month_list(user=user, zone=zone).order_by("-period")
        pages = paginate(records, request.GET.get("page"))
        rows = zone_month_rows(list(pages["page_obj"].object_list), today=today)
        suggested = Month.of(today).shift(-1)
        runs = user_may(user, "returns.run_month")
        if runs and form is None:
            form = MonthOpenForm(initial={"month": str(suggested)})
        return TemplateResponse(
            request,
            self.template_name,
            {
                **pages,
                "zone": zone,
                "zones": zones,
                "rows": [
                    {"row": row, "text": progress_text(row.progress), **phase_context(row.phase)}
                    for row in rows
                ],
                "open_form": form if runs else None,
                "suggested": suggested,
                "suggested_deadline": default_deadline(zone.pk, suggested.first_day),
                "today": today,
            },
            status=400 if form is not None and form.is_bound else 200,
        )

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.render(request)

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        ensure_may(request.user, "returns.run_month", MONTH_REFUSAL)
        form = MonthOpenForm(data=request.POST)
        zone, _zones = chosen_zone(request.user, request.POST.get("zone"))
        if form.is_valid():
            try:
                record = reporting_month_open(
                    by=request.user,
                    zone=zone,
                    period=form.cleaned_data["month"].first_day,
                    deadline=form.cleaned_data["deadline"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The reporting month %(month)s is open; returns are due by %(deadline)s.")
                    % {"month": f"{record.period:%Y-%m}", "deadline": record.deadline},
                )
                return HttpResponseRedirect(record.get_absolute_url())
        return self.render(request, form)


def month_body_context(request: AuthenticatedHttpRequest, record: ReportingMonth) -> dict[str, Any]:
    """What a month's page shows below its header: redrawn whole by htmx after each action, so
    that the counts, the firms and the 未报 records always agree."""
    user = request.user
    today = timezone.localdate()
    # The roster read once: the month's figures, its parks, its firms and what blocks its close.
    firm_states = month_firm_states(record.zone_id, Month.of(record.period))
    progress = progress_of(record.zone_id, firm_states)
    row = month_row(record, today=today, progress=progress)
    # The firms to chase unless a state is asked for ("" is every firm): a page number alone
    # keeps the default.
    chosen_state = request.GET.get("state", "to_chase")
    filter_form = FirmFilterForm(data={"state": chosen_state})
    # A page of the firms in the states asked for: at the month's start every firm of a large
    # zone is still to chase.
    chosen, enterprises = month_firm_choice(record, states=filter_form.states(), firms=firm_states)
    pages = paginate(enterprises, request.GET.get("page"))
    lines = firm_lines(record, pages["page_obj"].object_list, chosen)
    accounts = reporter_accounts(line.enterprise.pk for line in lines)
    runs = user_may(user, "returns.run_month") and record.is_open
    # What every firm's row repeats, rendered once: the query string its forms carry on, the
    # forms themselves.
    query = request.GET.urlencode()
    chase_forms = (
        ChaseForms(request, record, carried=f"?{query}" if query else "", target=BODY_TARGET)
        if runs
        else None
    )
    firms = [_firm_row(line, accounts, chase_forms) for line in lines]
    non_responses = list(
        record.non_responses.select_related("enterprise", "recorded_by").order_by(
            "enterprise__name"
        )
    )
    corrections: list[Return] = []
    if record.in_revision and user_may(user, "returns.reviewdecision.change"):
        corrections = list(
            Return.objects.for_user(user)
            .filter(
                enterprise__zone_id=record.zone_id,
                period=record.period,
                status=ReturnStatus.ACCEPTED,
                is_estimate=False,
            )
            .select_related("enterprise")
            .order_by("enterprise__name")
        )
    return {
        "month": record,
        "row": row,
        "progress": row.progress,
        "parks": [
            {"park": park, "text": progress_text(park.progress)}
            for park in park_rows(record, progress=progress)
        ],
        "filter_form": filter_form,
        "firms": firms,
        "non_responses": non_responses,
        "runs": runs,
        "corrections": corrections,
        "correction_form": CorrectionForm(),
        "sees_figures": user_may(user, "returns.see_figures"),
        "reviews": user_may(user, "returns.reviewdecision.change"),
        "body_target": BODY_TARGET,
        "month_text": f"{record.period:%Y-%m}",
        "firm_states": firm_states,
        **pages,
    }


def _firm_row(
    line: FirmLine, accounts: dict[int, list[str]], chase_forms: ChaseForms | None
) -> dict[str, Any]:
    """One firm's row of the month's page; a firm still to chase carries its forms."""
    firm = line.enterprise.pk
    return {
        "line": line,
        "label": STATE_LABELS[line.state],
        "badge": STATE_BADGES[line.state],
        "accounts": accounts.get(firm, []),
        "chase": (chase_forms.for_firm(firm) if chase_forms and line.state in TO_CHASE else ""),
    }


def revision_log(record: ReportingMonth) -> list[dict[str, Any]]:
    """The month's publications, each with the review decisions since the one before; then,
    when the month was published and is being revised, what changed since the last one."""
    publishing = month_publishing()
    if publishing is None:
        return []
    entries: list[dict[str, Any]] = []
    previous = None
    for publication in publishing.log(record):
        changes: list[ReviewDecision] = (
            list(month_decisions(record, after=previous, until=publication.published_at))
            if previous is not None
            else []
        )
        entries.append({"publication": publication, "changes": changes})
        previous = publication.published_at
    if previous is not None:
        pending = list(month_decisions(record, after=previous, until=None))
        if pending:
            entries.append({"publication": None, "changes": pending})
    return entries


class MonthDetailView(LoginRequiredMixin, View):
    template_name = "returns/month_detail.html"
    body_template_name = "returns/_month_body.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ensure_month_reader(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
        return month_page(request, visible_month(request.user, pk))


def month_page(request: AuthenticatedHttpRequest, record: ReportingMonth) -> TemplateResponse:
    """The month's page, or only its body when htmx asked for it (after an action, a filter)."""
    context = month_body_context(request, record)
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == BODY_TARGET and not htmx.history_restore_request:
        return TemplateResponse(
            request, MonthDetailView.body_template_name, {**context, "partial": True}
        )
    user = request.user
    runs = user_may(user, "returns.run_month")
    publishing = month_publishing()
    published_phase = context["row"].phase == MonthPhase.PUBLISHED
    context.update(
        {
            **phase_context(context["row"].phase),
            "blockers": (
                close_blockers(record, firms=context["firm_states"]) if record.is_open else []
            ),
            "deadline_form": (
                DeadlineForm(initial={"deadline": record.deadline})
                if runs and record.is_open
                else None
            ),
            "can_close": runs and record.is_open,
            "can_reopen": runs and not record.is_open,
            "reopen_form": ReopenForm(),
            "publish_url": (
                reverse(publishing.publish_url_name, args=[record.pk])
                if publishing
                and user_may(user, "indicators.publish")
                and not record.is_open
                and not published_phase
                else None
            ),
            "publish_form": PublishForm(),
            "log": revision_log(record),
            "body_template": MonthDetailView.body_template_name,
        }
    )
    return TemplateResponse(request, MonthDetailView.template_name, context)
