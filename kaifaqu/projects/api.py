from kaifaqu.geo.api import RegionViewSet as ProjectViewSet

__all__ = ["ProjectViewSet"]
