"""Read-only admin pages for system administrators (see core/admin.py)."""

from kaifaqu.core.admin import register_read_only
from kaifaqu.enterprises.models import CategoryThreshold, Enterprise, RosterEntry

register_read_only(Enterprise, RosterEntry, CategoryThreshold)
