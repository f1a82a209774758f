"""Writes for users and the access log."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from kaifaqu.accounts.models import AccessEvent, AccessEventKind, User
from kaifaqu.core.client_address import client_ip
from kaifaqu.core.middleware import REQUEST_ID_META


def access_event_record(
    *,
    kind: AccessEventKind,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    detail: str = "",
) -> AccessEvent:
    return AccessEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        path=(request.get_full_path() if request else "")[:300],
        request_id=(request.META.get(REQUEST_ID_META, "") if request else "")[:64],
        detail=detail[:300],
    )


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    scope_region: Any = None,
    scope_zone: Any = None,
    scope_park: Any = None,
    scope_enterprise: Any = None,
    full_name: str = "",
    email: str = "",
) -> User:
    user = User(
        username=username,
        role=role,
        scope_region=scope_region,
        scope_zone=scope_zone,
        scope_park=scope_park,
        scope_enterprise=scope_enterprise,
        first_name=full_name,
        email=email,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def export_access_record(*, request: HttpRequest, detail: str) -> None:
    """The access log's entry for an export (the receiver of core.hooks.on_export)."""
    user = getattr(request, "user", None)
    access_event_record(
        kind=AccessEventKind.EXPORT,
        request=request,
        user=user if isinstance(user, User) else None,
        detail=detail,
    )


def access_hook_record(*, request: HttpRequest, kind: str, detail: str = "") -> None:
    """The access log's entry for core.hooks.on_access (refusals, figures read, downloads)."""
    user = getattr(request, "user", None)
    access_event_record(
        kind=AccessEventKind(kind),
        request=request,
        user=user if isinstance(user, User) and user.is_authenticated else None,
        detail=detail,
    )
