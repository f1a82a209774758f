"""Two checks on every signed-in request: the session's limits, and a required password change."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaifaqu.accounts.identity.sessions import session_expiry
from kaifaqu.accounts.models import AccessEventKind, User
from kaifaqu.accounts.services import access_event_record

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _go_to(request: HttpRequest, url: str) -> HttpResponse:
    # The header itself: django-htmx's middleware comes later in the chain than this one.
    if request.headers.get("HX-Request") == "true":
        # htmx would swap the page it is sent to into a fragment: it loads it whole instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _session_user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


class ResolvedUserMiddleware:
    """`request.user` as the user itself from here on, not behind the lazy proxies that
    django.contrib.auth and django-otp wrap it in (one inside the other).

    Every attribute of a proxied user is looked up through both proxies' `__getattribute__`
    and `__getattr__` (the permission table, scopes, templates): 128,000 proxied lookups for
    170 requests of the load benchmark's mix, some 750 a request. The user is read here once,
    as the middleware after it would read it anyway; a request without a session gets the
    anonymous user, with no query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        while isinstance(user, LazyObject):
            proxy: Any = user  # (LazyObject's own attributes are not in its stubs)
            if proxy._wrapped is empty:
                proxy._setup()
            user = proxy._wrapped
        if user is not None:
            request.user = user
        return self.get_response(request)


class SessionLimitsMiddleware:
    """Signs out a session idle for KFQ_SESSION_IDLE_MINUTES or older than KFQ_SESSION_MAX_HOURS,
    saying so on the sign-in page (等保 2.0 8.1.4.1 b: "登录连接超时自动退出")."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = _session_user(request)
        if user is not None:
            reason = session_expiry(request.session, int(time.time()))
            if reason:
                return self.end(request, user, reason)
        return self.get_response(request)

    def end(self, request: HttpRequest, user: User, reason: str) -> HttpResponse:
        if reason == "idle":
            minutes = settings.KFQ_SESSION_IDLE_MINUTES
            detail = f"idle for more than {minutes} min"
            message = ngettext(
                "You were signed out after %(minutes)d minute without activity.",
                "You were signed out after %(minutes)d minutes without activity.",
                minutes,
            ) % {"minutes": minutes}
        else:
            hours = settings.KFQ_SESSION_MAX_HOURS
            detail = f"signed in more than {hours} h ago"
            message = ngettext(
                "You were signed out: a session lasts at most %(hours)d hour.",
                "You were signed out: a session lasts at most %(hours)d hours.",
                hours,
            ) % {"hours": hours}
        access_event_record(
            kind=AccessEventKind.SESSION_EXPIRED, request=request, user=user, detail=detail
        )
        # Not logout(): the user did not sign out (the access log says why the session ended).
        request.session.flush()
        request.user = AnonymousUser()
        if _is_api(request):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        login = reverse(settings.LOGIN_URL)
        return _go_to(request, f"{login}?{urlencode({'next': request.get_full_path()})}")


# The pages a user who must change the password may still open. A view of another module (a
# second factor's, say) opts out with the `password_change_exempt` decorator.
EXEMPT_VIEWS = {
    "accounts:login",
    "accounts:logout",
    "accounts:password-change",
    "set_language",
    "javascript-catalog",
}


def password_change_exempt(view: Any) -> Any:
    view.password_change_exempt = True
    return view


class PasswordChangeRequiredMiddleware:
    """Until a user with `password_change_required` has changed the password, every page leads
    to the change page and the API answers 403 saying why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = _session_user(request)
        if user is None or not user.password_change_required:
            return None
        match = request.resolver_match
        if getattr(view, "password_change_exempt", False) or (
            match is not None and match.view_name in EXEMPT_VIEWS
        ):
            return None
        if _is_api(request):
            return JsonResponse(
                {"detail": _("You must change your password before using the platform.")},
                status=403,
            )
        change = reverse("accounts:password-change")
        return _go_to(request, f"{change}?{urlencode({'next': request.get_full_path()})}")
