"""The second factor's pages: the code after the password, enrolment, and the user's own page
(state, setting up again, new recovery codes)."""

from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.locking import account_is_locked
from kaifaqu.accounts.mfa.flow import (
    pending_clear,
    pending_complete,
    pending_user,
)
from kaifaqu.accounts.mfa.forms import CodeForm
from kaifaqu.accounts.mfa.models import AuthenticatorDevice, RecoveryDevice
from kaifaqu.accounts.mfa.qr import qr_svg
from kaifaqu.accounts.mfa.rules import mfa_applies, mfa_enabled, mfa_has_device, mfa_required
from kaifaqu.accounts.mfa.services import (
    mfa_check_code,
    mfa_enrolment_confirm,
    mfa_enrolment_start,
    mfa_recovery_codes_left,
    mfa_recovery_codes_renew,
)
from kaifaqu.accounts.models import User
from kaifaqu.accounts.views import lockout_response

ENROL_DEVICE_KEY = "kfq_mfa_enrol_device"


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code of the user's authenticator or a recovery code."""
    user = pending_user(request)
    if user is None:
        messages.info(request, _("Sign in with your password first."))
        return redirect("accounts:login")
    if not mfa_has_device(user):
        return redirect("accounts:mfa-enrol")
    if account_is_locked(user.get_username()):
        pending_clear(request)
        return lockout_response(request, credentials={"username": user.get_username()})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = mfa_check_code(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            next_url = pending_complete(request, user, check.device)
            if isinstance(check.device, RecoveryDevice):
                left = mfa_recovery_codes_left(user=user)
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(left)s are left.") % {"left": left},
                )
            return redirect(next_url)
        _count_failure(request, user)
        if check.wait_until is not None:
            moment = timezone.localtime(check.wait_until).strftime("%H:%M:%S")
            form.add_error(
                "code", _("Too many wrong codes: try again after %(time)s.") % {"time": moment}
            )
        else:
            form.add_error("code", _("The code is not right."))
        if getattr(request, "axes_locked_out", False):
            pending_clear(request)  # django-axes' middleware answers with the lockout page
    return render(request, "accounts/mfa_verify.html", {"form": form, "pending": user})


def _count_failure(request: HttpRequest, user: User) -> None:
    """A wrong code is a failed sign-in: django-axes counts it toward the lockout, and the
    access log records it (accounts/signals.py) with what failed."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "kfq_detail": "second factor code"},
        request=request,
    )


@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: its QR code and secret, confirmed by a first code; then the
    recovery codes, shown once. Reached after the password by a user whose role requires a
    second factor and who has none (pending sign-in), or by a signed-in user."""
    user = pending_user(request)
    pending = user is not None
    if user is None:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        user = request.user  # type: ignore[assignment]
    elif mfa_has_device(user):
        # Enrolling on the password alone is for a first device only.
        return redirect("accounts:mfa-verify")
    assert user is not None
    device = _enrolment_device(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa_enrolment_confirm(
                user=user, device=device, code=form.cleaned_data["code"], request=request
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session.pop(ENROL_DEVICE_KEY, None)
            device.refresh_from_db()
            if pending:
                next_url = pending_complete(request, user, device)
            else:
                otp_login(request, device)
                next_url = ""
            return render(
                request,
                "accounts/mfa_recovery_codes.html",
                {"codes": codes, "next_url": next_url, "enrolled": True},
            )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "pending": pending,
        "qr": qr_svg(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "issuer": settings.OTP_TOTP_ISSUER,
        "account": user.get_username(),
    }
    return render(request, "accounts/mfa_enrol.html", context)


def _enrolment_device(request: HttpRequest, user: User) -> AuthenticatorDevice:
    """This session's unconfirmed authenticator (the same across reloads of the page)."""
    device = AuthenticatorDevice.objects.filter(
        pk=request.session.get(ENROL_DEVICE_KEY) or 0, user=user, confirmed=False
    ).first()
    if device is None:
        device = mfa_enrolment_start(user=user)
        request.session[ENROL_DEVICE_KEY] = device.pk
    return device


@login_required
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "enabled": mfa_enabled(),
        "required": mfa_required(user),
        "applies": mfa_applies(user),
        "authenticator": AuthenticatorDevice.objects.filter(user=user, confirmed=True).first(),
        "codes_left": mfa_recovery_codes_left(user=user),
    }
    return render(request, "accounts/mfa.html", context)


@never_cache
@require_POST
@login_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not AuthenticatorDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:mfa")
    codes = mfa_recovery_codes_renew(user=request.user, request=request)
    return render(
        request,
        "accounts/mfa_recovery_codes.html",
        {"codes": codes, "next_url": "", "enrolled": False},
    )
