"""Sign-in lockout: django-axes with a limit per account and a limit per address.

Axes counts failures per lockout parameter (AXES_LOCKOUT_PARAMETERS = username, ip_address:
an account across addresses, an address across accounts) but compares them all with one limit.
An office behind one NAT address makes many honest mistakes for each one an account makes, so
the address gets a limit of its own (KFQ_LOGIN_FAILURE_LIMIT_PER_ADDRESS); this handler reports
to axes, for each parameter, "the account limit" once that parameter's own limit is reached and
at most one less before, so axes' comparison with AXES_FAILURE_LIMIT decides for both.

The trade-off of an account lock that counts every address: anyone who knows a user name can
lock that account by failing to sign in as it. Bounded here: failures while locked are refused
without being counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so the lock ends
KFQ_LOGIN_COOLOFF_MINUTES after the failure that set it whatever the attacker keeps sending; a
single address can contribute at most its own limit; and a successful sign-in clears only the
account's failures, never the address's (else one valid login would reset a spraying address).
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone

ACCOUNT, ADDRESS = "username", "ip_address"


def limit_of(parameter: Any, account_limit: int) -> int:
    if parameter == ADDRESS:
        return int(settings.KFQ_LOGIN_FAILURE_LIMIT_PER_ADDRESS)
    return account_limit


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes: untyped
    def failures_by_parameter(
        self, request: Any, credentials: dict[str, Any] | None = None
    ) -> list[tuple[Any, int]]:
        parameters = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        return [(p, _failures(a)) for p, a in zip(parameters, attempts, strict=True)]

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        account_limit = get_failure_limit(request, credentials)
        worst = 0
        for parameter, failures in self.failures_by_parameter(request, credentials):
            if failures >= limit_of(parameter, account_limit):
                return int(account_limit)
            worst = max(worst, min(failures, account_limit - 1))
        return worst

    def locks(self, request: Any, credentials: dict[str, Any] | None = None) -> list[str]:
        """Which limits this request is over: "username" (the account), "ip_address"."""
        account_limit = get_failure_limit(request, credentials)
        return [
            str(parameter)
            for parameter, failures in self.failures_by_parameter(request, credentials)
            if failures >= limit_of(parameter, account_limit)
        ]

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(count)


def lockout_reasons(request: Any, credentials: dict[str, Any] | None = None) -> list[str]:
    handler = AxesProxyHandler.get_implementation()
    if not isinstance(handler, LockoutHandler):
        return []
    AxesProxyHandler.update_request(request)
    return handler.locks(request, credentials)


def account_is_locked(username: str) -> bool:
    """Whether the account has reached its failure limit within the cool-off (from any address).

    For credentials that do not go through the sign-in form (API tokens): a locked account's
    tokens stop working until the lock ends. An address's lock is not the account's.
    """
    if not settings.AXES_ENABLED or not username:
        return False
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(username=username)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return _failures(attempts) >= int(settings.AXES_FAILURE_LIMIT)
