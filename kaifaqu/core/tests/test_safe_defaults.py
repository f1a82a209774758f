"""Unsafe defaults (issue 15): `kfq` runs with production settings unless told otherwise, and the
demo, whose personas have published passwords, refuses a production setup."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

KFQ = [sys.executable, "-c", "from kaifaqu.cli import main; main()"]


def run_kfq(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "KFQ_"))
    }
    return subprocess.run(
        [*KFQ, *args],
        env={**clean, "KFQ_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_kfq_runs_with_production_settings_unless_told_otherwise(tmp_path: Path) -> None:
    # No secret key given: production settings refuse to start rather than use a published one.
    result = run_kfq("manage", "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_demo_refuses_a_production_setup_without_the_explicit_flag(tmp_path: Path) -> None:
    result = run_kfq(
        "demo",
        tmp_path=tmp_path,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        KFQ_AUDIT_KEY=secrets.token_urlsafe(40),
        KFQ_DATA_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    assert result.returncode != 0
    assert "production settings" in result.stderr
    assert not (tmp_path / "production.sqlite3").exists()


def test_the_embedded_setup_runs_without_debug_unless_asked(tmp_path: Path) -> None:
    # A debug 404 prints the URL map to anyone: `make run` keeps DEBUG off (DJANGO_DEBUG=1 on).
    probe = "from kaifaqu.config.settings import local; print(local.DEBUG)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    shown = subprocess.run(
        [sys.executable, "-c", probe], env=clean, capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "False"
    asked = subprocess.run(
        [sys.executable, "-c", probe],
        env={**clean, "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert asked.stdout.strip() == "True"
