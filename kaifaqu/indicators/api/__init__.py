"""The indicators' REST API; config/api_urls.py registers these viewsets."""

from kaifaqu.indicators.api.inputs import PriceIndexViewSet, TargetViewSet
from kaifaqu.indicators.api.rates import ValueAddedRateViewSet

__all__ = ["PriceIndexViewSet", "TargetViewSet", "ValueAddedRateViewSet"]
