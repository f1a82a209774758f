"""The review queue (审核): submitted returns of the user's scope, accepted or sent back."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.core.forms import style_filter_form
from kaifaqu.core.permissions import can_write
from kaifaqu.core.views.registry import paginate, scope_filter_choices
from kaifaqu.returns.forms.returns import (
    AcceptForm,
    DecisionForm,
    FindingsChoice,
    ReturnFilter,
    SendBackForm,
    month_or_none,
)
from kaifaqu.returns.models import ReturnStatus, ReviewDecision
from kaifaqu.returns.selectors.return_lists import return_list
from kaifaqu.returns.selectors.returns import clean_awaiting_review, review_queue
from kaifaqu.returns.services import (
    BulkAcceptError,
    return_accept,
    return_send_back,
    returns_bulk_accept,
)
from kaifaqu.returns.views.return_pages import finding_rows
from kaifaqu.returns.views.returns import STATUS_BADGE, month_text

QUEUE_TARGET = "review-queue"
DECISIONS = frozenset({"accept", "send-back"})
# Bulk acceptance: the returns ticked on the page, or every clean one matching the filters.
SELECTIONS = frozenset({"selected", "matching"})


def ensure_reviewer(user: User) -> None:
    if not can_write(user, ReviewDecision):
        raise PermissionDenied(_("Only the statistics office reviews returns."))


def decision_texts() -> dict[str, Any]:
    """The decision form's labels, placeholders and choices, translated once: each card of the
    queue writes its fields with these under its own prefix (`decide-<pk>-`), which the
    decision's view reads back through `AcceptForm`/`SendBackForm`. Rendering the form's widgets
    card by card cost a third of the queue's time."""
    fields = AcceptForm().fields
    return {
        name: {
            "label": str(field.label),
            "placeholder": str(field.widget.attrs.get("placeholder", "")),
            "rows": field.widget.attrs.get("rows"),
            "choices": [(str(value), str(label)) for value, label in getattr(field, "choices", [])],
        }
        for name, field in fields.items()
    }


