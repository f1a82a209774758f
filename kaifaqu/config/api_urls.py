from rest_framework.routers import DefaultRouter

from kaifaqu.accounts.administration.api import AccountViewSet
from kaifaqu.enterprises.api import EnterpriseViewSet, IndustryClassViewSet
from kaifaqu.enterprises.api.rosters import RosterEntryViewSet
from kaifaqu.geo.api import ParkViewSet, RegionViewSet, ZoneViewSet
from kaifaqu.indicators.api import PriceIndexViewSet, TargetViewSet, ValueAddedRateViewSet
from kaifaqu.indicators.api.contributions import IndicatorContributionsViewSet
from kaifaqu.indicators.api.publication import PublicationViewSet
from kaifaqu.indicators.api.table import (
    IndicatorCatalogueViewSet,
    IndicatorTableViewSet,
)
from kaifaqu.indicators.api.targets import (
    TargetProgressViewSet,
    WarningViewSet,
    ZoneRankingViewSet,
)
from kaifaqu.projects.api.fai import FaiRegistrationViewSet, FaiTotalsViewSet
from kaifaqu.projects.api.leads import FollowUpViewSet, LeadFunnelViewSet, LeadViewSet
from kaifaqu.projects.api.projects import ProjectCycleViewSet, ProjectViewSet
from kaifaqu.projects.api.rounds import RoundViewSet
from kaifaqu.projects.api.taskforces import (
    DocumentViewSet,
    IssueViewSet,
    ProjectTimelineViewSet,
    ServiceVisitViewSet,
    TaskForceViewSet,
)
from kaifaqu.projects.api.warnings import ProjectWarningViewSet
from kaifaqu.returns.api import (
    CandidateViewSet,
    GapViewSet,
    NonResponseViewSet,
    ProxyFigureViewSet,
    ReminderViewSet,
    ReportingMonthViewSet,
    ReturnViewSet,
    ReviewDecisionViewSet,
)

router = DefaultRouter()
# 三员分立: accounts, for the system, security and audit administrators.
router.register("users", AccountViewSet, basename="user")
router.register("regions", RegionViewSet, basename="region")
router.register("zones", ZoneViewSet, basename="zone")
router.register("parks", ParkViewSet, basename="park")
router.register("industries", IndustryClassViewSet, basename="industry")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
# The statistical rosters (名录): list, add, exit, carry forward, import.
router.register("roster-entries", RosterEntryViewSet, basename="roster-entry")
router.register("projects", ProjectViewSet, basename="project")
router.register("project-cycles", ProjectCycleViewSet, basename="project-cycle")
router.register("project-warnings", ProjectWarningViewSet, basename="project-warning")
router.register("project-rounds", RoundViewSet, basename="project-round")
# The fixed-asset investment database: registrations with their monthly reports, zone totals.
router.register("fai-registrations", FaiRegistrationViewSet, basename="fai-registration")
router.register("fai-totals", FaiTotalsViewSet, basename="fai-totals")
router.register("project-leads", LeadViewSet, basename="project-lead")
router.register("project-lead-follow-ups", FollowUpViewSet, basename="project-lead-follow-up")
router.register("project-lead-funnel", LeadFunnelViewSet, basename="project-lead-funnel")
# 专班陪跑: task forces, service visits, the issue lists, documents, and a project's timeline.
router.register("task-forces", TaskForceViewSet, basename="task-force")
router.register("project-visits", ServiceVisitViewSet, basename="project-visit")
router.register("project-issues", IssueViewSet, basename="project-issue")
router.register("project-documents", DocumentViewSet, basename="project-document")
router.register("project-timelines", ProjectTimelineViewSet, basename="project-timeline")
router.register("returns", ReturnViewSet, basename="return")
router.register("review-decisions", ReviewDecisionViewSet, basename="review-decision")
router.register("proxy-figures", ProxyFigureViewSet, basename="proxy-figure")
router.register("gaps", GapViewSet, basename="gap")
router.register("candidates", CandidateViewSet, basename="candidate")
# The reporting month (报告期): months with their progress, 未报 records, reminders; publication.
router.register("reporting-months", ReportingMonthViewSet, basename="reporting-month")
router.register("non-responses", NonResponseViewSet, basename="non-response")
router.register("reminders", ReminderViewSet, basename="reminder")
router.register("publications", PublicationViewSet, basename="publication")
router.register("price-indexes", PriceIndexViewSet, basename="price-index")
router.register("value-added-rates", ValueAddedRateViewSet, basename="value-added-rate")
router.register("targets", TargetViewSet, basename="target")
# The indicator table of a slice and month (masked as on the page), and the catalogue.
router.register("indicator-table", IndicatorTableViewSet, basename="indicator-table")
router.register("indicator-catalogue", IndicatorCatalogueViewSet, basename="indicator-catalogue")
router.register(
    "indicator-contributions",
    IndicatorContributionsViewSet,
    basename="indicator-contributions",
)
# Target progress, warnings and rankings of zones: computed, read-only, masked as on the pages.
router.register("target-progress", TargetProgressViewSet, basename="target-progress")
router.register("warnings", WarningViewSet, basename="warning")
router.register("zone-rankings", ZoneRankingViewSet, basename="zone-ranking")

app_name = "api"
urlpatterns = router.urls
