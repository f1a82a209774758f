"""The audit trail is append-only (triggers), sealed (HMAC chain), verifiable and archived only
through the sanctioned path; nobody can flush it."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from kaifaqu.accounts.checks import audit_retention_check
from kaifaqu.accounts.models import AccessEvent, AccessEventKind, AuditArchive, AuditSeal
from kaifaqu.accounts.services import access_event_record
from kaifaqu.accounts.trail import archive, install_triggers, seal_pending, triggers_present, verify
from kaifaqu.accounts.trail.archive import ArchiveError, check_archive
from kaifaqu.conftest import World

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def event(username: str, at: datetime | None = None) -> AccessEvent:
    if at is None:
        return access_event_record(kind=AccessEventKind.LOGIN, username=username)
    with mock.patch("django.utils.timezone.now", return_value=at):
        return access_event_record(kind=AccessEventKind.LOGIN, username=username)


def refused(statement: Any) -> None:
    """`statement` fails with the triggers' message; the test's transaction survives (savepoint)."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        statement()


@contextmanager
def triggers_dropped() -> Iterator[None]:
    """An attacker with SQL access: the append-only triggers gone for the block."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser's way round every trigger, without DDL.
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'kfq_%'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = origin")
        install_triggers(connection)


def test_every_audit_table_has_its_triggers() -> None:
    assert triggers_present(connection) == []


def test_the_access_log_refuses_update_and_delete() -> None:
    row = event("mallory")
    refused(lambda: AccessEvent.objects.filter(pk=row.pk).update(detail="nothing happened"))
    refused(lambda: AccessEvent.objects.filter(pk=row.pk).delete())
    refused(lambda: AccessEvent.objects.all().delete())

    def raw_update() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_accessevent SET ip_address = '10.9.9.9'")

    refused(raw_update)
    row.refresh_from_db()
    assert row.username == "mallory" and row.detail == ""


def test_the_change_log_refuses_update_and_delete(world: World) -> None:
    entries = LogEntry.objects.all()
    assert entries.exists()  # the world's creations were logged
    first = entries.order_by("pk").first()
    assert first is not None
    refused(lambda: LogEntry.objects.filter(pk=first.pk).update(changes_text="—"))
    refused(lambda: LogEntry.objects.filter(pk=first.pk).delete())
    seal_pending()
    refused(lambda: AuditSeal.objects.all().delete())
    refused(lambda: AuditSeal.objects.update(seal="0" * 64))


def test_postgresql_refuses_truncate() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")

    def truncate() -> None:
        with connection.cursor() as cursor:
            # The test's deferred foreign-key checks would refuse TRUNCATE before the trigger.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE accounts_accessevent")

    event("someone")
    refused(truncate)


def test_auditlogflush_refuses_for_everyone(world: World) -> None:
    before = LogEntry.objects.count()
    with pytest.raises(CommandError, match="append-only"):
        call_command("auditlogflush", "-y")
    with pytest.raises(CommandError, match="append-only"):
        call_command("auditlogflush", "--yes", "--before-date", "2099-01-01")
    assert LogEntry.objects.count() == before


def test_every_row_is_sealed_including_bulk_inserts(world: World) -> None:
    event("a")
    # bulk_create sends no signal (as fai_bulk and the demo loader write LogEntry rows).
    kind = ContentType.objects.get_for_model(AccessEvent)
    LogEntry.objects.bulk_create(
        [
            LogEntry(content_type=kind, object_pk="1", object_repr="x", action=0, changes={})
            for _ in range(3)
        ]
    )
    assert seal_pending() == LogEntry.objects.count() + AccessEvent.objects.count()
    assert seal_pending() == 0
    assert verify() is None
    # Each seal chains to the one before it, per table.
    seals = list(AuditSeal.objects.filter(entry_table="auditlog_logentry").order_by("pk"))
    assert seals[0].previous == ""
    assert all(b.previous == a.seal for a, b in pairwise(seals))


def test_verify_names_the_first_altered_row() -> None:
    at = datetime(2025, 3, 1, 9, 0, tzinfo=SHANGHAI)
    event("a", at)
    victim = event("b", at + timedelta(minutes=1))
    event("c", at + timedelta(minutes=2))
    seal_pending()
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_accessevent SET username = 'someone else' WHERE id = %s", [victim.pk]
        )
    broken = verify()
    assert broken is not None
    assert (broken.table, broken.entry_id, broken.reason) == (
        "accounts_accessevent",
        victim.pk,
        "the row was altered",
    )
    assert broken.at == at + timedelta(minutes=1)
    with pytest.raises(CommandError, match=rf"accounts_accessevent row {victim.pk} \(2025-03-01"):
        call_command("audit", "verify")


def test_verify_names_a_deleted_row_and_a_forged_seal() -> None:
    rows = [event(name) for name in ("a", "b", "c")]
    seal_pending()
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_accessevent WHERE id = %s", [rows[1].pk])
    broken = verify()
    assert broken is not None and broken.entry_id == rows[1].pk
    assert broken.reason == "the row was deleted"


def test_a_forged_seal_breaks_the_chain() -> None:
    rows = [event(name) for name in ("a", "b")]
    seal_pending()
    with triggers_dropped(), connection.cursor() as cursor:
        # Rewrite the row and a self-made seal without the key: the chain does not hold.
        cursor.execute("UPDATE accounts_accessevent SET username = 'x' WHERE id = %s", [rows[0].pk])
        cursor.execute(
            "UPDATE accounts_auditseal SET seal = %s WHERE entry_table = 'accounts_accessevent' "
            "AND entry_id = %s",
            ["f" * 64, rows[0].pk],
        )
    broken = verify()
    assert broken is not None and broken.entry_id == rows[0].pk


def test_verify_passes_and_says_so(capsys: Any) -> None:
    event("a")
    call_command("audit", "verify")
    assert "verifies" in capsys.readouterr().out


@override_settings(KFQ_AUDIT_RETENTION_DAYS=183)
def test_archive_moves_old_rows_out_through_a_verified_file(tmp_path: Path) -> None:
    now = datetime(2026, 1, 10, 12, 0, tzinfo=SHANGHAI)
    old = [event(f"old{i}", now - timedelta(days=400 - i)) for i in range(3)]
    young = event("young", now - timedelta(days=10))
    done = {r.table: r for r in archive(now=now, directory=tmp_path)}
    result = done["accounts_accessevent"]
    assert result.rows == 3 and result.path is not None
    assert list(AccessEvent.objects.values_list("username", flat=True)) == ["young"]
    assert not AuditSeal.objects.filter(
        entry_table="accounts_accessevent", entry_id__in=[r.pk for r in old]
    ).exists()
    # The archive: gzip JSON lines with the sealed content, and a manifest that checks.
    with gzip.open(result.path, "rt", encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle]
    assert [json.loads(line["content"])["username"] for line in lines] == ["old0", "old1", "old2"]
    manifest = Path(f"{result.path}.manifest.json")
    check_archive(manifest)
    assert json.loads(manifest.read_text())["rows"] == 3
    # The database's chain now starts from the archive's last seal, and still verifies.
    record = AuditArchive.objects.get(entry_table="accounts_accessevent")
    assert record.last_seal == lines[-1]["seal"]
    first_left = AuditSeal.objects.get(entry_table="accounts_accessevent", entry_id=young.pk)
    assert first_left.previous == record.last_seal
    event("later")
    assert verify() is None
    # Archiving left the rows append-only again.
    refused(lambda: AccessEvent.objects.all().delete())


def test_a_tampered_archive_is_caught(tmp_path: Path) -> None:
    now = datetime(2026, 1, 10, 12, 0, tzinfo=SHANGHAI)
    event("old", now - timedelta(days=400))
    result = {r.table: r for r in archive(now=now, directory=tmp_path)}["accounts_accessevent"]
    assert result.path is not None
    result.path.write_bytes(gzip.compress(b'{"id": 1}\n'))
    with pytest.raises(ArchiveError, match="checksum"):
        check_archive(Path(f"{result.path}.manifest.json"))


def test_nothing_is_archived_from_a_broken_chain(tmp_path: Path) -> None:
    now = datetime(2026, 1, 10, 12, 0, tzinfo=SHANGHAI)
    row = event("old", now - timedelta(days=400))
    seal_pending()
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_accessevent SET username = 'x' WHERE id = %s", [row.pk])
    with pytest.raises(ArchiveError, match="does not verify"):
        archive(now=now, directory=tmp_path)
    assert AccessEvent.objects.filter(pk=row.pk).exists()


def test_retention_below_six_months_is_refused_at_start_up() -> None:
    with override_settings(KFQ_AUDIT_RETENTION_DAYS=90):
        errors = audit_retention_check()
    assert [error.id for error in errors] == ["kaifaqu.E101"]
    with override_settings(KFQ_AUDIT_RETENTION_DAYS=183):
        assert audit_retention_check() == []


def test_rows_are_sealed_after_the_commit_that_wrote_them(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        rows = [event(name) for name in ("a", "b", "c")]
    # One sealing pass for the transaction, not one per row.
    assert len(callbacks) == 1
    assert (
        AuditSeal.objects.filter(
            entry_table="accounts_accessevent", entry_id__in=[r.pk for r in rows]
        ).count()
        == 3
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KFQ_AUDIT_KEY": ""}, "KFQ_AUDIT_KEY must be set"),
        ({"KFQ_AUDIT_RETENTION_DAYS": "90"}, "at least 183"),
        ({}, None),
    ],
)
def test_production_settings_need_a_key_and_six_months(env: dict[str, str], message: Any) -> None:
    import os
    import subprocess
    import sys

    base = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SECRET_KEY": "x" * 60,
        "KFQ_AUDIT_KEY": "k" * 40,
        "KFQ_DATA_KEY": "a2FpZmFxdS10ZXN0cy1vbmx5LWRhdGEta2V5LTAwMDE=",
        "DATABASE_URL": "sqlite:////tmp/kfq-never-opened.sqlite3",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import kaifaqu.config.settings.production"],
        env=base | env,
        capture_output=True,
        text=True,
        check=False,
        cwd=str(Path(__file__).resolve().parents[3]),
    )
    if message is None:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode != 0 and message in done.stderr