class QueueFilter(ReturnFilter):
    class Meta(ReturnFilter.Meta):
        fields = ["q", "month", "park", "findings"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters.pop("status", None)
        self.form.fields.pop("status", None)


class ReviewQueueView(LoginRequiredMixin, View):
    request: AuthenticatedHttpRequest
    template_name = "returns/review_queue.html"
    results_template_name = "returns/_review_queue_results.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            ensure_reviewer(request.user)
        return super().dispatch(request, *args, **kwargs)

    def queue(self) -> TemplateResponse:
        request = self.request
        # Warnings first within a month, as the selector orders them.
        queryset = review_queue(user=request.user, filters={})
        filterset = QueueFilter(request.GET, queryset=queryset, request=request)
        scope_filter_choices(filterset, request.user)
        style_filter_form(filterset.form)
        records = filterset.qs if filterset.is_valid() else queryset.none()
        pages = paginate(records, request.GET.get("page"))
        # What every card repeats, worked out once: the query string its forms carry on (the
        # queue as it is after a decision) and the decision form's labels and choices.
        query = request.GET.urlencode()
        carried = f"?{query}" if query else ""
        items = [
            {
                "record": record,
                "month": month_text(record.period),
                "status_badge": STATUS_BADGE.get(record.status),
                "findings": (findings := finding_rows(record)),
                "warned": (warned := any(not f.is_hard for f in findings)),
                "unexplained": warned and not (record.explanation or record.supporting_document),
                "clean": not findings,
                "prefix": f"decide-{record.pk}",
                "accept_url": reverse("returns:review-decide", args=[record.pk, "accept"])
                + carried,
                "send_back_url": reverse("returns:review-decide", args=[record.pk, "send-back"])
                + carried,
            }
            for record in pages["page_obj"].object_list
        ]
        matching = self.matching_filters(filterset)
        context = {
            **pages,
            "items": items,
            "clean_on_page": any(item["clean"] for item in items),
            "clean_matching": (
                0
                if matching is None
                else clean_awaiting_review(user=request.user, filters=matching).count()
            ),
            "filter_form": filterset.form,
            "decision": decision_texts(),
            "carried": carried,
            "results_target": QUEUE_TARGET,
            "results_template": self.results_template_name,
        }
        htmx = getattr(request, "htmx", None)
        if htmx and htmx.target == QUEUE_TARGET and not htmx.history_restore_request:
            # Messages of a decision go with the redrawn queue, not a page.
            return TemplateResponse(
                request, self.results_template_name, {**context, "partial": True}
            )
        return TemplateResponse(request, self.template_name, context)

    def matching_filters(self, filterset: QueueFilter) -> dict[str, Any] | None:
        """The queue's filters as the bulk acceptance takes them; None when they select no
        clean return (warnings or errors asked for, or a filter that does not parse)."""
        if not filterset.is_valid():
            return None
        data = filterset.form.cleaned_data
        if data.get("findings") in (FindingsChoice.HARD, FindingsChoice.SOFT):
            return None
        month = month_or_none(data.get("month"))
        if data.get("month") and month is None:
            return None
        return {"period": month, "park": data.get("park"), "q": data.get("q")}

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.queue()

    def redrawn(self) -> HttpResponseBase:
        if getattr(self.request, "htmx", None):
            return self.queue()
        query = self.request.GET.urlencode()
        return HttpResponseRedirect(
            reverse("returns:review-queue") + (f"?{query}" if query else "")
        )


class ReviewDecideView(ReviewQueueView):
    """Accept or send back one return; the queue is drawn again (by htmx) or reloaded."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponseBase:
        if action not in DECISIONS:
            raise Http404
        record = get_object_or_404(
            return_list(user=request.user).filter(status=ReturnStatus.SUBMITTED), pk=pk
        )
        name = f"{record.enterprise.name} {record.period:%Y-%m}"
        if action == "accept":
            form: DecisionForm = AcceptForm(data=request.POST, prefix=f"decide-{pk}")
        else:
            form = SendBackForm(data=request.POST, prefix=f"decide-{pk}")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        else:
            comment = form.cleaned_data["comment"]
            try:
                if action == "accept":
                    return_accept(
                        by=request.user,
                        return_record=record,
                        comment=comment,
                        explanation_source=form.cleaned_data["explanation_source"],
                        explanation_note=form.cleaned_data["explanation_note"],
                    )
                    messages.success(request, _("%(name)s was accepted.") % {"name": name})
                else:
                    return_send_back(by=request.user, return_record=record, comment=comment)
                    messages.success(
                        request,
                        _("%(name)s was sent back to the enterprise.") % {"name": name},
                    )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(
                        request,
                        _("%(name)s: %(reason)s") % {"name": name, "reason": message},
                    )
        return self.redrawn()


class ReviewBulkAcceptView(ReviewQueueView):
    """Accept the clean returns ticked on the page, or every clean one matching the filters (the
    page's query string), all or none; the queue is drawn again (by htmx) or reloaded."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, selection: str) -> HttpResponseBase:
        if selection not in SELECTIONS:
            raise Http404
        comment = request.POST.get("comment", "")
        try:
            if selection == "selected":
                ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
                if not ids:
                    messages.error(request, _("Tick the returns to accept first."))
                    return self.redrawn()
                done = returns_bulk_accept(by=request.user, return_ids=ids, comment=comment)
            else:
                filterset = QueueFilter(
                    request.GET, queryset=review_queue(user=request.user), request=request
                )
                matching = self.matching_filters(filterset)
                if matching is None:
                    messages.error(request, _("These filters select no return without findings."))
                    return self.redrawn()
                done = returns_bulk_accept(by=request.user, filters=matching, comment=comment)
        except BulkAcceptError as refused:
            messages.error(request, _("Nothing was accepted:"))
            for offender in refused.offenders:
                messages.error(
                    request,
                    _("%(name)s: %(reason)s")
                    % {"name": offender.label, "reason": offender.message},
                )
            return self.redrawn()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.redrawn()
        messages.success(
            request,
            ngettext(
                "%(count)s return without findings was accepted.",
                "%(count)s returns without findings were accepted.",
                done.accepted,
            )
            % {"count": done.accepted},
        )
        return self.redrawn()
