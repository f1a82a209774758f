"""Read-only admin pages for system administrators (see core/admin.py)."""

from kaifaqu.core.admin import register_read_only
from kaifaqu.geo.models import Park, Region, Zone

register_read_only(Region, Zone, Park)
