"""`run_backup` and `run_restore`: what `kfq backup` and `kfq restore` do."""

import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from . import archive, crypto, database
from .errors import BackupError

Progress = Callable[[str, int, int], None]
SQLITE_MEMBER = "database/kaifaqu.sqlite3"


def _quiet(_phase: str, _done: int, _total: int) -> None:
    return None


def _platform() -> dict[str, str | None]:
    try:
        version: str | None = metadata.version("kaifaqu")
    except metadata.PackageNotFoundError:
        version = None
    try:
        commit: str | None = (
            subprocess.run(
                ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"version": version, "commit": commit}


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def default_output() -> Path:
    folder = Path(settings.VAR_DIR) / "backups"
    private_folders(folder)
    return folder / f"kfq-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz"


def run_backup(
    *, output: Path | None = None, encrypt: bool = False, progress: Progress = _quiet
) -> tuple[Path, dict[str, Any]]:
    """Write the database and the documents into one archive; return its path and manifest."""
    key = crypto.key_from_env() if encrypt else None
    output = output or default_output()
    connection = connections["default"]
    engine = database.engine_of(connection)
    media_root = Path(settings.MEDIA_ROOT)
    writer = archive.ArchiveWriter(output)
    try:
        with tempfile.TemporaryDirectory(prefix=".kfq-backup-", dir=output.parent) as work:
            folder = Path(work)
            manifest: dict[str, Any] = {
                "format": archive.FORMAT,
                "created": datetime.now(UTC).isoformat(),
                "platform": _platform(),
                "engine": engine,
                "encrypted": key is not None,
            }
            if key is not None:
                manifest["encryption"] = {
                    "algorithm": crypto.ALGORITHM,
                    "key_env": crypto.KEY_ENV,
                    "key_id": crypto.key_id(key),
                }

            def add(name: str, path: Path) -> None:
                if key is None:
                    writer.add(name, path)
                    return
                sealed = folder / "sealed"
                with path.open("rb") as source, sealed.open("wb") as target:
                    crypto.encrypt_stream(source, target, key=key, name=name)
                writer.add(name, sealed)
                sealed.unlink()

            if engine == "sqlite":
                copy = folder / "kaifaqu.sqlite3"
                database.sqlite_snapshot(connection, copy, progress)
                counts, migrations = database.sqlite_state(copy)
                add(SQLITE_MEMBER, copy)
                copy.unlink()
            else:
                counts, migrations, files, columns, server = database.postgres_dump(
                    connection, folder, progress
                )
                manifest["server_version"] = server
                manifest["columns"] = columns
                for table, path in files.items():
                    add(f"database/{table}.copy", path)
                    path.unlink()
            manifest["tables"] = counts
            manifest["migrations"] = migrations
            documents = _media_files(media_root)
            for done, path in enumerate(documents):
                add("media/" + path.relative_to(media_root).as_posix(), path)
                progress("documents", done + 1, len(documents))
            manifest["documents"] = len(documents)
            writer.finish(manifest)
    except BaseException:
        writer.abandon()
        raise
    return output, manifest


def private_folders(folder: Path) -> None:
    """Create folder and its missing parents 0700 (mkdir's mode is cut by the umask, and
    `parents=True` gives the parents the default mode)."""
    missing = [folder, *folder.parents]
    for path in reversed([p for p in missing if not p.exists()]):
        path.mkdir()
        path.chmod(0o700)


# Restore ----------------------------------------------------------------------------------


def _check_migrations(archived: dict[str, list[str]]) -> None:
    """Refuse an archive whose schema is newer than (or foreign to) this code."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in archived.items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            "the archive comes from a newer version of the platform (migrations this code "
            f"does not have: {', '.join(unknown[:5])}); restore it with that version or later"
        )


def _chunks(stream: IO[bytes], name: str, key: bytes | None) -> Iterable[bytes]:
    if key is None:
        return crypto.plain_stream(stream)
    return crypto.decrypt_stream(stream, key=key, name=name)


def run_restore(
    path: Path, *, media_root: Path | None = None, progress: Progress = _quiet
) -> dict[str, Any]:
    """Restore an archive into an empty database and documents folder; return a report.

    Every checksum is verified before anything is written; afterwards the row count of every
    table is compared with the manifest.

    The target is the default database: `kfq restore --database-url` sets DATABASE_URL before
    Django starts. (A second connection alias would not do: the platform's data migrations
    write through the default alias, as most Django data migrations do.)
    """
    progress("verifying", 0, 1)
    manifest = archive.verify(path)
    progress("verifying", 1, 1)
    key: bytes | None = None
    if manifest["encrypted"]:
        key = crypto.key_from_env()
        if crypto.key_id(key) != manifest["encryption"]["key_id"]:
            raise BackupError(f"{crypto.KEY_ENV} is not the key this archive was encrypted with")
    _check_migrations(manifest["migrations"])
    alias = "default"
    connection = connections[alias]
    engine = database.engine_of(connection)
    if engine != manifest["engine"]:
        raise BackupError(
            f"the archive holds a {manifest['engine']} database; the target is {engine}"
        )
    if not database.is_empty(connection):
        raise BackupError(
            f"database {connection.settings_dict['NAME']} is not empty: restore only into an "
            "empty database (a new PostgreSQL database, or a SQLite file that does not exist)"
        )
    sqlite_path = Path(str(connection.settings_dict["NAME"])) if engine == "sqlite" else None
    if sqlite_path is not None and not sqlite_path.parent.is_dir():
        raise BackupError(f"{sqlite_path.parent} does not exist")
    media = media_root or Path(settings.MEDIA_ROOT)
    clashes = [
        name
        for name in manifest["members"]
        if name.startswith("media/") and (media / name.removeprefix("media/")).exists()
    ]
    if clashes:
        raise BackupError(f"{media} already holds documents of the archive: {clashes[0]} …")

    tables = sorted(manifest["tables"])
    with archive.members(path) as stream:
        if sqlite_path is not None:
            connection.close()
            _restore_sqlite(stream, sqlite_path, key, progress)
        else:
            _restore_postgres(connection, manifest, tables, stream, key, progress)
    with archive.members(path) as stream:
        _restore_media(stream, media, key, manifest["documents"], progress)

    counts = database.row_counts(alias, tables)
    differences = {
        table: (manifest["tables"][table], counts[table])
        for table in tables
        if counts[table] != manifest["tables"][table]
    }
    if differences:
        raise BackupError(
            "row counts differ after the restore (table: archive → restored): "
            + "; ".join(f"{t}: {a} → {b}" for t, (a, b) in differences.items())
        )
    # An archive from an older version: bring its schema and data up to this code's.
    call_command("migrate", database=alias, interactive=False, verbosity=0)
    return {
        "tables": len(tables),
        "rows": sum(counts.values()),
        "documents": manifest["documents"],
        "created": manifest["created"],
        "platform": manifest["platform"],
    }


def _restore_sqlite(
    stream: Iterator[tuple[str, IO[bytes]]], target: Path, key: bytes | None, progress: Progress
) -> None:
    for name, handle in stream:
        if name != SQLITE_MEMBER:
            continue
        partial = target.with_name(target.name + ".restoring")
        with partial.open("wb") as out:
            partial.chmod(0o600)
            for chunk in _chunks(handle, name, key):
                out.write(chunk)
        for suffix in ("-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        partial.replace(target)
        progress("database", 1, 1)
        return
    raise BackupError("the archive holds no SQLite database")


def _restore_postgres(
    connection: Any,
    manifest: dict[str, Any],
    tables: list[str],
    stream: Iterator[tuple[str, IO[bytes]]],
    key: bytes | None,
    progress: Progress,
) -> None:
    # The schema at the archive's migration state, so every archived table fits its columns.
    executor = MigrationExecutor(connection)
    archived = manifest["migrations"]
    targets = [
        (app, max(archived[app]) if app in archived else None)
        for app in sorted({app for app, _name in executor.loader.graph.leaf_nodes()})
    ]
    executor.migrate(targets)

    def table_streams() -> Iterator[tuple[str, Iterable[bytes]]]:
        for name, handle in stream:
            if name.startswith("database/") and name.endswith(".copy"):
                yield (
                    name.removeprefix("database/").removesuffix(".copy"),
                    _chunks(handle, name, key),
                )

    database.postgres_load(connection, manifest["columns"], table_streams(), progress)


def _restore_media(
    stream: Iterator[tuple[str, IO[bytes]]],
    media: Path,
    key: bytes | None,
    total: int,
    progress: Progress,
) -> None:
    done = 0
    for name, handle in stream:
        if not name.startswith("media/"):
            continue
        target = media / name.removeprefix("media/")
        private_folders(target.parent)
        with target.open("xb") as out:
            target.chmod(0o600)
            for chunk in _chunks(handle, name, key):
                out.write(chunk)
        done += 1
        progress("documents", done, total)
