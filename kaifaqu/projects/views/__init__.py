"""Project pages: the registry (list, details with the stage history and the form that moves a
project on, edit, history, export), the ledger import, the pipeline board (看板), the cycle times
(周期), the "三个一批" rounds, the fixed-asset investment database (固定资产投资入库), the leads
(招商线索) and their funnel, 专班陪跑 (task force and visits, issue list, documents) and the overdue
issues."""

from kaifaqu.projects.views.board import ProjectBoardView
from kaifaqu.projects.views.cycles import CycleTimesView
from kaifaqu.projects.views.documents import (
    DocumentDownloadView,
    DocumentRemoveView,
    DocumentsPageView,
    DocumentUploadView,
)
from kaifaqu.projects.views.fai import (
    FaiDetailView,
    FaiEligibleView,
    FaiListExportView,
    FaiListView,
    FaiMonthView,
    FaiTotalsView,
)
from kaifaqu.projects.views.issues import (
    IssueRaiseView,
    IssuesPageView,
    IssueStatusView,
    OverdueIssuesExportView,
    OverdueIssuesView,
)
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
from kaifaqu.projects.views.taskforces import (
    TaskForceAssignView,
    TaskForceDissolveView,
    TaskForcePageView,
    VisitRecordView,
)
from kaifaqu.projects.views.warnings import ProjectWarningsExportView, ProjectWarningsView

__all__ = [
    "LEADS",
    "PROJECTS",
    "RELATED_COLUMNS",
    "ROUNDS",
    "CycleTimesView",
    "DocumentDownloadView",
    "DocumentRemoveView",
    "DocumentUploadView",
    "DocumentsPageView",
    "FaiDetailView",
    "FaiEligibleView",
    "FaiListExportView",
    "FaiListView",
    "FaiMonthView",
    "FaiTotalsView",
    "IssueRaiseView",
    "IssueStatusView",
    "IssuesPageView",
    "LeadFunnelView",
    "OverdueIssuesExportView",
    "OverdueIssuesView",
    "ProjectAdvanceView",
    "ProjectBoardView",
    "ProjectCreateView",
    "ProjectDetailView",
    "ProjectWarningsExportView",
    "ProjectWarningsView",
    "RoundCompareView",
    "RoundEntryAddView",
    "RoundEntryRemoveView",
    "RoundStatusView",
    "RoundSummaryExportView",
    "StageChangeCorrectView",
    "TaskForceAssignView",
    "TaskForceDissolveView",
    "TaskForcePageView",
    "VisitRecordView",
    "lead_urls",
]
