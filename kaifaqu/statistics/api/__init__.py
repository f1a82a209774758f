"""The statistics REST API, one module per area; config/api_urls.py registers these viewsets."""

from kaifaqu.statistics.api.followup import CandidateViewSet, GapViewSet
from kaifaqu.statistics.api.indicators import PriceIndexViewSet, TargetViewSet
from kaifaqu.statistics.api.proxies import ProxyFigureViewSet
from kaifaqu.statistics.api.returns import ReturnViewSet, ReviewDecisionViewSet

__all__ = [
    "CandidateViewSet",
    "GapViewSet",
    "PriceIndexViewSet",
    "ProxyFigureViewSet",
    "ReturnViewSet",
    "ReviewDecisionViewSet",
    "TargetViewSet",
]
