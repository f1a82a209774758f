"""Project pages: the registry (list, details with the stage history and the form that moves a
project on, edit, history, export) the pipeline board (看板), the cycle times (周期) and the
"三个一批" rounds; 专班陪跑 (task force and visits, issue list, documents) and the overdue issues."""

from kaifaqu.projects.views.board import ProjectBoardView
from kaifaqu.projects.views.cycles import CycleTimesView
from kaifaqu.projects.views.documents import (
    DocumentDownloadView,
    DocumentRemoveView,
    DocumentsPageView,
    DocumentUploadView,
)
from kaifaqu.projects.views.issues import (
    IssueRaiseView,
    IssuesPageView,
    IssueStatusView,
    OverdueIssuesView,
)
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

__all__ = [
    "PROJECTS",
    "RELATED_COLUMNS",
    "ROUNDS",
    "CycleTimesView",
    "DocumentDownloadView",
    "DocumentRemoveView",
    "DocumentUploadView",
    "DocumentsPageView",
    "IssueRaiseView",
    "IssueStatusView",
    "IssuesPageView",
    "OverdueIssuesView",
    "ProjectAdvanceView",
    "ProjectBoardView",
    "ProjectCreateView",
    "ProjectDetailView",
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
]
