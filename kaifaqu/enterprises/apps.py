from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "kaifaqu.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kaifaqu.core.crypto.fields import AUDIT_MASK
        from kaifaqu.enterprises.models import Enterprise, RosterEntry

        # The history keeps encrypted fields masked, never in plain (core/crypto).
        auditlog.register(Enterprise, mask_fields=["statistics_phone"], mask_callable=AUDIT_MASK)
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
