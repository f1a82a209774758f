"""The home page: a zone's page for users of one zone, an overview of zones for the others."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.permissions import ScopeLevel, user_may
from kaifaqu.dashboard.charts import park_chart, stage_chart
from kaifaqu.dashboard.selectors import zone_get, zone_home, zone_overview
from kaifaqu.projects.selectors import project_warning_counts


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    zone_id = user.home_zone_id
    if zone_id is not None:
        return _zone_page(request, zone_id)
    # 三员分立: the three administrators see no business data; each starts on its own work.
    if user_may(user, "accounts.read_change_history"):
        return redirect("accounts:access-log")
    if user_may(user, "accounts.see_users"):
        return redirect("accounts:account-list")
    return render(
        request,
        "dashboard/overview.html",
        {
            "overview": zone_overview(user=user),
            "no_business_data": user.scope.level == ScopeLevel.NONE,
        },
    )


@login_required
def zone_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _zone_page(request, pk)


def _zone_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    zone = zone_get(user=user, pk=pk)
    if zone is None:
        raise Http404
    home = zone_home(user=user, zone=zone)
    scope = user.scope
    # The leadership's morning reminder of what to push; not for an enterprise's reporter.
    warnings = (
        None
        if scope.enterprise
        else project_warning_counts(user=user, today=timezone.localdate(), zone=zone)
    )
    return render(
        request,
        "dashboard/zone_home.html",
        {
            "home": home,
            "zone": zone,
            "partial_scope": scope.park or scope.enterprise,
            "stage_chart": stage_chart(home),
            "park_chart": park_chart(home),
            "warnings": warnings,
        },
    )
