"""The indicators' REST API; config/api_urls.py registers these viewsets."""

from kaifaqu.indicators.api.inputs import PriceIndexViewSet, TargetViewSet

__all__ = ["PriceIndexViewSet", "TargetViewSet"]
