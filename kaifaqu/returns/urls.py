from django.urls import path

from kaifaqu.core.imports.views import ImportTemplateView, ImportView
from kaifaqu.returns.views import (
    candidates,
    gaps,
    month_actions,
    month_zones,
    months,
    proxies,
    returns,
    review,
)
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
    # The reporting month (报告期): a zone's months, the zones of a region, a month's page and
    # its actions (publishing is the indicators' page action: indicators:month-publish).
    path("months/", months.MonthListView.as_view(), name="month-list"),
    path("months/zones/", month_zones.MonthZonesView.as_view(), name="month-zones"),
    path("months/<int:pk>/", months.MonthDetailView.as_view(), name="month-detail"),
    path(
        "months/<int:pk>/deadline/",
        month_actions.MonthDeadlineView.as_view(),
        name="month-deadline",
    ),
    path(
        "months/<int:pk>/firms/<int:enterprise>/remind/",
        month_actions.MonthReminderView.as_view(),
        name="month-remind",
    ),
    path(
        "months/<int:pk>/firms/<int:enterprise>/not-reported/",
        month_actions.MonthNonResponseView.as_view(),
        name="month-non-response",
    ),
    path(
        "months/<int:pk>/not-reported/<int:non_response>/withdraw/",
        month_actions.MonthNonResponseWithdrawView.as_view(),
        name="month-non-response-withdraw",
    ),
    path("months/<int:pk>/close/", month_actions.MonthCloseView.as_view(), name="month-close"),
    path("months/<int:pk>/reopen/", month_actions.MonthReopenView.as_view(), name="month-reopen"),
    path(
        "months/<int:pk>/returns/<int:return_pk>/correct/",
        month_actions.MonthCorrectionView.as_view(),
        name="month-correct",
    ),
]
