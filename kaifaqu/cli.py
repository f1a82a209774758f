"""`kfq`: the one command-line entry point for every job a person runs from a shell."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings.local")
    import django

    django.setup()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Kaifaqu (开发区运行平台) command line."""


@main.command()
@click.option("--no-migrate", is_flag=True, help="Do not apply database migrations first.")
@click.option("--province", is_flag=True, help="Build the synthetic province for scale tests.")
@click.option("--zones", default=100, show_default=True, help="With --province: zones.")
@click.option("--enterprises", default=200_000, show_default=True, help="With --province.")
@click.option("--months", default=60, show_default=True, help="With --province: up to 2024-12.")
@click.option("--seed", default=2025, show_default=True, help="With --province.")
def demo(
    no_migrate: bool, province: bool, zones: int, enterprises: int, months: int, seed: int
) -> None:
    """Load the demo zone (朔州经济开发区) and its personas; running it again changes nothing.

    With --province, build the synthetic province for scale tests instead (once).
    """
    _setup_django()
    from django.core.management import call_command

    from kaifaqu.demo.province import describe, generate_province
    from kaifaqu.demo.services import demo_load

    if not no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    if not province:
        click.echo(demo_load(echo=click.echo))
        return
    bars: dict[str, tuple[Any, int]] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in bars:
            bar = click.progressbar(length=total, label=phase)
            bars[phase] = (bar.__enter__(), 0)
        bar, shown = bars[phase]
        bar.update(done - shown)
        bars[phase] = (bar, done)
        if done >= total:
            bar.__exit__(None, None, None)

    summary = generate_province(
        zones=zones, enterprises=enterprises, months=months, seed=seed, progress=progress
    )
    click.echo(describe(summary))


@main.command()
@click.argument("username")
def token(username: str) -> None:
    """Print the API token of USERNAME (created on first use) for `Authorization: Token …`."""
    _setup_django()
    from kaifaqu.accounts.models import User
    from kaifaqu.accounts.services import user_token

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(f"no active user named {username!r}")
    click.echo(user_token(user=user))


@main.command()
@click.option(
    "--port", default=lambda: os.environ.get("PORT", "8000"), show_default="$PORT or 8000"
)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(port: str, host: str) -> None:
    """Serve the platform with Django's server (for the embedded, single-machine setup), and the
    background worker next to it."""
    _setup_django()
    from django.core.management import call_command

    worker = start_worker()
    # Stopped by a service manager (SIGTERM) as by Ctrl-C: the worker is stopped with the server.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    finally:
        stop_worker(worker)


def start_worker() -> subprocess.Popen[bytes]:
    """Start `kfq worker` as a child process, with this process's settings and environment."""
    return subprocess.Popen([sys.executable, "-m", "kaifaqu.cli", "worker", "--no-reload"])


def stop_worker(worker: subprocess.Popen[bytes], *, grace: float = 30) -> None:
    """Ask the worker to stop (it finishes the task it is running) and wait; kill it after
    `grace` seconds."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@main.command()
@click.option(
    "--interval", default=1.0, show_default=True, help="Seconds between looks for new tasks."
)
@click.option("--batch", is_flag=True, help="Run the tasks waiting now, then stop.")
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Restart on code changes (default: when DEBUG is on, as in `make run`).",
)
def worker(interval: float, batch: bool, reload: bool | None) -> None:
    """Run the background tasks (roll-ups after accepted returns, …): django-tasks' database
    worker. `kfq serve` starts one; under systemd, run it as its own service."""
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    call_command(
        "db_worker",
        interval=interval,
        batch=batch,
        reload=settings.DEBUG if reload is None else reload,
        startup_delay=not batch,
    )


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, check, createsuperuser, …)."""
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kfq manage", *args])


@main.group(name="import")
def import_group() -> None:
    """Import data files: a month of returns, the tax bureau's or the grid's list, a project ledger."""


def _importer(username: str | None) -> Any:
    from kaifaqu.accounts.models import User

    if username is None:
        return None
    by = User.objects.filter(username=username, is_active=True).first()
    if by is None:
        raise click.ClickException(f"no active user named {username!r}")
    return by


@contextmanager
def _refused_cleanly() -> Iterator[None]:
    """A person who may not import gets the reason, not a traceback."""
    from django.core.exceptions import PermissionDenied

    try:
        yield
    except PermissionDenied as refusal:
        raise click.ClickException(str(refusal) or "permission denied") from refusal


def _report(result: Any) -> None:
    """Every error with its row and column (exit code 1), or what was written."""
    if result.errors:
        click.echo(f"{len(result.errors)} error(s); nothing was imported:", err=True)
        for error in result.errors:
            row = "-" if error.row is None else str(error.row)
            click.echo(f"  row {row}\t{error.column}\t{error.message}", err=True)
        sys.exit(1)
    click.echo(
        f"{result.rows} rows: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )


MONEY_UNITS = click.Choice(["元", "千元", "万元"])
AS_USER = click.option("--as", "username", help="Import as this user (their scope applies).")
FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))


