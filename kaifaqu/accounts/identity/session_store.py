"""The session engine (SESSION_ENGINE): Django's database sessions, each row naming its user."""

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from kaifaqu.accounts.identity.models import UserSession


def _user_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        # Every save writes the row whole, so the user follows the session's data: set at login,
        # gone at logout (which flushes the data), carried over when the key is cycled.
        instance = super().create_model_instance(data)
        assert isinstance(instance, UserSession)
        instance.user_id = _user_id(data.get(SESSION_KEY))
        return instance
