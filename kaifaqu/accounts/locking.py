"""Whether an account is locked out, for the checks that do not pass a sign-in form: API tokens
and the second factor's step after the password.

The identity work (accounts/identity/) owns the lockout rules and provides
`identity.lockout.account_is_locked`; until it is there, django-axes' own records answer: an
account is locked while any of its attempt records has reached the failure limit within the
cool-off, from whichever address (a lock that stops the account's tokens must not depend on the
address the token is used from).
"""

from collections.abc import Callable
from functools import cache
from importlib import import_module

from django.utils import timezone

IDENTITY_LOCKOUT = "kaifaqu.accounts.identity.lockout"


def account_is_locked(username: str) -> bool:
    return _lock_rule()(username)


@cache  # looked up once per process: an API call must not search the file system each time
def _lock_rule() -> Callable[[str], bool]:
    try:
        lockout = import_module(IDENTITY_LOCKOUT)
    except ModuleNotFoundError as missing:
        if missing.name not in {IDENTITY_LOCKOUT, IDENTITY_LOCKOUT.rpartition(".")[0]}:
            raise  # the module is there but broken: say so, never fall back silently
        return _axes_account_is_locked
    rule: Callable[[str], bool] = lockout.account_is_locked
    return rule


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
    return bool(attempts.exists())
