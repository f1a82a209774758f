from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "kaifaqu.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kaifaqu.enterprises.models import Enterprise, RosterEntry

        auditlog.register(Enterprise)
        auditlog.register(RosterEntry)

        from kaifaqu.core.menu import STATISTICS_MENU
        from kaifaqu.enterprises.menu import MENU_ENTRIES

        for key, entry in MENU_ENTRIES.items():
            STATISTICS_MENU.register(key, entry)
        from kaifaqu.core.imports import register
        from kaifaqu.enterprises.imports import ROSTERS_IMPORT

        register(kind="rosters", spec=ROSTERS_IMPORT)

        from kaifaqu.core.views.related import register_related
        from kaifaqu.enterprises.views.enterprises import related_records

        for records in related_records():
            register_related(records)
