"""The intake's REST API, one module per area; config/api_urls.py registers these viewsets."""

from kaifaqu.returns.api.followup import CandidateViewSet, GapViewSet
from kaifaqu.returns.api.months import NonResponseViewSet, ReminderViewSet, ReportingMonthViewSet
from kaifaqu.returns.api.proxies import ProxyFigureViewSet
from kaifaqu.returns.api.returns import ReturnViewSet, ReviewDecisionViewSet

__all__ = [
    "CandidateViewSet",
    "GapViewSet",
    "NonResponseViewSet",
    "ProxyFigureViewSet",
    "ReminderViewSet",
    "ReportingMonthViewSet",
    "ReturnViewSet",
    "ReviewDecisionViewSet",
]
