"""Writes of API tokens: issue (the secret is returned once), record a use, revoke."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import AccessEventKind, User
from kaifaqu.accounts.services import access_event_record
from kaifaqu.accounts.tokens.models import ApiToken

TOKEN_PREFIX = "kfq_"
# A use is written at most this often per token: the time of last use is for people, and a
# write on every API call would serialise a busy client's requests on the token's row.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, to the user who asked for it; never stored


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def api_token_issue(
    *,
    user: User,
    purpose: str,
    days: int | None = None,
    replace: bool = False,
    request: HttpRequest | None = None,
    via: str = "",
) -> IssuedToken:
    """A new token of `user` for `purpose`, valid `days` (KFQ_API_TOKEN_DAYS by default).

    One token per purpose: an expired one of the same purpose is revoked on the way; a valid one
    is revoked when `replace` (rotation, as `kfq token` does), otherwise the issue is refused.
    """
    purpose = " ".join(purpose.split())
    if not purpose:
        raise ValidationError(_("Say what the token is for."), code="purpose")
    if len(purpose) > ApiToken._meta.get_field("purpose").max_length:  # type: ignore[operator]
        raise ValidationError(_("The purpose is too long."), code="purpose")
    if not user.is_active:
        raise ValidationError(_("The account is disabled."), code="inactive")
    days = settings.KFQ_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.KFQ_API_TOKEN_MAX_DAYS:
        raise ValidationError(
            _("A token is valid for 1 to %(max)s days.") % {"max": settings.KFQ_API_TOKEN_MAX_DAYS},
            code="days",
        )
    now = timezone.now()
    current = list(
        ApiToken.objects.select_for_update().filter(
            user=user, purpose=purpose, revoked_at__isnull=True
        )
    )
    for old in current:
        if old.expires_at > now and not replace:
            raise ValidationError(
                _("There is already a valid token for this purpose: revoke it first."),
                code="purpose_taken",
            )
        _revoke(old, by=None, request=request, now=now, reason="replaced")
    prefix, secret = _new_secret()
    token = ApiToken(
        user=user,
        purpose=purpose,
        prefix=prefix,
        digest=token_digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    access_event_record(
        kind=AccessEventKind.TOKEN,
        request=request,
        user=user,
        detail=f"{token.display} {purpose!r} until {token.expires_at:%Y-%m-%d}"
        + (f" ({via})" if via else ""),
    )
    return IssuedToken(token=token, secret=secret)


def api_token_record_use(*, token: ApiToken, ip_address: str | None) -> None:
    """Note when and from where the token was last used (at most once a minute)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now, last_used_ip=ip_address)


@transaction.atomic
def api_token_revoke(
    *, token: ApiToken, by: User | None = None, request: HttpRequest | None = None
) -> None:
    """End a token now; it stays listed, revoked. Revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        _revoke(token, by=by, request=request, now=timezone.now(), reason="revoked")


@transaction.atomic
def api_tokens_revoke_all(
    *, user: User, by: User | None = None, request: HttpRequest | None = None
) -> int:
    """End every token of `user` (an account disabled, or its tokens presumed leaked)."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        _revoke(token, by=by, request=request, now=now, reason="revoked")
    return len(tokens)


def _revoke(
    token: ApiToken, *, by: User | None, request: HttpRequest | None, now: datetime, reason: str
) -> None:
    token.revoked_at = now
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    access_event_record(
        kind=AccessEventKind.TOKEN_REVOKED,
        request=request,
        user=token.user,
        detail=f"{token.display} {token.purpose!r} {reason}"
        + (f" by {by.get_username()}" if by is not None and by.pk != token.user_id else ""),
    )
