"""Statistics: figures published elsewhere, monthly returns, their review, reporting gaps,
price indexes and targets."""

from kaifaqu.statistics.models.figures import Indicator, ReportedFigure, ReportedFigureQuerySet
from kaifaqu.statistics.models.gaps import Gap, GapKind, GapStatus
from kaifaqu.statistics.models.imports import ReturnImport
from kaifaqu.statistics.models.indicators import (
    IndicatorCode,
    PriceIndex,
    PriceIndexQuerySet,
    Target,
    TargetKind,
    TargetQuerySet,
    indicator_unit,
    industrial_divisions,
)
from kaifaqu.statistics.models.ledger import ReturnLedger
from kaifaqu.statistics.models.proxies import ProxyFigure, ProxyKind
from kaifaqu.statistics.models.rates import ValueAddedRate
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
from kaifaqu.statistics.models.rollups import ZONE_KINDS, IndicatorCell, SliceKind

__all__ = [
    "MONTHLY_FIELDS",
    "ZONE_KINDS",
    "Gap",
    "GapKind",
    "GapStatus",
    "Indicator",
    "IndicatorCell",
    "IndicatorCode",
    "PriceIndex",
    "PriceIndexQuerySet",
    "ProxyFigure",
    "ProxyKind",
    "ReportedFigure",
    "ReportedFigureQuerySet",
    "Return",
    "ReturnImport",
    "ReturnLedger",
    "ReturnQuerySet",
    "ReturnSource",
    "ReturnStatus",
    "ReviewDecision",
    "ReviewDecisionKind",
    "ReviewFinding",
    "Severity",
    "SliceKind",
    "StatisticsSettings",
    "Target",
    "TargetKind",
    "TargetQuerySet",
    "ValueAddedRate",
    "indicator_unit",
    "industrial_divisions",
]
