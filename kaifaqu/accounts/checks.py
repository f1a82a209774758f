"""Start-up checks of the audit trail's settings."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

# 网络安全法 §21: network logs are kept for no less than six months.
MINIMUM_RETENTION_DAYS = 183


@register()
def audit_retention_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    days = getattr(settings, "KFQ_AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)
    if int(days) < MINIMUM_RETENTION_DAYS:
        return [
            Error(
                f"KFQ_AUDIT_RETENTION_DAYS is {days}: the audit trail must be kept at least "
                f"{MINIMUM_RETENTION_DAYS} days (six months, 网络安全法 §21).",
                id="kaifaqu.E101",
            )
        ]
    return []
