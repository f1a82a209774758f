from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from .files import private_sqlite_files


class CoreConfig(AppConfig):
    name = "kaifaqu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        connection_created.connect(private_sqlite_files, dispatch_uid="kfq-private-sqlite")
        from .crypto import checks  # noqa: F401  (registers the data key check)
