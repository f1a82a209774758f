from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "kaifaqu.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kaifaqu.statistics.models import (
            Gap,
            PriceIndex,
            ProxyFigure,
            ReportedFigure,
            Return,
            ReturnImport,
            ReviewDecision,
            StatisticsSettings,
            Target,
        )

        for model in (
            ReportedFigure,
            Return,
            ReviewDecision,
            Gap,
            StatisticsSettings,
            ProxyFigure,
            ReturnImport,
            PriceIndex,
            Target,
        ):
            auditlog.register(model)
