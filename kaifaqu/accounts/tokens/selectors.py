"""Reads of API tokens."""

from django.db.models import QuerySet

from kaifaqu.accounts.models import User
from kaifaqu.accounts.tokens.models import ApiToken
from kaifaqu.accounts.tokens.services import TOKEN_PREFIX, token_digest


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, ended ones included (they stay listed)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_by_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, with its user; None for anything else."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    return ApiToken.objects.select_related("user").filter(digest=token_digest(secret)).first()
