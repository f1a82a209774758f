from kaifaqu.geo.api import RegionViewSet as EnterpriseViewSet
from kaifaqu.geo.api import RegionViewSet as IndustryClassViewSet

__all__ = ["EnterpriseViewSet", "IndustryClassViewSet"]
