"""A database of its own, migrated, for tests that run the platform in other processes (`kfq serve`, `kfq
worker`, `kfq import`, a benchmark) and kill them: the suite's test database lives inside the
test's transaction, which another process cannot see.

On the suite's engine: a SQLite file in the test's folder when the suite runs on SQLite; a
PostgreSQL database of its own (named after the suite's, with a random suffix, dropped afterwards)
when it runs on PostgreSQL (DATABASE_URL), so that both engines are tested as the suite is.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[3]
# Keys of the processes' production settings (tests only).
SECRET_KEY = "kaifaqu-tests-only-secret-key-for-subprocesses-0123456789abcdef"
AUDIT_KEY = "kaifaqu-tests-only-audit-key-for-subprocesses"


def _admin_connection() -> Any:
    import psycopg

    default = settings.DATABASES["default"]
    return psycopg.connect(
        host=default.get("HOST") or None,
        port=default.get("PORT") or None,
        user=default.get("USER") or None,
        password=default.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


# One migrated database per test process, copied for each test that asks (a migration of the
# whole platform takes longer than the copy): a SQLite file, or a PostgreSQL template database.
_TEMPLATE: dict[str, str] = {}


def _pg_url(name: str) -> str:
    default = settings.DATABASES["default"]
    user = default.get("USER") or ""
    password = f":{default['PASSWORD']}" if default.get("PASSWORD") else ""
    host = default.get("HOST") or "127.0.0.1"
    port = default.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _migrate(url: str, folder: Path) -> None:
    done = kfq(environment(url, folder), "manage", "migrate", "--verbosity", "0")
    if done.returncode != 0:
        raise AssertionError(f"migrate failed:\n{done.stderr[-4000:]}")


def _drop_pg(name: str) -> None:
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _template() -> str:
    """The migrated template of this process: a SQLite file's path, or a database's name."""
    if "name" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="kfq-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        if connections["default"].vendor == "postgresql":
            name = f"kfq_tpl_{uuid.uuid4().hex[:12]}"
            with _admin_connection() as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            atexit.register(_drop_pg, name)
            _migrate(_pg_url(name), folder)
        else:
            name = str(folder / "template.sqlite3")
            _migrate(f"sqlite:///{name}", folder)
        _TEMPLATE["name"] = name
    return _TEMPLATE["name"]


@contextmanager
def own_database(folder: Path) -> Iterator[str]:
    """The DATABASE_URL of a migrated database on the suite's engine, removed afterwards."""
    template = _template()
    if connections["default"].vendor != "postgresql":
        path = folder / "own.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if Path(template + suffix).exists():
                shutil.copyfile(template + suffix, str(path) + suffix)
        yield f"sqlite:///{path}"
        return
    name = f"kfq_own_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _pg_url(name)
    finally:
        _drop_pg(name)


def environment(database_url: str, folder: Path, **extra: str) -> dict[str, str]:
    """The environment of a `kfq` process on that database: the production settings (their keys
    the tests'), its files (uploads, audit archives) in the test's folder."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "PORT"}
    }
    env |= {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "kaifaqu.config.settings.production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "KFQ_AUDIT_KEY": AUDIT_KEY,
        # The tests' data key, so a process reads what the tests wrote and the other way round.
        "KFQ_DATA_KEY": settings.KFQ_DATA_KEY,
        # Sessions are made as a sign-in leaves them; the second factor is its own tests' matter.
        "KFQ_MFA_ENABLED": "0",
        "KFQ_VAR_DIR": str(folder / "var"),
        "PYTHONPATH": str(ROOT),
    }
    env |= extra
    return env


def kfq(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a `kfq` command to its end (from the checkout under test)."""
    return subprocess.run(
        [sys.executable, "-m", "kaifaqu.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def python(env: dict[str, str], code: str, timeout: float = 300) -> str:
    """Run Python code with Django set up on that database; its standard output."""
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the process failed:\n{done.stdout}\n{done.stderr[-4000:]}")
    return done.stdout


def paused(
    env: dict[str, str], flag: Path, target: str, *args: str, log: Path
) -> subprocess.Popen[bytes]:
    """Start `kfq ARGS` with `target` ("module:function") made to stop for ever at its first call,
    after writing `flag`: the test then knows where the process is when it kills it."""
    code = (
        "import importlib, pathlib, sys, time\n"
        f"module_name, name = {target!r}.split(':')\n"
        "module = importlib.import_module(module_name)\n"
        "original = getattr(module, name)\n"
        "def stop_here(*args, **kwargs):\n"
        f"    pathlib.Path({str(flag)!r}).write_text('here')\n"
        "    while True:\n"
        "        time.sleep(60)\n"
        "setattr(module, name, stop_here)\n"
        "from kaifaqu.cli import main\n"
        f"sys.exit(main({list(args)!r}))\n"
    )
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-c", "import django; django.setup()\n" + code],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for(flag: Path, process: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not flag.exists():
        if process.poll() is not None:
            raise AssertionError(f"the process ended before the point:\n{log.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the process did not reach the point:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no handler, no `finally`, no commit."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
