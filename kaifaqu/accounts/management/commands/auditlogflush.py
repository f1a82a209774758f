"""django-auditlog's `auditlogflush` would delete the audit trail; here it refuses, for everyone.

accounts comes before auditlog in INSTALLED_APPS, so this command is the one Django runs. Rows
leave the trail only by `kfq audit archive`, after they are written to a verified archive.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Refuses: the audit trail is append-only (use `kfq audit archive` for retention)."

    def add_arguments(self, parser: Any) -> None:
        # Whatever auditlog's own command accepted (-y, --before-date, …) is refused alike.
        parser.add_argument("args", nargs="*")
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(
            "The audit trail is append-only: auditlogflush is disabled. Rows older than "
            "KFQ_AUDIT_RETENTION_DAYS leave the database only through `kfq audit archive`."
        )
