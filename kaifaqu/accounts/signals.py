"""Logins, failed logins and logouts go to the access log (audit is the one signal we use)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kaifaqu.accounts.models import AccessEventKind, User
from kaifaqu.accounts.services import access_event_record


@receiver(user_logged_in, dispatch_uid="kfq_access_login")
def _log_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    access_event_record(kind=AccessEventKind.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="kfq_access_logout")
def _log_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        access_event_record(kind=AccessEventKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="kfq_access_login_failed")
def _log_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    access_event_record(
        kind=AccessEventKind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", "")),
        # What failed, when it was not the password: a lock (identity/lockout.py) or the second
        # factor's code (mfa/views.py).
        detail=(
            "refused: sign-in locked"
            if _refused_by_lockout(request)
            else str(credentials.get("kfq_detail", ""))
        ),
    )


def _refused_by_lockout(request: Any) -> bool:
    # django-axes refused it before the password was looked at (identity/lockout.py); a failure
    # it counted has its count set, whether axes' receiver ran before this one or not.
    return bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is None
    )
