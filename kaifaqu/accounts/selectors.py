"""Reads of the access log, for the system, security and audit administrators only (三员分立)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import AccessEvent, User
from kaifaqu.core.permissions import user_may


def may_read_access_log(user: User) -> bool:
    return user_may(user, "accounts.read_access_log")


def access_event_list(*, user: User) -> QuerySet[AccessEvent]:
    """The whole access log, newest first; anyone else is refused (and the refusal is logged)."""
    if not may_read_access_log(user):
        raise PermissionDenied(
            _("Only the system, security and audit administrators may read the access log.")
        )
    return AccessEvent.objects.select_related("user").order_by("-at", "-pk")
