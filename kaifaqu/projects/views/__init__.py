"""Project pages: the registry (list, details with the stage history and the form that moves a
project on, edit, history, export), the ledger import, the pipeline board (看板), the cycle times
(周期), the "三个一批" rounds, the fixed-asset investment database (固定资产投资入库), the leads
(招商线索) and their funnel."""

from kaifaqu.projects.views.board import ProjectBoardView
from kaifaqu.projects.views.cycles import CycleTimesView
from kaifaqu.projects.views.fai import (
    FaiDetailView,
    FaiEligibleView,
    FaiListView,
    FaiMonthView,
    FaiTotalsView,
)
from kaifaqu.projects.views.imports import ProjectImportTemplateView, ProjectImportView
from kaifaqu.projects.views.leads import LEADS, LeadFunnelView, lead_urls
from kaifaqu.projects.views.registry import (
    PROJECTS,
    RELATED_COLUMNS,
    ProjectAdvanceView,
    ProjectCreateView,
    ProjectDetailView,
    StageChangeCorrectView,
)
from kaifaqu.projects.views.rounds import (
    ROUNDS,
    RoundCompareView,
    RoundEntryAddView,
    RoundEntryRemoveView,
    RoundStatusView,
    RoundSummaryExportView,
)

__all__ = [
    "LEADS",
    "PROJECTS",
    "RELATED_COLUMNS",
    "ROUNDS",
    "CycleTimesView",
    "FaiDetailView",
    "FaiEligibleView",
    "FaiListView",
    "FaiMonthView",
    "FaiTotalsView",
    "LeadFunnelView",
    "ProjectAdvanceView",
    "ProjectBoardView",
    "ProjectCreateView",
    "ProjectDetailView",
    "ProjectImportTemplateView",
    "ProjectImportView",
    "RoundCompareView",
    "RoundEntryAddView",
    "RoundEntryRemoveView",
    "RoundStatusView",
    "RoundSummaryExportView",
    "StageChangeCorrectView",
    "lead_urls",
]
