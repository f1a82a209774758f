"""Statistics: figures published elsewhere, monthly returns, their review, and reporting gaps."""

from kaifaqu.statistics.models.figures import Indicator, ReportedFigure, ReportedFigureQuerySet
from kaifaqu.statistics.models.gaps import Gap, GapKind, GapStatus
from kaifaqu.statistics.models.returns import (
    MONTHLY_FIELDS,
    Return,
    ReturnQuerySet,
    ReturnSource,
    ReturnStatus,
)
from kaifaqu.statistics.models.review import (
    ReviewDecision,
    ReviewDecisionKind,
    ReviewFinding,
    Severity,
    StatisticsSettings,
)

__all__ = [
    "MONTHLY_FIELDS",
    "Gap",
    "GapKind",
    "GapStatus",
    "Indicator",
    "ReportedFigure",
    "ReportedFigureQuerySet",
    "Return",
    "ReturnQuerySet",
    "ReturnSource",
    "ReturnStatus",
    "ReviewDecision",
    "ReviewDecisionKind",
    "ReviewFinding",
    "Severity",
    "StatisticsSettings",
]
