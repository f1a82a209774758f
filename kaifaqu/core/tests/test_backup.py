"""`kfq backup` and `kfq restore`: a round trip that compares every table row by row and the
documents byte for byte, on the suite's database engine (SQLite or PostgreSQL, a fresh database
per test); damaged, foreign and newer archives are refused before anything is written."""

import base64
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from kaifaqu.conftest import Personas, World
from kaifaqu.core.backup import BackupError, run_backup, run_restore
from kaifaqu.projects.services import document_add
from kaifaqu.returns.services import return_save

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4 the investment agreement \x00\xff"
PROOF = b"%PDF-1.4 proof of production"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def loaded(world: World, personas: Personas, media: Path) -> World:
    """The conftest world plus a return with its supporting document and a project document."""
    record = return_save(
        by=personas.reporter,
        enterprise=world.ent_a1,
        period=date(2025, 3, 1),
        values={"gross_output": Decimal("100.5"), "sales_output": Decimal("95"), "employees": 40},
        explanation="三月：新产线投产",
    )
    record.supporting_document.save("proof.pdf", ContentFile(PROOF))
    document_add(
        by=personas.zone_admin,
        project=world.project_a1,
        data={"title": "投资协议", "kind": "contract", "dated": date(2025, 1, 10)},
        file=SimpleUploadedFile("投资协议.pdf", PDF),
    )
    assert LogEntry.objects.exists()
    return world


@pytest.fixture
def target() -> Iterator[str]:
    """The URL of an empty database of the suite's engine, dropped afterwards."""
    source = connections["default"]
    if source.vendor == "sqlite":
        folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"kfq-restore-{uuid.uuid4().hex}"
        folder.mkdir(mode=0o700)
        yield f"sqlite:///{folder}/restored.sqlite3"
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
        return
    import psycopg

    name = f"kfq_backup_rt_{uuid.uuid4().hex[:12]}"
    params = source.get_connection_params()
    server = {k: params[k] for k in ("host", "port", "user") if params.get(k)}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{server.get('user', '')}@{server.get('host', '')}:{server.get('port', 5432)}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore(path: Path, target: str, media: Path) -> subprocess.CompletedProcess[str]:
    """`kfq restore` as an operator runs it, in a process of its own (the target becomes its
    default database)."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from kaifaqu.cli import main; main()",
            "restore",
            str(path),
            "--database-url",
            target,
            "--media-root",
            str(media),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kaifaqu.config.settings.test"},
        cwd=Path(__file__).resolve().parents[3],
    )


def refused(result: subprocess.CompletedProcess[str], pattern: str) -> bool:
    return result.returncode != 0 and re.search(pattern, result.stderr) is not None


def is_empty(url: str) -> bool:
    if url.startswith("sqlite:///"):
        return not Path(url.removeprefix("sqlite://")).exists()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as database:
        return not database.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()


def rows_of(url: str | None) -> dict[str, list[Any]]:
    """Every table's rows, sorted, from the suite's database (None) or the restored one.

    Read through the drivers themselves, not Django, so both sides see the same values: SQLite's
    stored values; PostgreSQL's COPY text (its exact rendering of every column type).
    """
    source = connections["default"]
    source.ensure_connection()
    if source.vendor == "sqlite":
        params = source.get_connection_params()
        lite = (
            sqlite3.connect(params["database"], uri=params.get("uri", False))
            if url is None
            else sqlite3.connect(url[len("sqlite:///") :])
        )
        names = lite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        return {
            name: sorted(lite.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for (name,) in names
        }
    import psycopg

    database: Any = (
        source.connection
        if url is None
        else psycopg.connect(url.replace("postgres://", "postgresql://"))
    )
    everything = {}
    names = database.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        " AND table_type = 'BASE TABLE'"
    ).fetchall()
    for (name,) in names:
        with database.cursor().copy(f'COPY "{name}" TO STDOUT') as copy:
            everything[name] = sorted(bytes(b"".join(bytes(c) for c in copy)).split(b"\n"))
    if url is not None:
        database.close()
    return everything


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_restore_reproduces_every_row_of_every_table_and_every_document(
    loaded: World, media: Path, tmp_path: Path, target: str
) -> None:
    phases: set[str] = set()
    path, manifest = run_backup(
        output=tmp_path / "backup.tar.gz", progress=lambda phase, _d, _t: phases.add(phase)
    )
    assert phases == {"database", "documents"}
    assert manifest["documents"] == 2 and manifest["encrypted"] is False
    assert manifest["tables"]["auditlog_logentry"] == LogEntry.objects.count()
    assert "0001_initial" in manifest["migrations"]["returns"]
    before = rows_of(None)

    restored_media = tmp_path / "restored-media"
    result = restore(path, target, restored_media)
    assert result.returncode == 0, result.stderr

    after = rows_of(target)
    assert after.keys() == before.keys()
    for table, rows in before.items():
        assert after[table] == rows, table
    assert files_of(restored_media) == files_of(media)
    # Readable by their owner only: the archive, the restored documents and database.
    assert path.stat().st_mode & 0o777 == 0o600
    for file in restored_media.rglob("*"):
        assert file.stat().st_mode & 0o777 == (0o700 if file.is_dir() else 0o600), file
    if target.startswith("postgres://"):
        # The sequences go on from the restored ids: the next entry does not collide.
        import psycopg

        with psycopg.connect(target.replace("postgres://", "postgresql://")) as database:
            sequence = database.execute(
                "SELECT pg_get_serial_sequence('auditlog_logentry', 'id')"
            ).fetchone()[0]  # type: ignore[index]
            last = database.execute(f"SELECT last_value FROM {sequence}").fetchone()
            assert last == (LogEntry.objects.order_by("-pk").values_list("pk", flat=True)[0],)
    if target.startswith("sqlite:///"):
        restored = Path(target.removeprefix("sqlite://"))
        assert restored.stat().st_mode & 0o777 == 0o600
        assert sqlite3.connect(restored).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = sum(manifest["tables"].values())
    assert f"{len(manifest['tables'])} tables ({rows} rows" in result.stdout


def test_a_damaged_archive_is_refused_before_anything_is_written(
    loaded: World, tmp_path: Path, target: str
) -> None:
    path, _manifest = run_backup(output=tmp_path / "backup.tar.gz")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    restored_media = tmp_path / "restored-media"
    assert refused(restore(path, target, restored_media), "damaged|checksums|unexpected member")
    assert not restored_media.exists()
    assert is_empty(target)


def _rewrite_member(path: Path, name: str, change: Any) -> None:
    """Rebuild the archive with one member's bytes changed (its checksum left as it was)."""
    with tarfile.open(path, "r:gz") as tar:
        entries = [(info, tar.extractfile(info).read()) for info in tar]  # type: ignore[union-attr]
    with tarfile.open(path, "w:gz") as tar:
        for info, body in entries:
            body = change(body) if info.name == name else body
            info.size = len(body)
            import io

            tar.addfile(info, io.BytesIO(body))


