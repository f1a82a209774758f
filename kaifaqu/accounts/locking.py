"""Whether an account is locked out, for the checks that do not pass a sign-in form: API tokens
and the second factor's step after the password.

The identity work (accounts/identity/) owns the lockout rules and provides
`identity.lockout.account_is_locked`; until it is there, django-axes' own records answer: an
account is locked while any of its attempt records has reached the failure limit within the
cool-off, from whichever address (a lock that stops the account's tokens must not depend on the
address the token is used from).
"""

from importlib import import_module

from django.utils import timezone


def account_is_locked(username: str) -> bool:
    try:
        lockout = import_module("kaifaqu.accounts.identity.lockout")
    except ImportError:
        return _axes_account_is_locked(username)
    return bool(lockout.account_is_locked(username))


def _axes_account_is_locked(username: str) -> bool:
    from axes.conf import settings as axes_settings
    from axes.helpers import get_cool_off, get_failure_limit
    from axes.models import AccessAttempt

    if not axes_settings.AXES_ENABLED or not axes_settings.AXES_LOCK_OUT_AT_FAILURE:
        return False
    limit = get_failure_limit(None, {"username": username})
    attempts = AccessAttempt.objects.filter(username=username, failures_since_start__gte=limit)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.exists()
