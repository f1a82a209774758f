"""The sign-in in two steps: the password leaves a pending sign-in in the session; the code
(or enrolment) completes it with Django's login(). See mfa/__init__.py."""

import time
from typing import Any

from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp.models import Device

from kaifaqu.accounts.mfa.rules import mfa_applies, mfa_has_device
from kaifaqu.accounts.models import User

PENDING_KEY = "kfq_mfa_pending"
# The session's flag that the user signed in with no second factor to ask (role not required,
# no device): the middleware then need not look for a device on every request.
NOT_NEEDED_KEY = "kfq_mfa_not_needed"
# Enough to install an authenticator app and scan the code; then the password again.
PENDING_SECONDS = 15 * 60


def pending_begin(request: HttpRequest, user: User, *, backend: str, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "since": time.time(),
    }


def pending_user(request: HttpRequest) -> User | None:
    """The user whose password was right and whose second step is awaited (None when there is
    none, or it is older than PENDING_SECONDS, or the account was disabled meanwhile)."""
    pending: dict[str, Any] | None = request.session.get(PENDING_KEY)
    if not pending:
        return None
    if time.time() - float(pending.get("since", 0)) > PENDING_SECONDS:
        pending_clear(request)
        return None
    return User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()


def pending_next(request: HttpRequest) -> str:
    pending: dict[str, Any] = request.session.get(PENDING_KEY) or {}
    return str(pending.get("next") or "/")


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def pending_complete(request: HttpRequest, user: User, device: Device) -> str:
    """Sign the user in, verified by `device`; returns where to go next."""
    pending: dict[str, Any] = request.session.pop(PENDING_KEY)
    # django-otp's receiver of user_logged_in keeps the device in the session (verified).
    user.otp_device = device  # type: ignore[attr-defined]
    auth_login(request, user, backend=pending["backend"])
    return str(pending.get("next") or "/")


class SecondFactorLoginMixin:
    """For the sign-in view: when the password is right and a second factor applies, the
    session gets a pending sign-in and the user goes on to the code (or to enrolment)."""

    request: HttpRequest

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not mfa_applies(user):
            response: HttpResponse = super().form_valid(form)  # type: ignore[misc]
            self.request.session[NOT_NEEDED_KEY] = True
            return response
        pending_begin(
            self.request,
            user,
            backend=user.backend,
            next_url=self.get_success_url(),  # type: ignore[attr-defined]
        )
        step = "accounts:mfa-verify" if mfa_has_device(user) else "accounts:mfa-enrol"
        return redirect(step)
