"""`Authorization: Token kfq_…` for the API: the platform's tokens instead of DRF's authtoken.

Refused, with the reason, when the token is unknown, revoked or expired, or its account is
disabled or locked out (a lock after failed sign-ins stops the account's tokens too). A refusal
of a known token is written to the access log; each use is noted on the token.

No second factor is asked of a token: it is issued by a signed-in session that passed the
second factor (the tokens page) or by an operator on the server (`kfq token`), and it is a
secret of 256 bits of its own, limited in time and revocable.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from kaifaqu.accounts.locking import account_is_locked
from kaifaqu.accounts.models import AccessEventKind, User
from kaifaqu.accounts.services import access_event_record
from kaifaqu.accounts.tokens.models import ApiToken, ApiTokenStatus
from kaifaqu.accounts.tokens.selectors import api_token_by_secret
from kaifaqu.accounts.tokens.services import api_token_record_use
from kaifaqu.core.client_address import client_ip

KEYWORD = "Token"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        token = api_token_by_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user: User = token.user
        refusal = _refusal(token, user)
        if refusal is not None:
            code, message = refusal
            access_event_record(
                kind=AccessEventKind.DENIED,
                request=request._request,
                user=user,
                detail=f"API token {token.display} refused: {code}",
            )
            raise exceptions.AuthenticationFailed(message)
        api_token_record_use(token=token, ip_address=client_ip(request._request))
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


def _refusal(token: ApiToken, user: User) -> tuple[str, Any] | None:
    """Why a known token opens nothing now: a code for the log and a message for the caller."""
    if token.status == ApiTokenStatus.REVOKED:
        return "revoked", _("The token has been revoked.")
    if token.status == ApiTokenStatus.EXPIRED:
        return "expired", _("The token has expired.")
    if not user.is_active:
        return "account disabled", _("The account is disabled.")
    if account_is_locked(user.get_username()):
        return "account locked", _("The account is locked after repeated failed sign-ins.")
    return None


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]
    """How the OpenAPI schema describes the token (as drf-spectacular did DRF's)."""

    target_class = "kaifaqu.accounts.tokens.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An API token with the prefix "Token", e.g. "Token kfq_…"',
        }
