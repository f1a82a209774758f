"""Read-only admin pages for system administrators (see core/admin.py)."""

from kaifaqu.accounts.models import AccessEvent
from kaifaqu.core.admin import register_read_only

register_read_only(AccessEvent)
