"""`python -m bench [--rows N] [--history MONTHS] [--profile]`: run every benchmark on the database DATABASE_URL
selects (default: a SQLite file of its own under var/bench/, never the platform's database)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "var" / "bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument(
        "--history",
        type=int,
        default=13,
        help="months of returns before the imported month (13: what the review compares with)",
    )
    parser.add_argument("--profile", action="store_true", help="profile the import (cProfile)")
    args = parser.parse_args(argv)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    # One SQLite file per shape of province: a province is built once and kept.
    database = WORKDIR / f"bench-{args.rows}-h{args.history}.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings.local")
    import django

    django.setup()
    from django.conf import settings

    # Local settings log every query when DEBUG is on; a benchmark measures the platform as
    # production runs it.
    settings.DEBUG = False
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from bench import import_returns

    figures = import_returns.run(
        rows=args.rows, history=args.history, workdir=WORKDIR, profile=args.profile
    )
    print(figures.report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
