"""Read-only admin pages for system administrators (see core/admin.py)."""

from kaifaqu.core.admin import register_read_only
from kaifaqu.returns.models import (
    Gap,
    ProxyFigure,
    Return,
    ReturnImport,
    ReturnLedger,
    ReviewDecision,
    ReviewFinding,
    StatisticsSettings,
)

register_read_only(
    Return,
    ReturnLedger,
    ReturnImport,
    ReviewDecision,
    ReviewFinding,
    StatisticsSettings,
    Gap,
    ProxyFigure,
)
