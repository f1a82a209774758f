"""Retention: audit rows older than KFQ_AUDIT_RETENTION_DAYS leave the database for an archive.

The one sanctioned way rows leave the audit tables. In order: seal and verify the whole chain;
take the chain's prefix of rows older than the cut-off; write them (each with its content as
sealed, its previous seal and its seal) as gzip-compressed JSON lines with a manifest holding
the file's SHA-256; read the file back and check the digest and every seal; only then, in one
transaction with the archiving flag on (triggers.py), delete the rows and their seals and record
an AuditArchive whose last seal is where the chain in the database now starts.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kaifaqu.accounts.models import AuditArchive, AuditSeal
from kaifaqu.accounts.trail.seal import BATCH, SEALED, anchor, audit_key, canonical, chain, compute
from kaifaqu.accounts.trail.seal import verify as verify_chain
from kaifaqu.accounts.trail.triggers import set_archiving


class ArchiveError(Exception):
    pass


@dataclass(frozen=True)
class ArchiveResult:
    table: str
    rows: int
    path: Path | None


def archive(*, now: datetime | None = None, directory: Path | None = None) -> list[ArchiveResult]:
    """Archive what is older than the retention period, table by table."""
    broken = verify_chain(seal_first=True)
    if broken is not None:
        raise ArchiveError(f"the audit chain does not verify, nothing archived: {broken}")
    now = now or timezone.now()
    before = now - timedelta(days=int(settings.KFQ_AUDIT_RETENTION_DAYS))
    directory = Path(directory or settings.KFQ_AUDIT_ARCHIVE_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return [_archive_table(table, before=before, now=now, directory=directory) for table in SEALED]


def _archive_table(
    table: str, *, before: datetime, now: datetime, directory: Path
) -> ArchiveResult:
    _model, dated = SEALED[table]
    start = anchor(table)
    lines: list[dict[str, object]] = []
    # The chain's prefix only: the database keeps an unbroken chain from the archive's last seal.
    for seal, row in chain(table):
        if row is None or getattr(row, dated) >= before:
            break
        lines.append(
            {
                "id": seal.entry_id,
                "previous": seal.previous,
                "seal": seal.seal,
                "content": canonical(row),
            }
        )
    if not lines:
        return ArchiveResult(table, 0, None)
    name = f"{table}-{now:%Y%m%dT%H%M%S}.jsonl.gz"
    path = directory / name
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    path.chmod(0o600)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest = {
        "table": table,
        "file": name,
        "sha256": digest,
        "rows": len(lines),
        "first_id": lines[0]["id"],
        "last_id": lines[-1]["id"],
        "anchor": start,
        "last_seal": lines[-1]["seal"],
        "before": before.isoformat(),
    }
    manifest_path = directory / f"{name}.manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    manifest_path.chmod(0o600)
    check_archive(manifest_path)
    ids = [int(str(line["id"])) for line in lines]
    model = SEALED[table][0]
    with transaction.atomic():
        set_archiving(connection, on=True)
        for offset in range(0, len(ids), BATCH):
            chunk = ids[offset : offset + BATCH]
            AuditSeal.objects.filter(entry_table=table, entry_id__in=chunk).delete()
            model._default_manager.filter(pk__in=chunk).delete()
        set_archiving(connection, on=False)
        AuditArchive.objects.create(
            entry_table=table,
            before=before,
            file_name=name,
            sha256=digest,
            rows=len(lines),
            first_id=ids[0],
            last_id=ids[-1],
            last_seal=str(lines[-1]["seal"]),
        )
    return ArchiveResult(table, len(lines), path)


def check_archive(manifest_path: Path) -> None:
    """Read an archive back: its digest, its row count and every seal from its anchor."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    path = manifest_path.parent / manifest["file"]
    if hashlib.sha256(path.read_bytes()).hexdigest() != manifest["sha256"]:
        raise ArchiveError(f"{path.name}: the checksum does not match the manifest")
    key = audit_key()
    previous = manifest["anchor"]
    count = 0
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for text in handle:
            line = json.loads(text)
            if line["previous"] != previous or not hmac.compare_digest(
                compute(key, previous, line["content"]), line["seal"]
            ):
                raise ArchiveError(f"{path.name}: row {line['id']} does not verify")
            previous = line["seal"]
            count += 1
    if count != manifest["rows"] or previous != manifest["last_seal"]:
        raise ArchiveError(f"{path.name}: {count} rows, the manifest says {manifest['rows']}")