def test_an_altered_member_fails_its_checksum(loaded: World, tmp_path: Path, target: str) -> None:
    path, manifest = run_backup(output=tmp_path / "backup.tar.gz")
    document = next(name for name in manifest["members"] if name.startswith("media/"))
    _rewrite_member(path, document, lambda body: body + b"!")
    assert refused(restore(path, target, tmp_path / "m"), "altered: " + re.escape(document))
    assert is_empty(target)


def test_an_archive_from_a_newer_version_is_refused(
    loaded: World, tmp_path: Path, target: str
) -> None:
    import json

    path, manifest = run_backup(output=tmp_path / "backup.tar.gz")
    manifest["migrations"]["returns"].append("9999_from_the_future")
    _rewrite_member(path, "manifest.json", lambda _body: json.dumps(manifest).encode())
    result = restore(path, target, tmp_path / "m")
    assert refused(result, r"newer version(.|\n)*returns.9999_from_the_future")
    assert is_empty(target)


def test_a_restore_refuses_a_database_that_is_not_empty(loaded: World, tmp_path: Path) -> None:
    path, _manifest = run_backup(output=tmp_path / "backup.tar.gz")
    with pytest.raises(BackupError, match="not empty"):
        run_restore(path, media_root=tmp_path / "m")


def test_an_encrypted_backup_hides_the_documents_and_needs_its_key(
    loaded: World, media: Path, tmp_path: Path, target: str, monkeypatch: Any
) -> None:
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("KFQ_BACKUP_KEY", key)
    path, manifest = run_backup(output=tmp_path / "backup.tar.gz", encrypt=True)
    assert manifest["encrypted"] and manifest["encryption"]["key_env"] == "KFQ_BACKUP_KEY"
    with tarfile.open(path, "r:gz") as tar:
        stored = b"".join(
            tar.extractfile(info).read()  # type: ignore[union-attr]
            for info in tar
            if info.isreg()
        )
    assert PDF not in stored and "三月：新产线投产".encode() not in stored

    monkeypatch.setenv("KFQ_BACKUP_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())
    assert refused(restore(path, target, tmp_path / "m"), "not the key")
    monkeypatch.setenv("KFQ_BACKUP_KEY", key)
    result = restore(path, target, tmp_path / "m")
    assert result.returncode == 0, result.stderr
    assert files_of(tmp_path / "m") == files_of(media)
