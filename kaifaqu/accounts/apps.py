from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kaifaqu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from kaifaqu.accounts import signals  # noqa: F401
        from kaifaqu.accounts.services import export_access_record
        from kaifaqu.core.hooks import on_export

        on_export.register(export_access_record)
