"""Reads for the three administrators (三员分立): the accounts, the access log, the change history."""

from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import AccessEvent, User
from kaifaqu.core.permissions import user_may


def may_read_access_log(user: User) -> bool:
    return user_may(user, "accounts.read_access_log")


def access_event_list(*, user: User) -> QuerySet[AccessEvent]:
    """The whole access log, newest first; anyone else is refused (and the refusal is logged)."""
    if not may_read_access_log(user):
        raise PermissionDenied(_("Only the audit administrator may read the access log."))
    return AccessEvent.objects.select_related("user").order_by("-at", "-pk")


def account_list(*, user: User) -> QuerySet[User]:
    """Every account with its role and scope, for the three administrators (no business data:
    a scope is named, nothing of it is shown)."""
    if not user_may(user, "accounts.see_users"):
        raise PermissionDenied(
            _("Only the system, security and audit administrators see accounts.")
        )
    return User.objects.select_related(
        "scope_region", "scope_zone", "scope_park", "scope_enterprise"
    ).order_by("username")


def account_get(*, user: User, pk: int) -> User | None:
    return account_list(user=user).filter(pk=pk).first()


def scope_model(field: str) -> type[Model]:
    """The model behind one of User's scope fields (a region, zone, park or enterprise).

    accounts sits beside geo and below enterprises (DESIGN.md §3), so it names them through its
    own foreign keys rather than importing them.
    """
    model: type[Model] = User._meta.get_field(field).related_model  # type: ignore[assignment]
    return model


def scope_choices(field: str) -> QuerySet[Any]:
    """What a scope field may point at, by name: regions and zones by code, parks by zone."""
    model = scope_model(field)
    ordering = {
        "scope_region": ["code"],
        "scope_zone": ["region__code", "name"],
        "scope_park": ["zone__name", "name"],
    }.get(field, ["pk"])
    queryset: QuerySet[Any] = model._default_manager.order_by(*ordering)
    if field == "scope_park":
        queryset = queryset.select_related("zone")
    return queryset


def change_history(*, user: User) -> QuerySet[LogEntry]:
    """Every data change the platform recorded (django-auditlog), newest first: the audit
    administrator's to read, whatever scope the changed record lies in."""
    if not user_may(user, "accounts.read_change_history"):
        raise PermissionDenied(_("Only the audit administrator reads the history of data changes."))
    entries: QuerySet[LogEntry] = LogEntry.objects.select_related("actor", "content_type")
    return entries.order_by("-timestamp", "-pk")
