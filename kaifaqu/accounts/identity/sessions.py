"""Ending a user's sessions, and the times a session keeps to be ended when idle or too old."""

import time
from typing import Any

from django.conf import settings

from kaifaqu.accounts.identity.models import UserSession

# Seconds since the epoch, kept in the session itself: when it signed in and was last used.
SIGNED_IN_AT = "kfq_signed_in_at"
SEEN_AT = "kfq_seen_at"
# The last-use time is written at most this often, so a busy user's session is not saved on
# every request; the idle limit is exact to within it.
SEEN_RESOLUTION_SECONDS = 60


def sessions_end(user: Any, *, keep: str | None = None) -> int:
    """Delete every session of `user` (except the one whose key is `keep`): they are signed out
    at their next request. Returns how many ended. One indexed DELETE (UserSession.user)."""
    sessions = UserSession.objects.filter(user_id=user.pk)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    count, _ = sessions.delete()
    return count


def session_start(session: Any, now: int | None = None) -> None:
    now = int(time.time()) if now is None else now
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def session_expiry(session: Any, now: int) -> str:
    """Why the session must end now: "idle", "lifetime", or "" while it may go on."""
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        # A session signed in before these limits existed: its clock starts now.
        session_start(session, now)
        return ""
    if now - signed_in_at > settings.KFQ_SESSION_MAX_HOURS * 3600:
        return "lifetime"
    if now - seen_at > settings.KFQ_SESSION_IDLE_MINUTES * 60:
        return "idle"
    if now - seen_at >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now
    return ""
