"""Start-up checks of the second factor's settings."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

from kaifaqu.core.permissions import Role


@register()
def mfa_roles_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    unknown = sorted(set(settings.KFQ_MFA_REQUIRED_ROLES) - set(Role.values))
    if unknown:
        return [
            Error(
                f"KFQ_MFA_REQUIRED_ROLES names roles that do not exist: {', '.join(unknown)}",
                hint=f"Roles: {', '.join(Role.values)}",
                id="kaifaqu.E111",
            )
        ]
    return []


@register(deploy=True)
def mfa_enabled_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if not settings.KFQ_MFA_ENABLED:
        return [
            Warning(
                "KFQ_MFA_ENABLED is off: administrators sign in with a password only "
                "(等保 2.0 level 3 asks for two factors).",
                id="kaifaqu.W111",
            )
        ]
    return []
