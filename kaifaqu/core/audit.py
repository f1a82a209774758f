"""Change history (django-auditlog) and the actor of writes made outside a browser session."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.context import auditlog_value, set_extra_data
from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from auditlog.models import LogEntry
from django.db import models

from kaifaqu.core.client_address import client_ip
from kaifaqu.core.hooks import on_access, on_export
from kaifaqu.core.permissions import ScopedUser


class AuditlogMiddleware(_AuditlogMiddleware):  # type: ignore[misc]  # auditlog: untyped
    """django-auditlog's middleware, recording the address a trusted proxy vouches for.

    Its own reads the first X-Forwarded-For entry, which the client writes itself.
    """

    @staticmethod
    def _get_remote_addr(request: Any) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: Any) -> int | None:
        # X-Forwarded-Port is as forgeable as X-Forwarded-For; the peer's port means nothing here.
        return None


def export_record(*, request: Any, detail: str) -> None:
    """Record an export (what, how many rows, the query that chose them) in the access log."""
    if not on_export.receivers:
        # An export that nobody records would break the 等保 audit duty silently.
        raise RuntimeError("no receiver of on_export (accounts app not installed?)")
    on_export.fire(request=request, detail=detail)


def access_record(*, request: Any, kind: str, detail: str = "") -> None:
    """Record a refusal, a read of respondent figures or a download in the access log."""
    if not on_access.receivers:
        raise RuntimeError("no receiver of on_access (accounts app not installed?)")
    on_access.fire(request=request, kind=kind, detail=detail)


@contextmanager
def acting_as(user: ScopedUser | None) -> Iterator[None]:
    """Attribute log entries written inside the block to `user`.

    AuditlogMiddleware knows the session user, but token-authenticated API calls are authenticated
    later, inside the view; services wrap their writes in this so the actor is always recorded,
    keeping the request's address and id.
    """
    outer: dict[str, Any] | None = auditlog_value.get(None)
    if user is None:
        yield
        return
    # Always open a context of our own: the value left by an earlier request may be stale (its
    # receiver disconnected) even when it names the same user.
    context = {
        "actor": user,
        "remote_addr": outer.get("remote_addr") if outer else None,
        "remote_port": outer.get("remote_port") if outer else None,
    }
    try:
        with set_extra_data(context_data=context):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def history_for(instance: models.Model) -> models.QuerySet[LogEntry]:
    entries: models.QuerySet[LogEntry] = LogEntry.objects.get_for_object(
        instance
    )  # auditlog: untyped
    return entries.select_related("actor").order_by("-timestamp")
