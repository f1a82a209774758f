"""`kfq audit seal|verify|archive`: the audit trail's HMAC chain and its retention."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Seal, verify or archive the audit trail (data changes and the access log)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("what", choices=["seal", "verify", "archive"])

    def handle(self, *args: Any, **options: Any) -> None:
        from kaifaqu.accounts.trail import archive, seal_pending, triggers_present, verify
        from kaifaqu.accounts.trail.archive import ArchiveError

        what = options["what"]
        if what == "seal":
            self.stdout.write(f"{seal_pending()} rows sealed")
            return
        if what == "verify":
            unprotected = triggers_present(connection)
            broken = verify()
            if broken is not None:
                raise CommandError(f"the audit trail does not verify: first broken: {broken}")
            if unprotected:
                raise CommandError(
                    "the audit trail verifies, but these tables lack their append-only "
                    f"triggers: {', '.join(unprotected)} (run `kfq manage migrate`)"
                )
            self.stdout.write("the audit trail verifies: every row is sealed and unchanged")
            return
        try:
            results = archive()
        except ArchiveError as failed:
            raise CommandError(str(failed)) from failed
        for result in results:
            where = f" → {result.path}" if result.path is not None else ""
            self.stdout.write(f"{result.table}: {result.rows} rows archived{where}")
