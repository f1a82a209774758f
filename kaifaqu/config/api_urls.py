from rest_framework.routers import DefaultRouter

from kaifaqu.enterprises.api import EnterpriseViewSet, IndustryClassViewSet
from kaifaqu.geo.api import ParkViewSet, RegionViewSet, ZoneViewSet
from kaifaqu.projects.api import ProjectViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("zones", ZoneViewSet, basename="zone")
router.register("parks", ParkViewSet, basename="park")
router.register("industries", IndustryClassViewSet, basename="industry")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("projects", ProjectViewSet, basename="project")

app_name = "api"
urlpatterns = router.urls
