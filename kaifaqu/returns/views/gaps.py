"""The 应统尽统 gap list: filters, refresh for a month, assign to a person, close with a note."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import can_write
from kaifaqu.core.views.registry import paginate
from kaifaqu.returns.forms.gaps import (
    ASSIGNEE_ME,
    ASSIGNEE_NOBODY,
    GapCloseForm,
    GapFilterForm,
)
from kaifaqu.returns.models import Gap, GapStatus
from kaifaqu.returns.selectors.gaps import gap_assignees, gap_list
from kaifaqu.returns.services import gap_assign, gap_close, gaps_refresh
from kaifaqu.returns.views.access import chosen_month, chosen_zone, ensure_office_reader


def filtered(queryset: QuerySet[Gap], form: GapFilterForm, user: User) -> QuerySet[Gap]:
    if not form.is_valid():
        return queryset.none()
    data = form.cleaned_data
    if data["kind"]:
        queryset = queryset.filter(kind=data["kind"])
    if data["status"]:
        queryset = queryset.filter(status=data["status"])
    if data["assignee"] == ASSIGNEE_ME:
        queryset = queryset.filter(assigned_to=user)
    elif data["assignee"] == ASSIGNEE_NOBODY:
        queryset = queryset.filter(assigned_to__isnull=True)
    return queryset


def ensure_gap_writer(user: User) -> None:
    if not can_write(user, Gap):
        raise PermissionDenied(_("Only the statistics office follows up gaps."))


class GapListView(LoginRequiredMixin, View):
    template_name = "returns/gap_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ensure_office_reader(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        zone, zones = chosen_zone(user, request.GET.get("zone"))
        data = request.GET.copy()
        data.setdefault("status", GapStatus.OPEN)
        form = GapFilterForm(data=data)
        gaps = filtered(gap_list(user=user).filter(enterprise__zone=zone), form, user)
        pages = paginate(gaps.order_by(*(Gap._meta.ordering or []), "pk"), request.GET.get("page"))
        writer = can_write(user, Gap)
        assignees = list(gap_assignees(zone=zone)) if writer else []
        return TemplateResponse(
            request,
            self.template_name,
            {
                **pages,
                "zone": zone,
                "zones": zones,
                "filter_form": form,
                "gaps": pages["page_obj"].object_list,
                "writer": writer,
                "assignees": assignees,
                "refresh_month": str(Month.of(timezone.localdate()).shift(-1)),
                "back": f"{request.path}?{request.GET.urlencode()}",
            },
        )


def _back(request: HttpRequest, zone_pk: int) -> HttpResponseRedirect:
    target = str(request.POST.get("next", ""))
    if not target.startswith(reverse("returns:gap-list")):
        target = f"{reverse('returns:gap-list')}?{urlencode({'zone': zone_pk})}"
    return HttpResponseRedirect(target)


class GapRefreshView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        ensure_gap_writer(request.user)
        zone, _zones = chosen_zone(request.user, request.POST.get("zone"))
        month = chosen_month(request.POST.get("month"), Month.of(timezone.localdate()).shift(-1))
        result = gaps_refresh(by=request.user, zone=zone, month=month, today=timezone.localdate())
        messages.success(
            request,
            _("Gaps of %(month)s brought up to date: %(opened)d opened, %(closed)d closed.")
            % {"month": month, "opened": result.opened, "closed": result.closed},
        )
        return _back(request, zone.pk)


class GapActionView(LoginRequiredMixin, View):
    request: AuthenticatedHttpRequest
    http_method_names = ["post"]

    def gap(self) -> Gap:
        ensure_gap_writer(self.request.user)
        return get_object_or_404(gap_list(user=self.request.user), pk=self.kwargs["pk"])


class GapAssignView(GapActionView):
    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        gap = self.gap()
        chosen = str(request.POST.get("assigned_to", ""))
        person = (
            gap_assignees(zone=gap.enterprise.zone).filter(pk=chosen).first() if chosen else None
        )
        try:
            gap_assign(by=request.user, gap=gap, to=person)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The gap of %(name)s was assigned.") % {"name": gap.enterprise}
            )
        return _back(request, gap.enterprise.zone_id)


class GapCloseView(GapActionView):
    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        gap = self.gap()
        form = GapCloseForm(data=request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Say how the gap was resolved."))
            gap_close(by=request.user, gap=gap, note=form.cleaned_data["note"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The gap of %(name)s was closed.") % {"name": gap.enterprise}
            )
        return _back(request, gap.enterprise.zone_id)
