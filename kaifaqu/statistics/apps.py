from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "kaifaqu.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete, post_save

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
        from kaifaqu.statistics.services.ledger import on_return_deleted, on_return_saved

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
        # The ledger mirrors the returns' figures (services/ledger.py).
        post_save.connect(on_return_saved, sender=Return, dispatch_uid="statistics.ledger.saved")
        post_delete.connect(
            on_return_deleted, sender=Return, dispatch_uid="statistics.ledger.deleted"
        )
