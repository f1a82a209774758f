"""Files the platform creates are readable by its account only (issue 15, unsafe defaults):
uploads 0600 in 0700 folders, the SQLite database and its -wal/-shm files 0600, and `kfq` runs
under a umask that makes anything else it creates private too."""

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.backends.sqlite3.base import DatabaseWrapper

from kaifaqu import cli


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The usual 022, under which files come out world-readable unless made private."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_uploads_are_0600_in_0700_folders(
    settings: Any, tmp_path: Path, permissive_umask: None
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    storage = FileSystemStorage()
    name = storage.save("returns/2025/03/proof.pdf", ContentFile(b"%PDF-1.4"))
    stored = Path(storage.path(name))
    assert mode(stored) == 0o600
    assert mode(stored.parent) == mode(stored.parent.parent) == 0o700


def test_the_sqlite_database_and_its_wal_and_shm_files_are_0600(
    tmp_path: Path, permissive_umask: None, django_db_blocker: Any
) -> None:
    path = tmp_path / "kaifaqu.sqlite3"
    sqlite3.connect(path).close()  # created 0644 by a tool or an older version
    assert mode(path) == 0o644
    wrapper = DatabaseWrapper(
        {
            "NAME": str(path),
            "ENGINE": "django.db.backends.sqlite3",
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias="file_modes",
    )
    with django_db_blocker.unblock():
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
            cursor.execute("INSERT INTO t VALUES (1)")
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(p.exists() for p in files)
        assert [mode(p) for p in files] == [0o600, 0o600, 0o600]
        wrapper.close()


def test_kfq_starts_under_a_private_umask() -> None:
    previous = os.umask(0o022)
    try:
        cli._setup_django()
        assert os.umask(0o022) == 0o077
    finally:
        os.umask(previous)
