"""What an endpoint needs, and the statuses that may come back for a persona and a record.

An endpoint's needs are actions of the permission table (policy.POLICY, asked with `user_may`)
and, where a page works on the user's own zone or enterprise, a `Condition` on the user's scope.
The record an address names is `About`: whether a persona sees it is asked of the model's
`for_user` (or of `visible`, for a record scoped through another). Nothing here names a persona:
change POLICY or a `for_user` and the expected statuses follow.

The statuses, for a signed-in persona:
- every need met and the record in scope: success (200, or what the endpoint says);
- a need not met: its refusal (403 for an action, the condition's own for a condition);
- the record outside the scope: 404, as if it did not exist (core/views/registry.py);
- both: either refusal, since a view may ask in either order; but the answer for a record
  outside the scope must then equal the answer for a record that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from kaifaqu.core.permissions import POLICY, user_may
from kaifaqu.geo.models import Zone

# An id no record has (every table of the walk's world is far smaller).
MISSING = 987654321


@dataclass(frozen=True)
class Condition:
    """A need that is a fact about the user's scope, not an action of the table."""

    name: str
    holds: Callable[[Any], bool]
    refusal: int


# Pages over one of the user's zones (`?zone=`): none seen, nothing to show (404).
SEES_A_ZONE = Condition("sees a zone", lambda user: Zone.objects.for_user(user).exists(), 404)
# The statistics office's settings are those of the user's own zone.
OWN_ZONE = Condition("works in one zone", lambda user: user.scope.zone is not None, 403)
# The reporter's own return: the user works for one enterprise.
OWN_ENTERPRISE = Condition(
    "works for one enterprise", lambda user: user.scope.enterprise is not None, 403
)


def _business(user: Any) -> bool:
    return not any(
        user_may(user, a) for a in ("accounts.see_users", "accounts.read_change_history")
    )


# 三员分立: the three administrators see no business data; pages of it (the home page) send
# them on to their own work (accounts, the audit trail).
WORKS_WITH_BUSINESS_DATA = Condition("works with business data", _business, 302)


def _has_parts(user: Any) -> bool:
    from django.http import Http404

    from kaifaqu.indicators.selectors.contributions import BREAKDOWNS
    from kaifaqu.indicators.selectors.slices import default_slice

    try:
        return bool(BREAKDOWNS.get(default_slice(user).kind))
    except Http404:  # no slice at all: nothing of a zone in sight
        return False


# An indicator's contributions break the user's slice into parts (a park has none: 404).
SLICE_HAS_PARTS = Condition("the user's slice has parts", _has_parts, 404)


def any_of(*actions: str) -> Condition:
    """A need met by any of these actions (the months' list: the statistics office's, or the
    provincial office's, which compares its zones' months)."""
    for action in actions:
        if action not in POLICY:
            raise KeyError(f"the walk's map names an action POLICY does not have: {action!r}")
    return Condition(
        " or ".join(actions), lambda user: any(user_may(user, a) for a in actions), 403
    )


Need = str | Condition


@dataclass(frozen=True)
class About:
    """The record an address names: how to find one, how to address it, who sees it."""

    model: type[models.Model]
    # The address's arguments for a record (default: its pk as `pk`).
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    # The argument that names the record: replaced by an id that does not exist.
    key: str = "pk"
    # Which records fit the address (a return with a supporting document…).
    where: Mapping[str, Any] = field(default_factory=dict)
    # Who sees a record, when not the model's own `for_user` (a record scoped by its parent).
    visible: Callable[[Any], models.QuerySet[Any]] | None = None
    # The record is named in the form sent (this field of a POST), not in the address.
    body: str | None = None
    # An id of the address's form that no record has (a region's is six digits).
    missing: Any = MISSING
    # The answer for a record outside the scope: 404, as for one that does not exist; 403 for
    # reference data everyone reads but only some of it is the user's to write (an office
    # writes the regions below its own), whose existence is no secret.
    outside: int = 404

    def refusal(self, label: str) -> int:
        """The status of a target outside the scope (`foreign`; one that does not exist: 404)."""
        return self.outside if label == "foreign" else 404

    def args(self, record: Any) -> dict[str, Any]:
        return self.kwargs(record) if self.kwargs else {"pk": record.pk}

    def seen_by(self, user: Any) -> models.QuerySet[Any]:
        if self.visible is not None:
            return self.visible(user)
        return self.model._default_manager.for_user(user)  # type: ignore[attr-defined,no-any-return]

    def candidates(self) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**self.where).order_by("pk")


def accounts_seen(user: Any) -> models.QuerySet[Any]:
    """Accounts have no scope: the three administrators see every one (accounts.see_users),
    everyone else none (and is refused before any is looked up)."""
    from kaifaqu.accounts.models import User

    return User.objects.all() if user_may(user, "accounts.see_users") else User.objects.none()


def check_needs(needs: tuple[Need, ...]) -> None:
    for need in needs:
        if isinstance(need, str) and need not in POLICY:
            raise KeyError(f"the walk's map names an action POLICY does not have: {need!r}")


def refusals(user: Any, needs: tuple[Need, ...]) -> set[int]:
    """The statuses of the needs this user does not meet (empty: every need is met)."""
    found = set()
    for need in needs:
        if isinstance(need, Condition):
            if not need.holds(user):
                found.add(need.refusal)
        elif not user_may(user, need):
            found.add(403)
    return found


def expected(
    user: Any,
    needs: tuple[Need, ...],
    *,
    in_scope: bool | None,
    success: frozenset[int],
    outside: int = 404,
) -> set[int]:
    """The statuses a signed-in user may get; `in_scope` None: the address names no record."""
    refused = refusals(user, needs)
    if in_scope is False:
        refused.add(outside)
    return refused or set(success)
