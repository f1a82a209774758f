"""Targets and their progress, warnings (预警) and rankings of zones, read from the stored
indicator table (IndicatorCell), the targets and the entered zone figures.

- `target_progress(user=, zone=, month=)`: completion, time-elapsed pace, gap, projection;
- `warnings(user=, month=, zone=None)`: behind pace, negative growth, stopped reporting;
- `zone_ranking(user=, month=, indicator=, by=)`: zones by 1–N月 value and by growth.
Figures of suppressed cells (保密) are masked for users outside the statistics office.
"""

from kaifaqu.indicators.selectors import sees_everything
from kaifaqu.indicators.selectors.targets.cells import latest_month
from kaifaqu.indicators.selectors.targets.progress import (
    PlanProgress,
    Progress,
    ZoneProgress,
    pace_pct,
    target_progress,
)
from kaifaqu.indicators.selectors.targets.rankings import (
    BY_GROWTH,
    BY_VALUE,
    RANKABLE,
    Ranking,
    RankRow,
    zone_ranking,
)
from kaifaqu.indicators.selectors.targets.warning_list import (
    BEHIND_PACE_PP,
    IndicatorWarning,
    WarningKind,
    warnings,
)

__all__ = [
    "BEHIND_PACE_PP",
    "BY_GROWTH",
    "BY_VALUE",
    "RANKABLE",
    "IndicatorWarning",
    "PlanProgress",
    "Progress",
    "RankRow",
    "Ranking",
    "WarningKind",
    "ZoneProgress",
    "latest_month",
    "pace_pct",
    "sees_everything",
    "target_progress",
    "warnings",
    "zone_ranking",
]
