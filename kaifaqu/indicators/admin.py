"""Read-only admin pages for system administrators (see core/admin.py)."""

from kaifaqu.core.admin import register_read_only
from kaifaqu.indicators.models import (
    IndicatorCell,
    PriceIndex,
    ReportedFigure,
    Target,
    ValueAddedRate,
)

register_read_only(ReportedFigure, PriceIndex, Target, ValueAddedRate, IndicatorCell)
