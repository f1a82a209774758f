"""The monthly return pages: the reporter's own form, and the statistics office's list and detail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.audit import access_record
from kaifaqu.core.forms import add_service_errors, mark_invalid
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import can_write, ensure_may, user_may
from kaifaqu.core.views import (
    Column,
    RegistryDetailView,
    RegistryExportView,
    RegistryHistoryView,
    RegistryListView,
    RegistryView,
)
from kaifaqu.core.views.history import history_rows
from kaifaqu.core.views.registry import paginate
from kaifaqu.core.views.tables import (
    COUNT_FORMAT,
    MONEY_FORMAT,
    attr,
    decimal_text,
    verbose_label,
)
from kaifaqu.returns.forms.returns import (
    UNIT_OF_FIELD,
    DocumentForm,
    ReturnFilter,
    ReturnForm,
    default_period,
    month_or_none,
)
from kaifaqu.returns.models import (
    MONTHLY_FIELDS,
    ExplanationSource,
    Return,
    ReturnStatus,
    ReviewDecision,
    ReviewDecisionKind,
    Severity,
    StatisticsSettings,
)
from kaifaqu.returns.selectors.return_lists import (
    return_detail,
    return_list,
    return_months,
)
from kaifaqu.returns.services import return_explain, return_save, return_submit
from kaifaqu.returns.views.access import FIGURES_REFUSAL, refuse_unless
from kaifaqu.returns.views.return_pages import decisions_of, figure_rows, finding_rows

STATUS_BADGE: dict[str, str] = {
    ReturnStatus.DRAFT: "bg-secondary-lt",
    ReturnStatus.SUBMITTED: "bg-blue-lt",
    ReturnStatus.RETURNED: "bg-orange-lt",
    ReturnStatus.ACCEPTED: "bg-green-lt",
}
# How many months the reporter's month picker offers, counting back from last month.
MONTHS_OFFERED = 24
EDITABLE = frozenset({ReturnStatus.DRAFT, ReturnStatus.RETURNED})
ESTIMATE_BADGE = "bg-yellow-lt"


def status_text(record: Return) -> str:
    """The status, and 估算 on an estimate of the office (the firm had not reported)."""
    if record.is_estimate:
        return _("%(status)s · estimate (估算)") % {"status": record.get_status_display()}
    return str(record.get_status_display())


def _label(name: str) -> Any:
    return verbose_label(Return, name)


def plain(value: Any) -> Any:
    """A stored figure as a clerk typed it: 1250.5000 reads 1250.5, 100.0000 reads 100."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def month_text(period: date) -> str:
    """A month as 2025-03: it reads the same in both languages and sorts in columns."""
    return f"{period:%Y-%m}"


COLUMNS = [
    Column(
        "enterprise",
        _label("enterprise"),
        attr("enterprise.name"),
        sort="enterprise__name",
        link=True,
    ),
    Column(
        "period",
        _label("period"),
        attr("period"),
        sort="period",
        display=lambda r: month_text(r.period),
    ),
    Column(
        "status",
        _label("status"),
        attr("get_status_display"),
        sort="status",
        display=lambda record: status_text(record),
        badge=lambda record: (
            ESTIMATE_BADGE if record.is_estimate else STATUS_BADGE.get(record.status)
        ),
    ),
    Column(
        "gross_output",
        _label("gross_output"),
        attr("gross_output"),
        sort="gross_output",
        numeric=True,
        display=lambda record: decimal_text(record.gross_output),
    ),
    Column(
        "revenue",
        _label("revenue"),
        attr("revenue"),
        sort="revenue",
        numeric=True,
        display=lambda record: decimal_text(record.revenue),
    ),
    Column(
        "findings",
        gettext_lazy("Findings"),
        attr("finding_count"),
        sort="finding_count",
        numeric=True,
    ),
]

