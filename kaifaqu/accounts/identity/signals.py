"""At sign-in: the session's clock starts and an expired password is flagged; when django-axes
locks, the access log says so. Signals because every way of signing in (the form, a second
step, the test client) ends in django.contrib.auth.login, and every lock in axes' handler."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from kaifaqu.accounts.identity.lockout import lockout_reasons
from kaifaqu.accounts.identity.services import password_change_require, password_expired
from kaifaqu.accounts.identity.sessions import session_start
from kaifaqu.accounts.models import AccessEventKind, User
from kaifaqu.accounts.services import access_event_record


@receiver(user_logged_in, dispatch_uid="kfq_identity_login")
def _at_sign_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_start(request.session)
    if password_expired(user):
        password_change_require(
            user, by=None, request=request, reason="the password is older than the policy allows"
        )


@receiver(user_locked_out, dispatch_uid="kfq_identity_locked_out")
def _locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    # Axes also sends this for each attempt refused while the lock lasts; only the failure that
    # sets the lock was counted (axes_failures_since_start): the refusals are failed logins.
    if request is None or getattr(request, "axes_failures_since_start", None) is None:
        return
    reasons = lockout_reasons(request, getattr(request, "axes_credentials", None))
    what = {"username": "account", "ip_address": "address"}
    access_event_record(
        kind=AccessEventKind.LOCKOUT,
        request=request,
        user=User.objects.filter(username=username).first() if username else None,
        username=username or "",
        detail="locked: " + (", ".join(what[r] for r in reasons if r in what) or "limit reached"),
    )
