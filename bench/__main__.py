"""`python -m bench [--only import|indicators|latency|projects|accept|bulk-accept|month-close|load]
[--rows N]
[--history MONTHS] [--months MONTHS] [--requests N] [--sample N] [--statisticians N]
[--per-statistician N] [--page-users N] [--page-requests N] [--users N] [--zones N] [--seconds S]
[--unloaded-seconds S] [--warmup-seconds S] [--workers N] [--threads N] [--port P] [--profile]`: run the benchmarks (each
without --only) on the database DATABASE_URL selects (default: a SQLite file of its own per
benchmark and shape of province under var/bench/, never the platform's database)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "var" / "bench"
BENCHMARKS = (
    "import",
    "indicators",
    "latency",
    "projects",
    "accept",
    "bulk-accept",
    "month-close",
    "load",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--only", choices=BENCHMARKS, help="run one benchmark (default: each, one after the other)"
    )
    parser.add_argument(
        "--rows", type=int, default=200_000, help="enterprises of the province (one row each)"
    )
    parser.add_argument(
        "--history",
        type=int,
        default=13,
        help="import: months of returns before the imported month (13: what the review "
        "compares with)",
    )
    parser.add_argument(
        "--months",
        type=int,
        default=24,
        help="indicators, latency: months of returns up to 2024-12 (the issue's figures: 60)",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=300,
        help="latency: requests per kind (page or API, masked or not)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=200,
        help="bulk-accept: returns the reference accepts one by one (then extrapolated)",
    )
    parser.add_argument(
        "--statisticians",
        type=int,
        default=8,
        help="bulk-accept: statisticians accepting at once against `kfq serve` (0: none)",
    )
    parser.add_argument(
        "--per-statistician",
        type=int,
        default=40,
        help="bulk-accept: returns each of them accepts, one by one",
    )
    parser.add_argument(
        "--page-users",
        type=int,
        default=8,
        help="month-close: logged-in users asking for the month's pages at once (0: none)",
    )
    parser.add_argument(
        "--page-requests",
        type=int,
        default=150,
        help="month-close: requests of each of them",
    )
    parser.add_argument(
        "--users", type=int, default=64, help="load: users at once (the personas in proportion)"
    )
    parser.add_argument(
        "--zones", type=int, default=None, help="load: zones (default: one per 2,000 firms)"
    )
    parser.add_argument("--seconds", type=int, default=300, help="load: the loaded run's length")
    parser.add_argument(
        "--unloaded-seconds",
        type=int,
        default=60,
        help="load: the unloaded pass's length (one user, no think time)",
    )
    parser.add_argument(
        "--warmup-seconds", type=int, default=15, help="load: the warm-up (not measured)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="load: gunicorn's workers (default: as kfq serve on 2 cores, 3)",
    )
    parser.add_argument("--threads", type=int, default=1, help="load: threads per worker")
    parser.add_argument("--port", type=int, default=0, help="load: the server's port (0: any)")
    parser.add_argument(
        "--plan-only",
        action="store_true",
        help="load: build the province and write the plan (personas' sessions and tokens) to "
        "WORKDIR/load-plan.json, without serving: to time its requests in process",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=WORKDIR,
        help="the benchmarks' files (databases, logs, plans; default var/bench/)",
    )
    parser.add_argument("--profile", action="store_true", help="profile the import (cProfile)")
    args = parser.parse_args(argv)
    if args.only is None:
        # Each benchmark builds a province of its own shape (and the import rewrites its last
        # month): each runs in a process of its own, on a database of its own.
        given = list(sys.argv[1:] if argv is None else argv)
        for name in BENCHMARKS:
            status = subprocess.call([sys.executable, "-m", "bench", "--only", name, *given])
            if status:
                return status
        return 0
    workdir = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    # One SQLite file per shape of province: a province is built once and kept (the latency
    # benchmark reads the indicator benchmark's).
    if args.only == "import":
        database = workdir / f"bench-{args.rows}-h{args.history}.sqlite3"
    elif args.only == "month-close":
        # A province of its own: real months (entries, exits, missing and late returns).
        database = workdir / f"bench-{args.rows}-m{args.months}-month.sqlite3"
    elif args.only == "load":
        # The month end's shape of province, in a file of its own (the month-end benchmark
        # closes the month this one reports).
        database = workdir / f"bench-{args.rows}-m{args.months}-load.sqlite3"
    else:
        database = workdir / f"bench-{args.rows}-m{args.months}.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings.local")
    if args.only == "load":
        from bench.load import server_keys

        # The server's keys here too: the sessions made here are signed with its secret key,
        # and the audit rows written here sealed with its audit key.
        for name, value in server_keys(workdir).items():
            os.environ.setdefault(name, value)
    import django

    django.setup()
    from django.conf import settings

    # Local settings log every query when DEBUG is on; a benchmark measures the platform as
    # production runs it.
    settings.DEBUG = False
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    if args.only == "import":
        from bench import import_returns

        figures = import_returns.run(
            rows=args.rows, history=args.history, workdir=workdir, profile=args.profile
        )
        print(figures.report())
    elif args.only == "projects":
        from bench import project_latency

        # The indicator benchmark's province (same file), with 100,000 projects added once.
        print(
            project_latency.run(
                requests=min(args.requests, 200), enterprises=args.rows, months=args.months
            ).report()
        )
    elif args.only == "accept":
        from bench import accept

        # The indicator benchmark's province (same file); its last month's returns accepted again.
        print(accept.run(enterprises=args.rows, months=args.months).report())
    elif args.only == "bulk-accept":
        from bench import bulk_accept

        # The indicator benchmark's province (same file); its last month accepted again.
        print(
            bulk_accept.run(
                enterprises=args.rows,
                months=args.months,
                sample=args.sample,
                statisticians=args.statisticians,
                per_user=args.per_statistician,
                workdir=workdir,
            ).report()
        )
    elif args.only == "month-close":
        from bench import month_close

        print(
            month_close.run(
                enterprises=args.rows,
                months=args.months,
                page_users=args.page_users,
                page_requests=args.page_requests,
                workdir=workdir,
            ).report()
        )
    elif args.only == "load":
        from bench import load

        figures = load.run(
            enterprises=args.rows,
            zones=args.zones,
            months=args.months,
            seconds=args.seconds,
            unloaded_seconds=args.unloaded_seconds,
            warmup_seconds=args.warmup_seconds,
            workers=args.workers or load.WORKERS,
            threads=args.threads,
            port=args.port,
            mix=load.scaled_mix(args.users),
            workdir=workdir,
            plan_only=args.plan_only,
        )
        if figures is None:
            return 0
        print(figures.report())
        # The figures as data too (tests, and comparing runs).
        (workdir / "load-figures.json").write_text(json.dumps(figures.as_dict()))
        return 0 if figures.met else 1
    elif args.only == "latency":
        from bench import indicator_latency

        # The indicator benchmark's province (same file), its stored table built once.
        print(
            indicator_latency.run(
                enterprises=args.rows, months=args.months, requests=args.requests
            ).report()
        )
    else:
        from bench import indicators

        print(indicators.run(enterprises=args.rows, months=args.months).report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
