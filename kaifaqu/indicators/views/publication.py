"""Publishing a closed month (审定发布) from its page (returns:month-detail), whose Publish button
posts here: publication is the indicators', the month's page is the statistics office's intake."""

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
from kaifaqu.indicators.services.publication import month_publish
from kaifaqu.returns.forms.months import PublishForm
from kaifaqu.returns.models import ReportingMonth
from kaifaqu.returns.views.access import refuse_unless


class MonthPublishView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refuse_unless(
            request.user,
            "indicators.publish",
            _("Months are published by the statistics office."),
        )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
        record = get_object_or_404(ReportingMonth.objects.for_user(request.user), pk=pk)
        form = PublishForm(data=request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            publication = month_publish(by=request.user, reporting_month=record, note=note)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The month %(month)s is published (revision %(revision)d).")
                % {"month": f"{record.period:%Y-%m}", "revision": publication.revision},
            )
        return HttpResponseRedirect(record.get_absolute_url())
