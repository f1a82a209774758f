"""`kfq audit`, `kfq datakey`, `kfq backup` and `kfq restore`: the audit trail, the data
key and backups."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kaifaqu.cli.base import _setup_django, main
from kaifaqu.cli.shared import (
    phase_bars,
)


@main.group()
def audit() -> None:
    """The audit trail: seal new rows, verify the HMAC chain, archive what retention allows."""


@audit.command(name="seal")
def audit_seal() -> None:
    """Seal the rows written since the last seal (run from cron; writes seal themselves too)."""
    _audit("seal")


@audit.command(name="verify")
def audit_verify() -> None:
    """Walk the chain; exit 1 naming the first broken row (table, id, time)."""
    _audit("verify")


@audit.command(name="archive")
def audit_archive() -> None:
    """Move rows older than KFQ_AUDIT_RETENTION_DAYS to a verified gzip JSON-lines archive."""
    _audit("archive")


def _audit(what: str) -> None:
    _setup_django()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("audit", what)
    except CommandError as failed:
        raise click.ClickException(str(failed)) from failed


@main.group()
def datakey() -> None:
    """The key of confidential fields (KFQ_DATA_KEY): create one, see its use, rotate to a new one."""


@datakey.command(name="new")
def datakey_new() -> None:
    """Print a new random key (32 bytes, URL-safe base64) for KFQ_DATA_KEY."""
    from kaifaqu.core.crypto.envelope import new_key_text

    click.echo(new_key_text())


@datakey.command(name="status")
def datakey_status() -> None:
    """How many values of each encrypted column each cipher and key hold."""
    _setup_django()
    from kaifaqu.core.crypto.columns import status
    from kaifaqu.core.crypto.keys import key_ring

    ring = key_ring()
    click.echo(f"current: {ring.cipher} {ring.current.id}")
    for column, counts in status().items():
        held = ", ".join(f"{name}: {count}" for name, count in sorted(counts.items()))
        click.echo(f"{column}: {held or 'no values'}")


@datakey.command(name="rotate")
def datakey_rotate() -> None:
    """Re-encrypt every value not under KFQ_DATA_KEY and KFQ_DATA_CIPHER (old keys in
    KFQ_DATA_OLD_KEYS); run it again to resume an interrupted rotation."""
    _setup_django()
    from kaifaqu.core.crypto.columns import rotate
    from kaifaqu.core.crypto.envelope import DecryptionError

    try:
        rotate(progress=lambda column, done: click.echo(f"{column}: {done} re-encrypted"))
    except DecryptionError as failed:
        raise click.ClickException(str(failed)) from failed


@main.command()
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Archive to write (default: var/backups/kfq-<time>.tar.gz).",
)
@click.option("--encrypt", is_flag=True, help="Encrypt with the key in $KFQ_BACKUP_KEY.")
def backup(output: Path | None, encrypt: bool) -> None:
    """Back up the database and the documents into one archive with a checksum manifest."""
    _setup_django()
    from kaifaqu.core.backup import BackupError, run_backup

    try:
        path, manifest = run_backup(output=output, encrypt=encrypt, progress=phase_bars())
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(manifest["tables"].values())
    click.echo(
        f"{path}: {len(manifest['tables'])} tables, {rows} rows, "
        f"{manifest['documents']} documents" + (", encrypted" if manifest["encrypted"] else "")
    )


@main.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--database-url", default=None, help="Target database (default: DATABASE_URL).")
@click.option(
    "--media-root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Target documents folder (default: KFQ_MEDIA_ROOT).",
)
def restore(file: Path, database_url: str | None, media_root: Path | None) -> None:
    """Restore a backup into an EMPTY database, checksums verified first, row counts after."""
    # The target becomes the default database, as if DATABASE_URL named it (see run_restore).
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    _setup_django()
    from kaifaqu.core.backup import BackupError, run_restore

    try:
        report = run_restore(file, media_root=media_root, progress=phase_bars())
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"restored {report['tables']} tables ({report['rows']} rows, every table's count as in "
        f"the manifest) and {report['documents']} documents from the backup of "
        f"{report['created']}"
    )
