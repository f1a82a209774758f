"""Who sees which rows (scoping.py: `for_user`) and who may do what (policy.py: the one table of
role × action, `user_may`); roles and scopes in roles.py."""

from kaifaqu.core.permissions.policy import (
    POLICY,
    can_create,
    can_write,
    ensure_can_write,
    ensure_may,
    model_label,
    roles_that_may,
    user_may,
)
from kaifaqu.core.permissions.roles import (
    SCOPE_OF_ROLE,
    AskingUser,
    HasRole,
    Role,
    Scope,
    ScopedUser,
    ScopeLevel,
)
from kaifaqu.core.permissions.scoping import ScopedQuerySet, visible_for_request

__all__ = [
    "POLICY",
    "SCOPE_OF_ROLE",
    "AskingUser",
    "HasRole",
    "Role",
    "Scope",
    "ScopeLevel",
    "ScopedQuerySet",
    "ScopedUser",
    "can_create",
    "can_write",
    "ensure_can_write",
    "ensure_may",
    "model_label",
    "roles_that_may",
    "user_may",
    "visible_for_request",
]
