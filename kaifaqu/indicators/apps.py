from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "kaifaqu.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kaifaqu.indicators.models import (
            PriceIndex,
            Publication,
            ReportedFigure,
            Target,
            ValueAddedRate,
        )

        for model in (ReportedFigure, PriceIndex, Target, Publication, ValueAddedRate):
            auditlog.register(model)
        from kaifaqu.core.imports import register
        from kaifaqu.indicators.imports import PRICE_INDEX_IMPORT, RATES_IMPORT

        register(kind=RATES_IMPORT.kind, spec=RATES_IMPORT)
        register(kind=PRICE_INDEX_IMPORT.kind, spec=PRICE_INDEX_IMPORT)
        # Returns counted in statistics changed (marked by the returns services): the indicator
        # table follows in the background (indicators/tasks.py).
        from kaifaqu.core.hooks import on_returns_changed
        from kaifaqu.indicators.tasks import rollup_enqueue

        on_returns_changed.register(rollup_enqueue)

        from kaifaqu.core.menu import STATISTICS_MENU
        from kaifaqu.indicators.menu import MENU_ENTRIES

        for key, entry in MENU_ENTRIES.items():
            STATISTICS_MENU.register(key, entry)
        # The reporting month's pages (returns) show the publications and publish through us.
        from kaifaqu.indicators.selectors.publication import PublicationsForMonths
        from kaifaqu.returns.publishing import MONTH_PUBLISHING, PUBLISHING_KEY

        MONTH_PUBLISHING.register(PUBLISHING_KEY, PublicationsForMonths())
