"""The page where users change their own password (from the user menu, or sent by the
middleware when a change is required)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.identity.forms import PasswordChangeForm
from kaifaqu.accounts.identity.policy import password_policy
from kaifaqu.accounts.identity.services import password_expired, password_set


def _next(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(request.POST or None, user=user, request=request)
    if request.method == "POST" and form.is_valid():
        password_set(
            user,
            form.cleaned_data["new_password2"],
            by=user,
            request=request,
            keep_session=request.session.session_key,
            validate=False,  # the form has just done it
        )
        # This session stays signed in (with a new key); every other one has ended.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect(_next(request) or "dashboard:home")
    required = user.password_change_required
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "next": _next(request),
            "required": required,
            "expired": required and password_expired(user),
            "policy": password_policy(),
        },
    )
