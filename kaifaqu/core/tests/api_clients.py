"""API clients for tests: one per persona, authenticated by its token as a script would be."""

from rest_framework.test import APIClient

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_token


def token_client(
    user: User, *, language: str = "en", remote_addr: str = "10.20.30.40"
) -> APIClient:
    """A client sending `Authorization: Token …` (and English, unless told otherwise)."""
    client = APIClient(REMOTE_ADDR=remote_addr)
    headers = {"HTTP_AUTHORIZATION": f"Token {user_token(user=user)}"}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client
