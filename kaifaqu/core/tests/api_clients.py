"""API clients for tests: one per persona, authenticated by its token as a script would be."""

from itertools import count

from rest_framework.test import APIClient

from kaifaqu.accounts.models import User
from kaifaqu.accounts.tokens.services import api_token_issue

# Each client its own token (one per purpose): a second client of the same persona must not
# revoke the first one's token.
_clients = count(1)


def token_client(
    user: User, *, language: str = "en", remote_addr: str = "10.20.30.40"
) -> APIClient:
    """A client sending `Authorization: Token …` (and English, unless told otherwise)."""
    client = APIClient(REMOTE_ADDR=remote_addr)
    issued = api_token_issue(user=user, purpose=f"tests {next(_clients)}")
    headers = {"HTTP_AUTHORIZATION": f"Token {issued.secret}"}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client
