"""The actions of a month's page, each a POST through a service of services/months.py (or
return_send_back for a correction in a revision): the deadline, a reminder, a 未报 record and its
withdrawal, the close, the reopening as a revision.

Actions on a firm redraw the page's body by htmx (the counts, the firms, the 未报 records); those
that change the month itself reload the page. Refusals of the services become messages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.returns.forms.months import (
    CorrectionForm,
    DeadlineForm,
    NonResponseForm,
    ReminderForm,
    ReopenForm,
    form_errors,
)
from kaifaqu.returns.models import ReportingMonth, Return, ReturnStatus
from kaifaqu.returns.services import return_send_back
from kaifaqu.returns.services.months import (
    non_response_record,
    non_response_remove,
    reminder_record,
    reporting_month_close,
    reporting_month_reopen,
    reporting_month_set_deadline,
)
from kaifaqu.returns.views.access import refuse_unless
from kaifaqu.returns.views.months import MONTH_REFUSAL, month_page, visible_month


class MonthActionView(LoginRequiredMixin, View):
    """POST only; refused (403) to whoever may not run the month, a 404 outside the scope."""

    request: AuthenticatedHttpRequest
    http_method_names = ["post"]
    action = "returns.run_month"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refuse_unless(request.user, self.action, MONTH_REFUSAL)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: AuthenticatedHttpRequest, pk: int, **kwargs: Any) -> HttpResponseBase:
        record = visible_month(request.user, pk)
        try:
            self.act(record, **kwargs)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        record.refresh_from_db()
        if getattr(request, "htmx", None):
            return month_page(request, record)
        query = request.GET.urlencode()
        return HttpResponseRedirect(record.get_absolute_url() + (f"?{query}" if query else ""))

    def act(self, record: ReportingMonth, **kwargs: Any) -> None:
        raise NotImplementedError

    def valid(self, form: Any) -> dict[str, Any]:
        """The form's data, or a refusal naming every error."""
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        data: dict[str, Any] = form.cleaned_data
        return data

    def firm(self, pk: int) -> Enterprise:
        return get_object_or_404(Enterprise.objects.for_user(self.request.user), pk=pk)

    def done(self, message: str) -> None:
        messages.success(self.request, message)


class MonthDeadlineView(MonthActionView):
    def act(self, record: ReportingMonth, **kwargs: Any) -> None:
        data = self.valid(DeadlineForm(data=self.request.POST))
        reporting_month_set_deadline(
            by=self.request.user, reporting_month=record, deadline=data["deadline"]
        )
        self.done(_("Returns are now due by %(deadline)s.") % {"deadline": data["deadline"]})


class MonthReminderView(MonthActionView):
    def act(self, record: ReportingMonth, **kwargs: Any) -> None:
        enterprise = self.firm(kwargs["enterprise"])
        data = self.valid(ReminderForm(data=self.request.POST, prefix=f"remind-{enterprise.pk}"))
        reminder_record(
            by=self.request.user,
            reporting_month=record,
            enterprise=enterprise,
            channel=data["channel"],
            note=data["note"],
        )
        self.done(_("The reminder to %(name)s is on record.") % {"name": enterprise.name})


class MonthNonResponseView(MonthActionView):
    def act(self, record: ReportingMonth, **kwargs: Any) -> None:
        enterprise = self.firm(kwargs["enterprise"])
        data = self.valid(NonResponseForm(data=self.request.POST, prefix=f"nr-{enterprise.pk}"))
        non_response_record(
            by=self.request.user,
            reporting_month=record,
            enterprise=enterprise,
            reason=data["reason"],
            treatment=data["treatment"] or None,
            note=data["note"],
        )
        self.done(_("%(name)s is recorded as not reported (未报).") % {"name": enterprise.name})


class MonthNonResponseWithdrawView(MonthActionView):
    def act(self, record: ReportingMonth, **kwargs: Any) -> None:
        non_response = get_object_or_404(record.non_responses, pk=kwargs["non_response"])
        name = non_response.enterprise.name
        non_response_remove(by=self.request.user, non_response=non_response)
        self.done(_("The 未报 record of %(name)s was withdrawn.") % {"name": name})


class MonthCloseView(MonthActionView):
    def act(self, record: ReportingMonth, **kwargs: Any) -> None:
        reporting_month_close(by=self.request.user, reporting_month=record)
        self.done(
            _("The reporting month %(month)s is closed: it takes no more returns.")
            % {"month": f"{record.period:%Y-%m}"}
        )


class MonthReopenView(MonthActionView):
    def act(self, record: ReportingMonth, **kwargs: Any) -> None:
        data = self.valid(ReopenForm(data=self.request.POST))
        reopened = reporting_month_reopen(
            by=self.request.user, reporting_month=record, reason=data["reason"]
        )
        self.done(
            _(
                "The reporting month %(month)s is reopened as revision %(revision)d: send back "
                "the returns to correct, then close and publish it again."
            )
            % {"month": f"{record.period:%Y-%m}", "revision": reopened.revision}
        )


class MonthCorrectionView(MonthActionView):
    """Send an accepted return back for correction while its month is reopened (a revision):
    staff never change a reported figure, the firm corrects it."""

    action = "returns.reviewdecision.change"

    def act(self, record: ReportingMonth, **kwargs: Any) -> None:
        return_record = get_object_or_404(
            Return.objects.for_user(self.request.user).filter(
                enterprise__zone_id=record.zone_id,
                period=record.period,
                status=ReturnStatus.ACCEPTED,
            ),
            pk=kwargs["return_pk"],
        )
        data = self.valid(
            CorrectionForm(data=self.request.POST, prefix=f"correct-{return_record.pk}")
        )
        return_send_back(by=self.request.user, return_record=return_record, comment=data["comment"])
        self.done(
            _("%(name)s was sent back to the enterprise.")
            % {"name": f"{return_record.enterprise.name} {record.period:%Y-%m}"}
        )
