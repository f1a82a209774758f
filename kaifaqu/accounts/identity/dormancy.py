"""Dormant accounts (等保 2.0 8.1.4.2 c: 应及时删除或停用多余的、过期的账户).

An active account is dormant when nobody has signed in to it nor used one of its API tokens for
KFQ_DORMANT_DAYS since it was created or last enabled (`User.active_since`). A dormant account
is disabled, as the system administrator would disable it (its sessions end, its tokens are
revoked), with an entry in the access log saying why:

- at its next sign-in, by `DormancyAwareBackend`: the right password of a dormant account does
  not sign in, and the sign-in page says why — so the rule holds even where the daily sweep is
  not scheduled;
- by `kfq user disable-dormant`, daily from cron (docs/operations.md), so that the accounts page
  shows them disabled before anyone tries.

The system administrator enables an account again as any other; enabling restarts its count.
The last active holder of one of the three administrators' roles is never disabled this way.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import AccessEventKind, User
from kaifaqu.accounts.services import access_event_record, account_disable
from kaifaqu.accounts.tokens.models import ApiToken

# Set on the request by the backend when it refused a dormant account: the sign-in form then
# says why instead of "wrong user name or password" (the password was right).
DORMANT_REFUSED = "kfq_dormant_refused"


def dormancy_limit() -> timedelta | None:
    """How long an account may stay unused; None when the rule is off (KFQ_DORMANT_DAYS=0)."""
    days: int = settings.KFQ_DORMANT_DAYS
    return timedelta(days=days) if days > 0 else None


def last_activity(user: User) -> datetime:
    """When the account was last used: signed in to, one of its tokens used, or (if later)
    created or enabled."""
    moments = [user.active_since]
    if user.last_login is not None:
        moments.append(user.last_login)
    token_used = (
        ApiToken.objects.filter(user=user, last_used_at__isnull=False)
        .order_by("-last_used_at")
        .values_list("last_used_at", flat=True)
        .first()
    )
    if token_used is not None:
        moments.append(token_used)
    return max(moments)


def is_dormant(user: User, *, now: datetime | None = None) -> bool:
    """Whether `user` is among `dormant_accounts` (the rule written once, in the query)."""
    return dormant_accounts(now=now).filter(pk=user.pk).exists()


def dormant_accounts(*, now: datetime | None = None) -> QuerySet[User]:
    """The active accounts that are dormant now, by user name."""
    limit = dormancy_limit()
    if limit is None:
        return User.objects.none()
    cutoff = (now or timezone.now()) - limit
    token_used_since = ApiToken.objects.filter(user=OuterRef("pk"), last_used_at__gte=cutoff)
    return (
        User.objects.filter(is_active=True, active_since__lt=cutoff)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
        .exclude(Exists(token_used_since))
        .order_by("username")
    )


@transaction.atomic
def dormant_account_disable(
    user: User, *, now: datetime | None = None, request: HttpRequest | None = None
) -> bool:
    """Disable a dormant account as the system administrator would (sessions ended, tokens
    revoked) and log why. The last active holder of one of the three administrators' roles is
    kept (False): disabling it would leave nobody to enable accounts but the server's operator."""
    since = last_activity(user)
    try:
        account_disable(by=None, user=user)
    except ValidationError:
        return False
    access_event_record(
        kind=AccessEventKind.DORMANT_DISABLED,
        request=request,
        user=user,
        detail=(
            f"unused for {((now or timezone.now()) - since).days} days, "
            f"since {timezone.localtime(since):%Y-%m-%d}"
        ),
    )
    return True


def dormant_accounts_disable(*, now: datetime | None = None) -> list[str]:
    """Disable every dormant account (but a last administrator); returns their user names."""
    return [
        user.get_username()
        for user in dormant_accounts(now=now)
        if dormant_account_disable(user, now=now)
    ]


class DormancyAwareBackend(ModelBackend):
    """Django's ModelBackend, refusing a dormant account even with its right password: the
    account is disabled there and then, and the sign-in page says why."""

    def authenticate(  # type: ignore[override]  # Django's signature is looser
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if (
            user is None
            or not is_dormant(user)
            or not dormant_account_disable(user, request=request)
        ):
            return user
        if request is not None:
            setattr(request, DORMANT_REFUSED, True)
        return None


def dormant_refusal_message() -> str:
    return _(
        "This account was disabled because it was not used for %(days)s days. Ask the system "
        "administrator to enable it again."
    ) % {"days": settings.KFQ_DORMANT_DAYS}
