import logging
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class AccountsConfig(AppConfig):
    name = "kaifaqu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate, post_save

        from kaifaqu.accounts import checks, signals  # noqa: F401
        from kaifaqu.accounts.identity import signals as identity_signals  # noqa: F401
        from kaifaqu.accounts.mfa import checks as mfa_checks  # noqa: F401
        from kaifaqu.accounts.models import AccessEvent, User
        from kaifaqu.accounts.services import access_hook_record, export_access_record
        from kaifaqu.core.hooks import on_access, on_export

        # Changes of accounts are in the audit trail: never the password's hash (a password
        # change shows as its new date), nor the time of each sign-in (the access log has them).
        auditlog.register(User, exclude_fields=["password", "last_login"])
        on_export.register(export_access_record)
        on_access.register(access_hook_record)
        post_migrate.connect(_reinstall_triggers, dispatch_uid="kfq_audit_triggers")
        for model in (LogEntry, AccessEvent):
            post_save.connect(_seal_after_commit, sender=model, dispatch_uid=f"kfq_seal_{model}")


def _reinstall_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # A later migration that alters an audit table on SQLite rebuilds it without its triggers.
    from django.db import connections

    from kaifaqu.accounts.trail import install_triggers

    install_triggers(connections[using])


def _seal_after_commit(sender: Any, created: bool = False, **kwargs: Any) -> None:
    if not created:
        return
    from django.db import connection, transaction

    from kaifaqu.accounts.tasks import audit_seal_soon

    # Once per transaction, however many audit rows it writes (an import writes thousands).
    if connection.in_atomic_block and any(
        entry[1] is audit_seal_soon for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(audit_seal_soon)
