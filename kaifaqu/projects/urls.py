from django.urls import path

from kaifaqu.core.imports.views import ImportTemplateView, ImportView
from kaifaqu.projects import views

app_name = "projects"
urlpatterns = [
    # Before the registry's "<pk>/" pages.
    path("cycle-times/", views.CycleTimesView.as_view(), name="cycle-times"),
    path("board/", views.ProjectBoardView.as_view(), name="board"),
    path("import/", ImportView.as_view(kind="projects"), name="project-import"),
    path(
        "import/template.xlsx",
        ImportTemplateView.as_view(kind="projects"),
        name="project-import-template",
    ),
    path("fai/", views.FaiListView.as_view(), name="fai-list"),
    path("fai/export.xlsx", views.FaiListExportView.as_view(), name="fai-export"),
    path("fai/eligible/", views.FaiEligibleView.as_view(), name="fai-eligible"),
    path("fai/month/", views.FaiMonthView.as_view(), name="fai-month"),
    path("fai/totals/", views.FaiTotalsView.as_view(), name="fai-totals"),
    path("fai/<int:pk>/", views.FaiDetailView.as_view(), name="fai-detail"),
    path("overdue-issues/", views.OverdueIssuesView.as_view(), name="overdue-issues"),
    path(
        "overdue-issues/export.xlsx",
        views.OverdueIssuesExportView.as_view(),
        name="overdue-issues-export",
    ),
    path("warnings/", views.ProjectWarningsView.as_view(), name="warnings"),
    path("warnings/export.xlsx", views.ProjectWarningsExportView.as_view(), name="warnings-export"),
    path("rounds/compare/", views.RoundCompareView.as_view(), name="round-compare"),
    *views.ROUNDS.urls("rounds/"),
    path(
        "rounds/<int:pk>/entries/",
        views.ROUNDS.view(views.RoundEntryAddView),
        name="round-entry-add",
    ),
    path(
        "rounds/<int:pk>/entries/<int:entry>/remove/",
        views.ROUNDS.view(views.RoundEntryRemoveView),
        name="round-entry-remove",
    ),
    path("rounds/<int:pk>/status/", views.ROUNDS.view(views.RoundStatusView), name="round-status"),
    path(
        "rounds/<int:pk>/summary.xlsx",
        views.ROUNDS.view(views.RoundSummaryExportView),
        name="round-summary-export",
    ),
    *views.lead_urls("leads/"),
    *views.PROJECTS.urls(),
    path(
        "<int:pk>/advance/",
        views.PROJECTS.view(views.ProjectAdvanceView),
        name="project-advance",
    ),
    path(
        "<int:pk>/correct-stage-change/",
        views.PROJECTS.view(views.StageChangeCorrectView),
        name="stage-change-correct",
    ),
    # 专班陪跑: the task force and its visits, the issue list, the documents.
    path(
        "<int:pk>/task-force/",
        views.PROJECTS.view(views.TaskForcePageView),
        name="project-task-force",
    ),
    path(
        "<int:pk>/task-force/assign/",
        views.PROJECTS.view(views.TaskForceAssignView),
        name="task-force-assign",
    ),
    path(
        "<int:pk>/task-force/dissolve/",
        views.PROJECTS.view(views.TaskForceDissolveView),
        name="task-force-dissolve",
    ),
    path(
        "<int:pk>/visits/new/",
        views.PROJECTS.view(views.VisitRecordView),
        name="visit-record",
    ),
    path("<int:pk>/issues/", views.PROJECTS.view(views.IssuesPageView), name="project-issues"),
    path("<int:pk>/issues/new/", views.PROJECTS.view(views.IssueRaiseView), name="issue-raise"),
    path(
        "<int:pk>/issues/status/",
        views.PROJECTS.view(views.IssueStatusView),
        name="issue-status",
    ),
    path(
        "<int:pk>/documents/",
        views.PROJECTS.view(views.DocumentsPageView),
        name="project-documents",
    ),
    path(
        "<int:pk>/documents/new/",
        views.PROJECTS.view(views.DocumentUploadView),
        name="document-upload",
    ),
    path(
        "<int:pk>/documents/<int:document>/",
        views.PROJECTS.view(views.DocumentDownloadView),
        name="project-document-download",
    ),
    path(
        "<int:pk>/documents/<int:document>/remove/",
        views.PROJECTS.view(views.DocumentRemoveView),
        name="document-remove",
    ),
]
