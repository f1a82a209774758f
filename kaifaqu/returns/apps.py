from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "kaifaqu.returns"
    label = "returns"
    verbose_name = _("Monthly returns")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kaifaqu.core.imports import register
        from kaifaqu.returns.imports import RETURNS_IMPORT
        from kaifaqu.returns.imports.proxies import PROXIES_IMPORT
        from kaifaqu.returns.models import (
            Gap,
            NonResponse,
            ProxyFigure,
            Reminder,
            ReportingMonth,
            Return,
            ReturnImport,
            ReviewDecision,
            StatisticsSettings,
        )

        register(kind="returns", spec=RETURNS_IMPORT)

        from kaifaqu.core.menu import STATISTICS_MENU
        from kaifaqu.returns.menu import MENU_ENTRIES

        for key, entry in MENU_ENTRIES.items():
            STATISTICS_MENU.register(key, entry)
        register(kind="proxies", spec=PROXIES_IMPORT)
        for model in (
            Return,
            ReviewDecision,
            Gap,
            StatisticsSettings,
            ProxyFigure,
            ReturnImport,
            ReportingMonth,
            NonResponse,
            Reminder,
        ):
            auditlog.register(model)
