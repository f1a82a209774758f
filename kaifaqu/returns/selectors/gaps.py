"""Reads of the 应统尽统 gap list."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import roles_that_may
from kaifaqu.geo.models import Zone
from kaifaqu.returns.models import Gap


def gap_list(*, user: User | AnonymousUser) -> QuerySet[Gap]:
    """Gaps the user can see, with what a row shows joined in."""
    return Gap.objects.for_user(user).select_related(
        "enterprise__park", "enterprise__zone", "assigned_to", "closed_by"
    )


def gap_assignees(*, zone: Zone) -> QuerySet[User]:
    """The people of a zone who may follow up its gaps."""
    roles = roles_that_may("returns.gap.change")
    return User.objects.filter(is_active=True, role__in=roles, scope_zone=zone).order_by("username")