EXPORT_COLUMNS = [
    Column("uscc", gettext_lazy("Unified social credit code"), attr("enterprise.uscc")),
    Column("enterprise", _label("enterprise"), attr("enterprise.name")),
    Column("period", _label("period"), lambda record: f"{record.period:%Y-%m}"),
    Column("status", _label("status"), status_text),
    Column("source", _label("source"), attr("get_source_display")),
    # Figures as stored, 万元 and 万千瓦时 (the unit in each header), shown as the pages do.
    *[
        Column(name, _label(name), attr(name), number_format=MONEY_FORMAT)
        for name in MONTHLY_FIELDS
        if name != "employees"
    ],
    Column(
        "employees",
        gettext_lazy("employees at month end (persons)"),
        attr("employees"),
        number_format=COUNT_FORMAT,
    ),
    Column("hard", gettext_lazy("Blocking errors"), attr("hard_count")),
    Column("soft", gettext_lazy("Warnings"), attr("soft_count")),
    Column("explanation", _label("explanation"), attr("explanation")),
    Column(
        "explanation_source",
        gettext_lazy("Source of the explanation"),
        lambda record: (
            ExplanationSource(record.accepted_source).label if record.accepted_source else ""
        ),
    ),
    Column(
        "explanation_note",
        gettext_lazy("Explanation recorded by the statistics office"),
        lambda record: record.accepted_note or "",
    ),
]


class ReturnViews(RegistryView):
    request: AuthenticatedHttpRequest
    model = Return

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # 统计法: respondents' figures are the statistics office's (and each firm's own); anyone
        # else is refused outright rather than shown an empty list.
        refuse_unless(request.user, "returns.see_figures", FIGURES_REFUSAL)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Return]:
        return return_list(user=self.request.user)

    def registry_context(self) -> dict[str, Any]:
        # Returns are filled in by enterprises or imported, never created from the list.
        user = self.request.user
        meta = Return._meta
        return {
            "model_name": capfirst(str(meta.verbose_name)),
            "model_name_plural": capfirst(str(meta.verbose_name_plural)),
            "list_url": reverse(self.url_name("list")),
            "create_url": None,
            "reviews_returns": can_write(user, ReviewDecision),
            "imports_returns": user_may(user, "returns.import"),
            "edits_settings": can_write(user, StatisticsSettings)
            and getattr(user.scope, "zone", None) is not None,  # type: ignore[union-attr]
        }


class ReturnListView(ReturnViews, RegistryListView):
    filterset_class = ReturnFilter
    columns = COLUMNS
    export_columns = EXPORT_COLUMNS
    template_name = "returns/return_list.html"


class ReturnExportView(RegistryExportView, ReturnListView):
    def get_queryset(self) -> QuerySet[Return]:
        # The latest acceptance's explanation (a return accepted, then changed by an import and
        # accepted again, has several).
        accepted = ReviewDecision.objects.filter(
            return_record=OuterRef("pk"), kind=ReviewDecisionKind.ACCEPTED
        ).order_by("-at", "-pk")
        return (
            super()
            .get_queryset()
            .annotate(
                accepted_source=Subquery(accepted.values("explanation_source")[:1]),
                accepted_note=Subquery(accepted.values("explanation_note")[:1]),
            )
        )


class ReturnObjectMixin(ReturnViews):
    def object_context(self, obj: Any, tab: str) -> dict[str, Any]:
        # Figures change through the reporter's form or the review queue, not a registry form.
        return {
            "object": obj,
            "tab": tab,
            "tabs": [
                {
                    "key": "details",
                    "label": gettext_lazy("Details"),
                    "url": reverse(self.url_name("detail"), args=[obj.pk]),
                },
                {
                    "key": "history",
                    "label": gettext_lazy("History"),
                    "url": reverse(self.url_name("history"), args=[obj.pk]),
                },
            ],
            "edit_url": None,
        }


