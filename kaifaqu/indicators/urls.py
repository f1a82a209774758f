from django.urls import path

from kaifaqu.core.imports.views import ImportTemplateView, ImportView
from kaifaqu.indicators.views import contributions, inputs, publication, rates, table, targets

app_name = "indicators"
urlpatterns = [
    # What indicators are measured against: price indexes (PPI) and zone targets.
    *inputs.PRICE_INDEXES.urls("price-indexes/"),
    path(
        "price-indexes/import/",
        ImportView.as_view(kind="price-indexes"),
        name="price-index-import",
    ),
    path(
        "price-indexes/import/template/",
        ImportTemplateView.as_view(kind="price-indexes"),
        name="price-index-import-template",
    ),
    # Value-added rates: the national reference and each province's own.
    *rates.RATES.urls("value-added-rates/"),
    path("value-added-rates/in-force/", rates.RatesInForceView.as_view(), name="rates-in-force"),
    path(
        "value-added-rates/import/",
        ImportView.as_view(kind="value-added-rates"),
        name="value-added-rate-import",
    ),
    path(
        "value-added-rates/import/template/",
        ImportTemplateView.as_view(kind="value-added-rates"),
        name="value-added-rate-import-template",
    ),
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
    # Publishing a closed reporting month (its page is returns:month-detail).
    path(
        "months/<int:pk>/publish/",
        publication.MonthPublishView.as_view(),
        name="month-publish",
    ),
]
