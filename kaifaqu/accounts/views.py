"""Sign in, sign out, the access log, and the page every refusal ends on (which is logged)."""

import math
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.filters import AccessEventFilter
from kaifaqu.accounts.forms import SignInForm
from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.identity.lockout import lockout_reasons
from kaifaqu.accounts.mfa.flow import SecondFactorLoginMixin
from kaifaqu.accounts.models import AccessEventKind
from kaifaqu.accounts.selectors import access_event_list
from kaifaqu.accounts.services import access_event_record
from kaifaqu.core.forms import style_filter_form
from kaifaqu.core.permissions import ensure_may
from kaifaqu.core.views.export import xlsx_download
from kaifaqu.core.views.tables import Column

ACCESS_LOG_PAGE_SIZE = 50
# The export's columns: all the log holds, the time in the platform's zone (Excel has none).
ACCESS_LOG_COLUMNS = [
    Column("at", _("Time"), lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
    Column("kind", _("Kind"), lambda e: str(e.get_kind_display())),
    Column("username", _("User name"), lambda e: e.username),
    Column("ip_address", _("IP address"), lambda e: e.ip_address or ""),
    Column("path", _("Path"), lambda e: e.path),
    Column("detail", _("Detail"), lambda e: e.detail),
    Column("user_agent", _("User agent"), lambda e: e.user_agent),
    Column("request_id", _("Request ID"), lambda e: e.request_id),
]


class SignInView(SecondFactorLoginMixin, LoginView):
    # LoginView authenticates with the request, which django-axes needs to count failures.
    # The mixin turns a right password into a pending sign-in when a second factor applies.
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers while signing in is locked (AXES_LOCKOUT_CALLABLE): for this
    account (from any address) or from this address (for any account)."""
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0
    reasons = lockout_reasons(request, credentials)
    context = {
        "account": "username" in reasons or not reasons,
        "failure_limit": get_failure_limit(request, credentials),
        "address_limit": settings.KFQ_LOGIN_FAILURE_LIMIT_PER_ADDRESS,
        "minutes": minutes,
    }
    return render(request, "accounts/locked_out.html", context, status=429)


@login_required
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    events = access_event_list(user=request.user)
    filterset = AccessEventFilter(request.GET or None, queryset=events)
    style_filter_form(filterset.form)
    if request.GET.get("export") == "xlsx":
        ensure_may(
            request.user,
            "accounts.export_access_log",
            _("Only the audit administrator may export the access log."),
        )
        return xlsx_download(
            request=request,
            filename="access-log.xlsx",
            sheets=[(str(_("Access log")), ACCESS_LOG_COLUMNS, filterset.qs.iterator())],
            what="access log",
        )
    page = Paginator(filterset.qs, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/access_log.html",
        {"filter": filterset, "page_obj": page, "events": page.object_list},
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: every refusal of a page is written to the access log, then explained."""
    user = request.user if request.user.is_authenticated else None
    reason = str(exception) if exception is not None and str(exception) else ""
    access_event_record(
        kind=AccessEventKind.DENIED,
        request=request,
        user=user,  # type: ignore[arg-type]
        detail=reason,
    )
    return render(request, "403.html", {"reason": reason}, status=403)
