from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "kaifaqu.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kaifaqu.indicators.models import PriceIndex, ReportedFigure, Target

        for model in (ReportedFigure, PriceIndex, Target):
            auditlog.register(model)
