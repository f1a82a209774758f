from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "kaifaqu.returns"
    label = "returns"
    verbose_name = _("Monthly returns")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete, post_save

        from kaifaqu.core.imports import register
        from kaifaqu.returns.imports import RETURNS_IMPORT
        from kaifaqu.returns.imports.proxies import PROXIES_IMPORT
        from kaifaqu.returns.models import (
            Gap,
            ProxyFigure,
            Return,
            ReturnImport,
            ReviewDecision,
            StatisticsSettings,
        )
        from kaifaqu.returns.services.ledger import on_return_deleted, on_return_saved

        register(kind="returns", spec=RETURNS_IMPORT)
        register(kind="proxies", spec=PROXIES_IMPORT)
        for model in (Return, ReviewDecision, Gap, StatisticsSettings, ProxyFigure, ReturnImport):
            auditlog.register(model)
        # The ledger mirrors the returns' figures (services/ledger.py).
        post_save.connect(on_return_saved, sender=Return, dispatch_uid="statistics.ledger.saved")
        post_delete.connect(
            on_return_deleted, sender=Return, dispatch_uid="statistics.ledger.deleted"
        )
