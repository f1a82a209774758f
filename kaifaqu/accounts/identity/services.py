"""Writes of identity: setting a password, requiring its change, disabling an account.

Each records what it did in the access log; the change of the user row itself (when the password
was changed, whether a change is required, whether the account is active; never the hash) is in
the audit trail through django-auditlog's registration of User (accounts/apps.py).
"""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from kaifaqu.accounts.identity.history import history_record
from kaifaqu.accounts.identity.policy import password_policy
from kaifaqu.accounts.identity.sessions import sessions_end
from kaifaqu.accounts.models import AccessEventKind, User
from kaifaqu.accounts.services import access_event_record
from kaifaqu.core.audit import acting_as


@transaction.atomic
def password_set(
    user: User,
    raw: str,
    *,
    by: User | None,
    request: HttpRequest | None = None,
    keep_session: str | None = None,
    require_change: bool = False,
    validate: bool = True,
) -> int:
    """Give `user` the password `raw`, checked against the policy (ValidationError otherwise):
    it goes into the history, its age starts now, and every session of the user ends but
    `keep_session` (the one changing its own password keeps its session: pass its key, then
    call update_session_auth_hash). `require_change`: the user must change it at the next
    request (an administrator's reset). Returns how many sessions ended."""
    if validate:
        validate_password(raw, user)
    with acting_as(by):
        user.set_password(raw)
        user.password_changed_at = timezone.now()
        user.password_change_required = require_change
        user.save(update_fields=["password", "password_changed_at", "password_change_required"])
    history_record(user, raw, keep=password_policy().history)
    ended = sessions_end(user, keep=keep_session)
    own = by is not None and by.pk == user.pk
    access_event_record(
        kind=AccessEventKind.PASSWORD_CHANGED,
        request=request,
        user=user,
        detail=(
            ("by the user" if own else f"set by {by.get_username() if by else 'the system'}")
            + (", change required" if require_change else "")
            + f"; {ended} other session(s) ended"
        ),
    )
    if require_change:
        _change_required_record(user, by=by, request=request, reason="set by another")
    return ended


@transaction.atomic
def password_change_require(
    user: User, *, by: User | None, request: HttpRequest | None = None, reason: str = ""
) -> None:
    """The user must change the password before anything else, from the next request on
    (every page leads to the change page; the API answers 403)."""
    if user.password_change_required:
        return
    with acting_as(by):
        user.password_change_required = True
        user.save(update_fields=["password_change_required"])
    _change_required_record(user, by=by, request=request, reason=reason)


def _change_required_record(
    user: User, *, by: User | None, request: HttpRequest | None, reason: str
) -> None:
    who = by.get_username() if by is not None else "the system"
    access_event_record(
        kind=AccessEventKind.PASSWORD_MUST_CHANGE,
        request=request,
        user=user,
        detail=f"required by {who}" + (f": {reason}" if reason else ""),
    )


def password_expired(user: User, now: Any = None) -> bool:
    """Whether the password is older than the policy's rotation age (never, without one)."""
    max_age = password_policy().max_age
    if max_age is None or user.password_changed_at is None:
        return False
    return (now or timezone.now()) - user.password_changed_at > max_age


@transaction.atomic
def user_active_set(
    user: User, active: bool, *, by: User | None, request: HttpRequest | None = None
) -> int:
    """Enable or disable an account. Disabling ends every session of the user at once (an
    inactive user is refused at sign-in, but an open session would otherwise stay until its next
    request). Returns how many sessions ended."""
    with acting_as(by):
        user.is_active = active
        user.save(update_fields=["is_active"])
    return 0 if active else sessions_end(user)
