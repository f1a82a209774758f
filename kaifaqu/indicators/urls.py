from django.urls import path

from kaifaqu.indicators.views import contributions, inputs, table, targets

app_name = "indicators"
urlpatterns = [
    # What indicators are measured against: price indexes (PPI) and zone targets.
    *inputs.PRICE_INDEXES.urls("price-indexes/"),
    *inputs.TARGETS.urls("targets/"),
    # Indicators: the table of a slice and month, its export, the catalogue, the enterprises.
    path("indicators/", table.IndicatorTableView.as_view(), name="indicator-table"),
    path(
        "indicators/status/",
        table.IndicatorTableStatusView.as_view(),
        name="indicator-table-status",
    ),
    path(
        "indicators/export/",
        table.IndicatorExportView.as_view(),
        name="indicator-export",
    ),
    path(
        "indicators/catalogue/",
        table.IndicatorCatalogueView.as_view(),
        name="indicator-catalogue",
    ),
    path(
        "indicators/<str:code>/enterprises/",
        table.IndicatorDrillView.as_view(),
        name="indicator-drill",
    ),
    path(
        "indicators/<str:code>/contributions/",
        contributions.IndicatorContributionsView.as_view(),
        name="indicator-contributions",
    ),
    path(
        "indicators/<str:code>/contributions/export/",
        contributions.IndicatorContributionsExportView.as_view(),
        name="indicator-contributions-export",
    ),
    # Targets against actuals (序时进度), warnings of the zones, and zones ranked.
    path("target-progress/", targets.TargetProgressView.as_view(), name="target-progress"),
    path("warnings/", targets.WarningListView.as_view(), name="warning-list"),
    path("rankings/", targets.ZoneRankingView.as_view(), name="zone-ranking"),
]
