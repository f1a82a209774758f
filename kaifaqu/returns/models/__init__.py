"""Intake: monthly returns, their review, the return ledger, imports, proxies and reporting gaps."""

from kaifaqu.returns.models.changes import ChangedMonth
from kaifaqu.returns.models.gaps import Gap, GapKind, GapStatus
from kaifaqu.returns.models.imports import ReturnImport
from kaifaqu.returns.models.ledger import ReturnLedger
from kaifaqu.returns.models.months import (
    DEFAULT_TREATMENT,
    MonthTally,
    NonResponse,
    NonResponseReason,
    NonResponseTreatment,
    Reminder,
    ReminderChannel,
    ReportingMonth,
    ReportingMonthStatus,
)
from kaifaqu.returns.models.proxies import ProxyFigure, ProxyKind
from kaifaqu.returns.models.returns import (
    MONTHLY_FIELDS,
    NOT_PLAINLY_ACCEPTED,
    Return,
    ReturnQuerySet,
    ReturnSource,
    ReturnStatus,
)
from kaifaqu.returns.models.review import (
    ExplanationSource,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewFinding,
    Severity,
    StatisticsSettings,
)

__all__ = [
    "DEFAULT_TREATMENT",
    "MONTHLY_FIELDS",
    "NOT_PLAINLY_ACCEPTED",
    "ChangedMonth",
    "ExplanationSource",
    "Gap",
    "GapKind",
    "GapStatus",
    "MonthTally",
    "NonResponse",
    "NonResponseReason",
    "NonResponseTreatment",
    "ProxyFigure",
    "ProxyKind",
    "Reminder",
    "ReminderChannel",
    "ReportingMonth",
    "ReportingMonthStatus",
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
    "StatisticsSettings",
]
