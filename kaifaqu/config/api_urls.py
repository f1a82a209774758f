from rest_framework.routers import DefaultRouter

from kaifaqu.enterprises.api import EnterpriseViewSet, IndustryClassViewSet
from kaifaqu.geo.api import ParkViewSet, RegionViewSet, ZoneViewSet
from kaifaqu.projects.api import ProjectViewSet
from kaifaqu.statistics.api import (
    CandidateViewSet,
    GapViewSet,
    PriceIndexViewSet,
    ProxyFigureViewSet,
    ReturnViewSet,
    ReviewDecisionViewSet,
    TargetViewSet,
)

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("zones", ZoneViewSet, basename="zone")
router.register("parks", ParkViewSet, basename="park")
router.register("industries", IndustryClassViewSet, basename="industry")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("projects", ProjectViewSet, basename="project")
router.register("returns", ReturnViewSet, basename="return")
router.register("review-decisions", ReviewDecisionViewSet, basename="review-decision")
router.register("proxy-figures", ProxyFigureViewSet, basename="proxy-figure")
router.register("gaps", GapViewSet, basename="gap")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("price-indexes", PriceIndexViewSet, basename="price-index")
router.register("targets", TargetViewSet, basename="target")

app_name = "api"
urlpatterns = router.urls
