from django.urls import path

from kaifaqu.core.imports.views import ImportTemplateView, ImportView
from kaifaqu.returns.views import candidates, gaps, proxies, returns, review
from kaifaqu.returns.views import settings as settings_views

app_name = "returns"
urlpatterns = [
    # Monthly returns: the reporter's form, the office's list and detail, review and settings.
    path("my-return/", returns.MyReturnView.as_view(), name="my-return"),
    path("returns/", returns.ReturnListView.as_view(), name="return-list"),
    path("returns/export/", returns.ReturnExportView.as_view(), name="return-export"),
    path("returns/<int:pk>/", returns.ReturnDetailView.as_view(), name="return-detail"),
    path("returns/<int:pk>/history/", returns.ReturnHistoryView.as_view(), name="return-history"),
    path(
        "returns/<int:pk>/document/", returns.ReturnDocumentView.as_view(), name="return-document"
    ),
    path("returns/import/", ImportView.as_view(kind="returns"), name="return-import"),
    path(
        "returns/import/template/",
        ImportTemplateView.as_view(kind="returns"),
        name="return-import-template",
    ),
    path("review/", review.ReviewQueueView.as_view(), name="review-queue"),
    path(
        "review/bulk-accept/<str:selection>/",
        review.ReviewBulkAcceptView.as_view(),
        name="review-bulk-accept",
    ),
    path(
        "review/<int:pk>/<str:action>/",
        review.ReviewDecideView.as_view(),
        name="review-decide",
    ),
    path("settings/", settings_views.StatisticsSettingsView.as_view(), name="settings"),
    # Rosters' follow-up: 上规入统 candidates and 应统尽统 gaps.
    path("candidates/", candidates.CandidateListView.as_view(), name="candidate-list"),
    path("gaps/", gaps.GapListView.as_view(), name="gap-list"),
    path("gaps/refresh/", gaps.GapRefreshView.as_view(), name="gap-refresh"),
    path("gaps/<int:pk>/assign/", gaps.GapAssignView.as_view(), name="gap-assign"),
    path("gaps/<int:pk>/close/", gaps.GapCloseView.as_view(), name="gap-close"),
    # Tax and electricity figures that stand in for the revenue of firms that do not report.
    path("proxies/", proxies.ProxyListView.as_view(), name="proxy-list"),
    path("proxies/import/", ImportView.as_view(kind="proxies"), name="proxy-import"),
    path(
        "proxies/import/template/",
        ImportTemplateView.as_view(kind="proxies"),
        name="proxy-import-template",
    ),
]
