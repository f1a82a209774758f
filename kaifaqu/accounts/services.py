"""Writes for users and the access log."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.identity.sessions import sessions_end
from kaifaqu.accounts.models import AccessEvent, AccessEventKind, User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.client_address import client_ip
from kaifaqu.core.middleware import REQUEST_ID_META
from kaifaqu.core.permissions import SCOPE_OF_ROLE, Role, ScopeLevel, ensure_may
from kaifaqu.core.permissions.policy import THREE_ADMINISTRATORS

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone


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


# Accounts (三员分立): the system administrator creates, disables, enables and resets them; the
# security administrator assigns roles and scopes. Each write names who made it (`by`; None for
# the platform's operator at the command line, who bootstraps the first administrators) and is
# in the audit trail (User is registered with auditlog, its password excluded).

ONE_TIME_PASSWORD_BYTES = 12


def _one_time_password() -> str:
    # 16 characters of letters, digits, '-' and '_': above every policy's length, never guessed.
    return secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)


def _ensure_not_self(by: User | None, user: User, message: str) -> None:
    if by is not None and by.pk == user.pk:
        raise PermissionDenied(message)


def _ensure_not_last_administrator(user: User, *, new_role: str | None = None) -> None:
    """Each of the three administrators' roles keeps an active holder: without one, nobody could
    create accounts, assign roles or read the audit trail again but the server's operator."""
    if user.role not in THREE_ADMINISTRATORS or new_role == user.role:
        return
    others = User.objects.filter(role=user.role, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise ValidationError(
            _("%(user)s is the only active %(role)s; another must be appointed first.")
            % {"user": user.get_username(), "role": Role(user.role).label}
        )


@transaction.atomic
def account_create(
    *,
    by: User | None,
    username: str,
    full_name: str = "",
    email: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """A new account without a role (the security administrator gives it one) and the one-time
    password to hand to its holder, who must change it at first sign-in."""
    if by is not None:
        ensure_may(by, "accounts.user.add", _("Only the system administrator creates accounts."))
    from kaifaqu.accounts.identity.services import password_set

    secret = password or _one_time_password()
    user = User(username=username, first_name=full_name, email=email, role="")
    user.set_unusable_password()
    user.full_clean()
    with acting_as(by):
        user.save()
    # Made by the platform, not chosen: the policy applies to the one its holder chooses.
    password_set(user, secret, by=by, require_change=True, validate=False)
    return user, secret


@transaction.atomic
def account_disable(*, by: User | None, user: User) -> User:
    """Disable an account: it can no longer sign in, its sessions end and its tokens stop."""
    if by is not None:
        ensure_may(
            by, "accounts.user.disable", _("Only the system administrator disables accounts.")
        )
    _ensure_not_self(by, user, _("You cannot disable your own account."))
    if not user.is_active:
        return user
    _ensure_not_last_administrator(user)
    user.is_active = False
    with acting_as(by):
        user.save(update_fields=["is_active"])
    sessions_end(user)
    # Refused already as an inactive user's; revoked too, so that enabling the account again
    # does not bring old tokens back to life.
    from kaifaqu.accounts.tokens.services import api_tokens_revoke_all

    api_tokens_revoke_all(user=user, by=by)
    return user


@transaction.atomic
def account_enable(*, by: User | None, user: User) -> User:
    if by is not None:
        ensure_may(
            by, "accounts.user.disable", _("Only the system administrator enables accounts.")
        )
    if user.is_active:
        return user
    user.is_active = True
    # Its dormancy is counted again from now (accounts/identity/dormancy.py).
    user.active_since = timezone.now()
    with acting_as(by):
        user.save(update_fields=["is_active", "active_since"])
    return user


@transaction.atomic
def account_password_reset(*, by: User | None, user: User) -> str:
    """A new one-time password for a holder who lost theirs: the old one stops working, every
    session of the account ends, and the holder must choose a new one at the next sign-in."""
    if by is not None:
        ensure_may(
            by,
            "accounts.user.reset_credentials",
            _("Only the system administrator resets passwords."),
        )
    _ensure_not_self(by, user, _("Change your own password on your account page."))
    from kaifaqu.accounts.identity.services import password_set

    secret = _one_time_password()
    # Every session of the account ends with it; the holder must choose a new one at once.
    password_set(user, secret, by=by, require_change=True, validate=False)
    return secret


@transaction.atomic
def account_second_factor_reset(
    *, by: User | None, user: User, request: HttpRequest | None = None
) -> int:
    """Remove the account's second-factor devices (a lost phone): its holder enrols again at the
    next sign-in. Returns how many devices were removed."""
    if by is not None:
        ensure_may(
            by,
            "accounts.user.reset_credentials",
            _("Only the system administrator resets a second factor."),
        )
    _ensure_not_self(by, user, _("Set up your own second factor on its page."))
    from kaifaqu.accounts.mfa.services import mfa_reset

    return mfa_reset(user=user, by=by, request=request)


@transaction.atomic
def account_role_assign(
    *,
    by: User | None,
    user: User,
    role: str,
    scope_region: Region | None = None,
    scope_zone: Zone | None = None,
    scope_park: Park | None = None,
    scope_enterprise: Enterprise | None = None,
) -> User:
    """Give an account its role and the scope it works in (one role per person); the scope must
    be the one the role works in (the model's constraint says which)."""
    if by is not None:
        ensure_may(
            by,
            "accounts.user.assign_role",
            _("Only the security administrator assigns roles and scopes."),
        )
    _ensure_not_self(by, user, _("You cannot change your own role or scope."))
    if role not in Role.values and role != "":
        raise ValidationError({"role": _("No such role.")})
    _ensure_not_last_administrator(user, new_role=role)
    level = SCOPE_OF_ROLE.get(role, ScopeLevel.NONE)
    user.role = role
    user.scope_region = scope_region if level == ScopeLevel.REGION else None
    user.scope_zone = scope_zone if level == ScopeLevel.ZONE else None
    user.scope_park = scope_park if level == ScopeLevel.PARK else None
    user.scope_enterprise = scope_enterprise if level == ScopeLevel.ENTERPRISE else None
    missing: tuple[str, str] | None = {
        ScopeLevel.REGION: ("scope_region", _("Choose the province or city this role works in.")),
        ScopeLevel.ZONE: ("scope_zone", _("Choose the zone this role works in.")),
        ScopeLevel.PARK: ("scope_park", _("Choose the park this role works in.")),
        ScopeLevel.ENTERPRISE: (
            "scope_enterprise",
            _("Choose the enterprise this role works for."),
        ),
    }.get(ScopeLevel(level))
    if missing is not None and getattr(user, missing[0]) is None:
        raise ValidationError({missing[0]: missing[1]})
    user.full_clean()
    with acting_as(by):
        user.save(
            update_fields=["role", "scope_region", "scope_zone", "scope_park", "scope_enterprise"]
        )
    # What the account may do changed: its sessions start again under the new role.
    sessions_end(user)
    user.__dict__.pop("scope", None)
    return user