@import_group.command(name="returns")
@FILE
@click.option(
    "--unit",
    type=MONEY_UNITS,
    default="千元",
    show_default=True,
    help="Money unit of the figures, unless a column header says otherwise.",
)
@AS_USER
def import_returns(file: Path, unit: str, username: str | None) -> None:
    """Import a month of returns from an Excel workbook or CSV file (all or nothing)."""
    _setup_django()
    from kaifaqu.core.lib.money import MoneyUnit
    from kaifaqu.returns.imports import returns_import

    by = _importer(username)
    with click.progressbar(length=100, label="reading", show_percent=True) as bar:
        position = 0

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal position
            bar.label = stage
            target = {"read": 10, "validate": 40, "write": 90, "review": 100}[stage]
            start = {"read": 0, "validate": 10, "write": 40, "review": 90}[stage]
            share = start + (target - start) * (done / total if total else 1)
            bar.update(max(0, int(share) - position))
            position = max(position, int(share))

        with _refused_cleanly():
            result = returns_import(
                by=by, file=file, filename=file.name, unit=MoneyUnit(unit), progress=progress
            )
        bar.update(100 - position)
    _report(result)


@import_group.command(name="proxies")
@FILE
@click.option(
    "--unit",
    type=MONEY_UNITS,
    default="万元",
    show_default=True,
    help="Money unit of 应纳税额, unless its column header says otherwise.",
)
@click.option(
    "--source", default="", help="Source written on rows without a 来源 (default: the file's name)."
)
@AS_USER
def import_proxies(file: Path, unit: str, source: str, username: str | None) -> None:
    """Import the tax bureau's or the grid's monthly list (应纳税额, 用电量), all or nothing."""
    _setup_django()
    from kaifaqu.core.lib.money import MoneyUnit
    from kaifaqu.returns.imports.proxies import proxies_import

    with _refused_cleanly():
        result = proxies_import(
            by=_importer(username),
            file=file,
            filename=file.name,
            unit=MoneyUnit(unit),
            source=source,
        )
    _report(result)


@import_group.command(name="projects")
@FILE
@click.option(
    "--zone", "zone_name", required=True, help="The zone whose ledger this is (its name)."
)
@click.option(
    "--unit",
    type=click.Choice(["元", "千元", "万元", "亿元"]),
    default="万元",
    show_default=True,
    help="Money unit of the figures, unless a column header says otherwise.",
)
@AS_USER
def import_projects(file: Path, zone_name: str, unit: str, username: str | None) -> None:
    """Import a zone's project ledger (项目台账) from an Excel workbook or CSV file (all or nothing)."""
    _setup_django()
    from kaifaqu.core.lib.money import MoneyUnit
    from kaifaqu.geo.models import Zone
    from kaifaqu.projects.imports import projects_import

    zone = Zone.objects.filter(name=zone_name).first()
    if zone is None:
        raise click.ClickException(f"no zone named {zone_name!r}")
    with _refused_cleanly():
        result = projects_import(
            by=_importer(username), zone=zone, file=file, filename=file.name, unit=MoneyUnit(unit)
        )
    _report(result)


@main.command()
@click.option(
    "--month", "months", multiple=True, help="A month to rebuild, e.g. 2025-03 (repeatable)."
)
@click.option("--all", "everything", is_flag=True, help="Every month with accepted returns.")
@click.option(
    "--changed",
    is_flag=True,
    help="Only the months marked since accepted returns changed (what the worker does).",
)
def rollup(months: tuple[str, ...], everything: bool, changed: bool) -> None:
    """Rebuild the indicator table (roll-ups) from the accepted returns; with --all, the return
    ledger (the returns' figures by month and block of enterprises) as well. Runs the worker's
    task code here, with a progress bar."""
    if (bool(months) + everything + changed) != 1:
        raise click.UsageError("give --month YYYY-MM (one or more), --all or --changed")
    _setup_django()
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.indicators.tasks import run_rollup_marked, run_rollup_months

    try:
        for value in months:
            Month.parse(value)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    if everything:
        from kaifaqu.returns.services.ledger import ledger_rebuild

        click.echo(f"{ledger_rebuild()} ledger rows written")
    lines: list[str] = []
    with click.progressbar(length=1, label="months", show_pos=True) as bar:
        shown = 0

        def progress(done: int, total: int) -> None:
            nonlocal shown
            bar.length = max(total, 1)
            bar.update(done - shown)
            shown = done

        if changed:
            written = run_rollup_marked(progress=progress)
        else:
            written = run_rollup_months(
                months=list(months) or None, progress=progress, echo=lines.append
            )
    for line in lines:
        click.echo(line)
    click.echo(f"{written} {'months' if changed else 'cells'} written")


if __name__ == "__main__":
    sys.exit(main())