class ReturnDetailView(ReturnObjectMixin, RegistryDetailView):
    request: AuthenticatedHttpRequest
    template_name = "returns/return_detail.html"

    def get_queryset(self) -> QuerySet[Return]:
        return return_detail(user=self.request.user)

    def get_context_data(self, obj: Return) -> dict[str, Any]:
        return {
            "record": obj,
            "status_badge": ESTIMATE_BADGE if obj.is_estimate else STATUS_BADGE.get(obj.status),
            "status_text": status_text(obj),
            "figures": figure_rows(user=self.request.user, record=obj),
            "findings": finding_rows(obj),
            "decisions": decisions_of(obj),
        }


class ReturnHistoryView(ReturnObjectMixin, RegistryHistoryView):
    """The return's changes and its review decisions (each with the explanation's source and
    the office's note), newest first, in one list."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        obj = self.get_object()
        decision_ids = [str(pk) for pk in obj.decisions.values_list("pk", flat=True)]
        types = ContentType.objects.get_for_models(Return, ReviewDecision)
        entries = (
            LogEntry.objects.filter(
                Q(content_type=types[Return], object_pk=str(obj.pk))
                | Q(content_type=types[ReviewDecision], object_pk__in=decision_ids)
            )
            .select_related("actor")
            .order_by("-timestamp", "-pk")
        )
        pages = paginate(entries, request.GET.get("page"))
        page = list(pages["page_obj"].object_list)
        rows: dict[int, Any] = {}
        for model in (Return, ReviewDecision):
            mine = [entry for entry in page if entry.content_type_id == types[model].pk]
            rows.update(zip((e.pk for e in mine), history_rows(model, mine), strict=True))
        context = {
            **self.object_context(obj, "history"),
            **pages,
            "entries": [rows[entry.pk] for entry in page],
        }
        return self.render(self.template_name, context)


@dataclass(frozen=True)
class MonthOption:
    value: str
    label: str
    selected: bool


class MyReturnView(LoginRequiredMixin, View):
    """An enterprise reporter's return for one month: figures, comparisons, save and submit."""

    request: AuthenticatedHttpRequest

    template_name = "returns/my_return.html"

    def enterprise(self) -> Any:
        # A platform company works for one enterprise too, but its figures are not its to read
        # or report (统计法): the permission table decides, not the scope alone.
        user = self.request.user
        enterprise = getattr(user.scope, "enterprise", None)  # type: ignore[union-attr]
        if enterprise is None or not user_may(user, "returns.see_figures"):
            raise PermissionDenied(_("This page is for the reporter of an enterprise."))
        return enterprise

    def period(self, enterprise: Any) -> Month:
        asked = self.request.POST.get("month") or self.request.GET.get("month")
        month = month_or_none(asked)
        if month is not None:
            return month
        statuses = return_months(user=self.request.user, enterprise=enterprise)
        return default_period(today=timezone.localdate(), statuses=statuses)

    def month_options(self, enterprise: Any, chosen: Month) -> list[MonthOption]:
        statuses = {
            period: ReturnStatus(status).label
            for period, status in return_months(
                user=self.request.user, enterprise=enterprise
            ).items()
        }
        last = Month.of(timezone.localdate()).shift(-1)
        months = {last.shift(-back) for back in range(MONTHS_OFFERED)} | {chosen}
        options = []
        for month in sorted(months, reverse=True):
            status = statuses.get(month.first_day, _("Not filled in"))
            label = _("%(month)s · %(status)s") % {"month": str(month), "status": status}
            options.append(MonthOption(str(month), label, month == chosen))
        return options

    def render(self, **context: Any) -> TemplateResponse:
        return TemplateResponse(self.request, self.template_name, context)

    def page(
        self,
        enterprise: Any,
        month: Month,
        form: ReturnForm | None = None,
        document_form: DocumentForm | None = None,
    ) -> TemplateResponse:
        user = self.request.user
        record = (
            return_detail(user=user).filter(enterprise=enterprise, period=month.first_day).first()
        )
        editable = record is None or record.status in EDITABLE
        if form is None:
            initial: dict[str, Any] = {}
            if record is not None:
                initial = {name: plain(getattr(record, name)) for name in MONTHLY_FIELDS}
                initial["explanation"] = record.explanation
            form = ReturnForm(initial=initial)
        if not editable:
            form.disable()
        mark_invalid(form)
        needs_explaining = bool(
            record is not None
            and record.status == ReturnStatus.SUBMITTED
            and any(f.severity == Severity.SOFT for f in record.findings.all())
        )
        if document_form is None and needs_explaining and record is not None:
            document_form = DocumentForm(initial={"explanation": record.explanation})
        sent_back = None
        if record is not None and record.status == ReturnStatus.RETURNED:
            sent_back = next(
                (d for d in decisions_of(record) if d.kind == ReviewDecisionKind.SENT_BACK), None
            )
        comparison = {
            row.name: row
            for row in figure_rows(user=user, record=record, enterprise=enterprise, month=month)
        }
        rows = [
            {
                "field": form[name],
                "unit": UNIT_OF_FIELD[name],
                "figures": comparison.get(name),
            }
            for name in MONTHLY_FIELDS
        ]
        return self.render(
            enterprise=enterprise,
            month=month,
            month_options=self.month_options(enterprise, month),
            record=record,
            status_badge=STATUS_BADGE.get(record.status) if record else None,
            form=form,
            rows=rows,
            editable=editable,
            findings=finding_rows(record) if record is not None else [],
            document_form=document_form,
            sent_back=sent_back,
        )

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        enterprise = self.enterprise()
        return self.page(enterprise, self.period(enterprise))

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        enterprise = self.enterprise()
        month = self.period(enterprise)
        action = request.POST.get("action", "save")
        here = f"{reverse('returns:my-return')}?month={month}"
        user = request.user
        if action == "explain":
            record = (
                return_detail(user=user)
                .filter(enterprise=enterprise, period=month.first_day)
                .first()
            )
            document_form = DocumentForm(data=request.POST, files=request.FILES)
            if record is not None and document_form.is_valid():
                try:
                    return_explain(
                        by=user,
                        return_record=record,
                        explanation=document_form.cleaned_data["explanation"],
                        document=document_form.cleaned_data["supporting_document"],
                    )
                except ValidationError as error:
                    add_service_errors(document_form, error)
                else:
                    messages.success(
                        request, _("Your explanation was sent to the statistics office.")
                    )
                    return HttpResponseRedirect(here)
            return self.page(enterprise, month, document_form=document_form)
        form = ReturnForm(data=request.POST)
        if not form.is_valid():
            return self.page(enterprise, month, form=form)
        try:
            record = return_save(
                by=user,
                enterprise=enterprise,
                period=month.first_day,
                values=form.figures(),
                explanation=form.cleaned_data["explanation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.page(enterprise, month, form=form)
        if action != "submit":
            messages.success(request, _("The draft was saved. Submit it when it is complete."))
            return HttpResponseRedirect(here)
        try:
            return_submit(by=user, return_record=record)
        except ValidationError as error:
            add_service_errors(form, error)
            messages.error(
                request,
                _("The draft was saved, but it cannot be submitted: correct the figures marked."),
            )
            return self.page(enterprise, month, form=form)
        messages.success(
            request, _("The return was submitted to the statistics office for review.")
        )
        return HttpResponseRedirect(here)


class ReturnDocumentView(LoginRequiredMixin, View):
    """The supporting document of a return, for those who may see the return; never a public URL."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
        ensure_may(request.user, "returns.see_figures", FIGURES_REFUSAL)
        record = get_object_or_404(return_detail(user=request.user), pk=pk)
        if not record.supporting_document:
            raise Http404
        document = record.supporting_document
        try:
            handle = document.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        access_record(
            request=request,
            kind="download",
            detail=f"supporting document of return {record.pk}: {Path(document.name).name}",
        )
        return FileResponse(handle, as_attachment=True, filename=Path(document.name).name)
