"""`kfq`: the one command-line entry point for every job a person runs from a shell.

Each command imports the platform's modules inside its body, after `_setup_django()`: models
cannot be imported before Django is set up, and `kfq --help` stays fast without loading them.
"""

import gc
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kaifaqu.core.files import PRIVATE_UMASK


def _setup_django() -> None:
    # Whatever kfq (the server, the worker, imports, backups) creates is its account's alone:
    # the SQLite database, uploads, exports (issue 15: they were world-readable).
    os.umask(PRIVATE_UMASK)
    # Production settings unless told otherwise: `make run` and the tests choose theirs; a
    # server started by hand never runs with DEBUG and a published secret key by accident.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings.production")
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
@click.option(
    "--real-months",
    is_flag=True,
    help="With --province: roster entries and exits, missing and late returns.",
)
@click.option(
    "--allow-production",
    is_flag=True,
    help="Load the demo even under production settings (its accounts have published passwords).",
)
def demo(
    no_migrate: bool,
    province: bool,
    zones: int,
    enterprises: int,
    months: int,
    seed: int,
    real_months: bool,
    allow_production: bool,
) -> None:
    """Load the demo zone (朔州经济开发区) and its personas; running it again changes nothing.

    With --province, build the synthetic province for scale tests instead (once).
    """
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.KFQ_DEMO_ALLOWED and not allow_production:
        raise click.ClickException(
            "these are production settings: the demo creates accounts whose passwords are "
            "published. Use the embedded setup (make run), or pass --allow-production."
        )

    from kaifaqu.demo.province import describe, generate_province
    from kaifaqu.demo.services import demo_load

    if not no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    if not province:
        click.echo(demo_load(echo=click.echo))
        return
    summary = generate_province(
        zones=zones,
        enterprises=enterprises,
        months=months,
        seed=seed,
        progress=_phase_bars(),
        real_months=real_months,
    )
    click.echo(describe(summary))


class _TokenCommands(click.Group):
    """`kfq token USERNAME …` issues (as it always did); `kfq token list|revoke …` the rest."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["issue", *args]
        return super().parse_args(ctx, args)


@main.group(cls=_TokenCommands)
def token() -> None:
    """API tokens: `kfq token USERNAME` issues one and prints it; `list` and `revoke`.

    A token is printed once and stored only as a hash. One token per purpose: issuing another
    for the same purpose revokes the one before (rotation).
    """


def _active_user(username: str) -> Any:
    from kaifaqu.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(f"no active user named {username!r}")
    return user


@token.command("issue")
@click.argument("username")
@click.option("--purpose", default="cli", show_default=True, help="What the token is for.")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Valid for this many days (default KFQ_API_TOKEN_DAYS, 90).",
)
def token_issue(username: str, purpose: str, days: int | None) -> None:
    """Issue a token of USERNAME for `Authorization: Token …` and print it (only this once)."""
    _setup_django()
    from django.core.exceptions import ValidationError

    from kaifaqu.accounts.tokens.services import api_token_issue

    user = _active_user(username)
    try:
        issued = api_token_issue(
            user=user, purpose=purpose, days=days, replace=True, via="kfq token"
        )
    except ValidationError as error:
        raise click.ClickException(" ".join(error.messages)) from error
    click.echo(issued.secret)
    click.echo(
        f"{issued.token.display} {purpose!r} of {username}, "
        f"valid until {issued.token.expires_at:%Y-%m-%d %H:%M %Z}",
        err=True,
    )


@token.command("list")
@click.argument("username")
def token_list(username: str) -> None:
    """List the tokens of USERNAME (never their secrets)."""
    _setup_django()
    from django.utils import timezone

    from kaifaqu.accounts.models import User
    from kaifaqu.accounts.tokens.selectors import api_token_list

    user = User.objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user named {username!r}")

    def when(moment: Any) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"

    for row in api_token_list(user=user):
        click.echo(
            f"{row.display:16} {row.status!s:8} {row.purpose!r:24} created {when(row.created_at)}"
            f"  expires {when(row.expires_at)}  last used {when(row.last_used_at)}"
        )


@token.command("revoke")
@click.argument("username")
@click.option("--purpose", help="The purpose of the token to revoke.")
@click.option("--all", "everything", is_flag=True, help="Revoke every token of USERNAME.")
def token_revoke(username: str, purpose: str | None, everything: bool) -> None:
    """Revoke a token of USERNAME (by --purpose), or all of them (--all)."""
    _setup_django()
    from kaifaqu.accounts.models import User
    from kaifaqu.accounts.tokens.models import ApiToken
    from kaifaqu.accounts.tokens.services import api_token_revoke, api_tokens_revoke_all

    if bool(purpose) == everything:
        raise click.UsageError("give either --purpose or --all")
    user = User.objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    if everything:
        click.echo(f"{api_tokens_revoke_all(user=user)} token(s) of {username} revoked")
        return
    found = ApiToken.objects.filter(user=user, purpose=purpose, revoked_at__isnull=True).first()
    if found is None:
        raise click.ClickException(f"{username} has no token for {purpose!r}")
    api_token_revoke(token=found)
    click.echo(f"{found.display} {purpose!r} of {username} revoked")


def _default_workers() -> int:
    """Gunicorn's rule of thumb, 2 × cores + 1, capped at 9 so a large machine's memory is spared."""
    return min(2 * (os.cpu_count() or 1) + 1, 9)


@main.command()
@click.option(
    "--port", default=lambda: os.environ.get("PORT", "8000"), show_default="$PORT or 8000"
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=_default_workers,
    show_default="2 × cores + 1, at most 9",
    help="Worker processes of gunicorn.",
)
@click.option(
    "--threads", type=click.IntRange(min=1), default=1, show_default=True, help="Per worker."
)
@click.option("--dev", is_flag=True, help="Django's development server, reloading on changes.")
def serve(port: str, host: str, workers: int, threads: int, dev: bool) -> None:
    """Serve the platform with gunicorn (also in the embedded, single-machine setup).

    Static files are served by WhiteNoise; the access log goes to standard output. The
    background worker (`kfq worker`: roll-ups after accepted returns, …) runs beside it.
    """
    _setup_django()
    # The background worker runs beside the server (one, in the process that is not the
    # reloader's child: `--dev` re-runs this command in a child that must not start another).
    worker = None if os.environ.get("RUN_MAIN") == "true" else WorkerWatch(start_worker())
    # Stopped by a service manager (SIGTERM) as by Ctrl-C: the worker is stopped with the server.
    try:
        if dev:
            from django.core.management import call_command

            signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
            call_command("runserver", f"{host}:{port}", use_reloader=True)
            return
        if worker is not None:
            worker.start()
        _serve_with_gunicorn(host=host, port=port, workers=workers, threads=threads)
    finally:
        if worker is not None:
            worker.stop()
            stop_worker(worker.process)


class WorkerWatch(threading.Thread):
    """Starts the background worker again when it dies while the server runs (killed, or out of
    memory): gunicorn restarts its own workers, nobody restarted this one, and the roll-ups and
    large imports waited for the server's next restart (issue 15, item 9). The new worker takes
    up the task the dead one left running (core/tasks.py).

    Whatever the way it ended: gunicorn's arbiter reaps every child of the process, the worker
    included, so its exit status is lost (Popen then says 0). A service manager stopping
    everything at once may so see a worker started again during the seconds the server takes to
    stop; the server stops it with itself."""

    def __init__(self, process: subprocess.Popen[bytes], *, every: float = 2.0) -> None:
        super().__init__(name="kfq-worker-watch", daemon=True)
        self.process = process
        self.every = every
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.every):
            if self.process.poll() is not None and not self.stopping.is_set():
                click.echo("the background worker stopped: started again", err=True)
                self.process = start_worker()

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=10)


def _serve_with_gunicorn(*, host: str, port: str, workers: int, threads: int) -> None:
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    if (
        not getattr(settings, "WHITENOISE_USE_FINDERS", settings.DEBUG)
        and not Path(settings.STATIC_ROOT).is_dir()
    ):
        click.echo(
            f"warning: {settings.STATIC_ROOT} does not exist: run `kfq manage collectstatic`",
            err=True,
        )

    class Gunicorn(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": "-",
                "errorlog": "-",
                "proc_name": "kfq",
                # Django is set up once, then each worker is forked from it.
                "preload_app": True,
                # Long pages (imports, exports) may take a while; gunicorn's 30 s is too short.
                "timeout": 120,
                # An idle kept-alive connection is closed after this long. Gunicorn's 2 s raced
                # clients that click or call every second or three: the next request, sent on
                # the connection as the server closed it, got "connection reset" (the load
                # benchmark, issue 15 item 9). 5 s, the top of gunicorn's advice for a server
                # clients reach directly; an idle connection costs the gthread worker no thread.
                "keepalive": 5,
                # The control socket sits at one path per user: two servers would share it.
                "control_socket_disable": True,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIHandler:
            from kaifaqu.core.warmup import warm_up

            application = WSGIHandler()
            # Templates compiled, views imported, translations read once, before the fork.
            warm_up()
            connections.close_all()  # no connection of the master is inherited by a worker
            # What the master built stays out of the workers' garbage collection: their first
            # full collection scanned it all (0.14 s inside one of their first requests), and
            # the pages it sits on stay shared with the master instead of copied (Python's
            # advice for servers that fork).
            gc.collect()
            gc.freeze()
            return application

    Gunicorn().run()  # gunicorn stops on SIGTERM (gracefully) and on Ctrl-C


# The background worker's niceness beside the server: its roll-ups and imports run for seconds of
# CPU each, and at the same priority they took 17–26 % of the cores from the requests under the
# load benchmark's 64 users (issue 15, item 9). A request waits for nothing the worker does (the
# pages say "updating…" meanwhile), so the requests go first.
SERVED_WORKER_NICE = 10


def start_worker() -> subprocess.Popen[bytes]:
    """Start `kfq worker` as a child process, with this process's settings and environment, at
    a lower priority than the server's requests."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kaifaqu.cli",
            "worker",
            "--no-reload",
            "--nice",
            str(SERVED_WORKER_NICE),
        ]
    )


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
    help="Restart on code changes (default: when DEBUG is on, DJANGO_DEBUG=1).",
)
@click.option(
    "--nice",
    type=click.IntRange(min=0, max=19),
    default=0,
    show_default=True,
    help="Lower the worker's priority by this much (`kfq serve` starts it at 10).",
)
def worker(interval: float, batch: bool, reload: bool | None, nice: int) -> None:
    """Run the background tasks (roll-ups after accepted returns, …): django-tasks' database
    worker. `kfq serve` starts one; under systemd, run it as its own service."""
    if nice:
        os.nice(nice)
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from kaifaqu.core.tasks import tasks_recover, worker_name

    # The tasks a killed worker of this machine left running are taken up again (or given up
    # after MAX_CLAIMS tries); this worker is named host:pid so that the next one can tell.
    recovered = tasks_recover()
    for task_id in recovered.requeued:
        click.echo(f"task {task_id} was left running by a worker that is gone: queued again")
    for task_id in recovered.given_up:
        click.echo(f"task {task_id} stopped its worker too often: given up", err=True)
    call_command(
        "db_worker",
        interval=interval,
        batch=batch,
        reload=settings.DEBUG if reload is None else reload,
        startup_delay=not batch,
        worker_id=worker_name(),
    )


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, check, showmigrations, …)."""
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kfq manage", *args])


@main.command(
    name="import",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("kind")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def import_command(kind: str, args: tuple[str, ...]) -> None:
    """Import a data file of a KIND, all or nothing: returns (a month of returns), proxies (the
    tax bureau's or the grid's list), projects (a zone's project ledger).

    `kfq import KIND --help` lists the options of a kind.
    """
    _setup_django()
    from kaifaqu.core.imports.registry import UnknownKindError, get_kind

    try:
        spec = get_kind(kind)
    except UnknownKindError as unknown:
        raise click.ClickException(str(unknown)) from unknown
    _kind_command(spec).main(list(args), prog_name=f"kfq import {kind}", standalone_mode=False)


def _kind_command(spec: Any) -> click.Command:
    """The options of one kind of import: the file, its money unit, who imports, its own."""
    params: list[click.Parameter] = [
        click.Argument(["file"], type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.Option(["--as", "username"], help="Import as this user (their scope applies)."),
    ]
    if spec.units:  # a file without money (a roster) has no unit to choose
        params.insert(
            1,
            click.Option(
                ["--unit"],
                type=click.Choice([unit.value for unit in spec.units]),
                default=spec.default_unit.value,
                show_default=True,
                help=str(spec.unit_label or "Money unit of the figures")
                + ", unless a column header says otherwise (the header's unit wins).",
            ),
        )
    if spec.electricity_units:
        params.append(
            click.Option(
                ["--electricity-unit"],
                type=click.Choice(list(spec.electricity_units)),
                default=spec.electricity_units[0],
                show_default=True,
                help="Unit of electricity, unless a column header says otherwise.",
            )
        )
    for option in spec.options:
        # A required option has no default at all (click takes any default as given).
        default = {} if option.required else {"default": option.default}
        params.append(
            click.Option(
                [f"--{option.name}"], required=option.required, help=str(option.help), **default
            )
        )

    def run(file: Path, username: str | None, unit: str | None = None, **given: str) -> None:
        from kaifaqu.core.imports import run_import
        from kaifaqu.core.lib.money import MoneyUnit

        options: dict[str, Any] = {}
        if spec.electricity_units:
            options["electricity_unit"] = given.pop("electricity_unit")
        for option in spec.options:
            value = given[option.name]
            try:
                options[option.name] = option.resolve(value) if option.resolve else value
            except ValueError as error:
                raise click.ClickException(str(error)) from error
        by = _importer(username)
        with _progress(spec.phases) as progress, _refused_cleanly():
            result = run_import(
                spec,
                by=by,
                file=file,
                filename=file.name,
                unit=MoneyUnit(unit) if unit else None,
                progress=progress,
                **options,
            )
        _report(result)

    return click.Command(
        name=spec.kind,
        params=params,
        callback=run,
        help=str(spec.page.title),
        context_settings={"help_option_names": ["-h", "--help"]},
    )


@contextmanager
def _progress(phases: Mapping[str, int]) -> Iterator[Any]:
    """A progress bar through a kind's phases (name → percent at its end), or None."""
    if not phases:
        yield None
        return
    starts = dict(zip(phases, [0, *phases.values()], strict=False))
    with click.progressbar(length=100, label="reading", show_percent=True) as bar:
        position = 0

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal position
            bar.label = stage
            start, target = starts[stage], phases[stage]
            share = start + (target - start) * (done / total if total else 1)
            bar.update(max(0, int(share) - position))
            position = max(position, int(share))

        yield progress
        bar.update(100 - position)


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


@main.group()
def user() -> None:
    """Accounts (三员分立): list, create, disable, enable, reset a password, assign a role.

    Without --by the command acts as the server's operator, who sets up the first three
    administrators; with --by USER it acts as that person and the permission table decides.
    Every change is in the audit trail.
    """


def _account(username: str) -> Any:
    from kaifaqu.accounts.models import User

    account = User.objects.filter(username=username).first()
    if account is None:
        raise click.ClickException(f"no account named {username!r}")
    return account


_by_option = click.option(
    "--by", "by_username", default=None, help="Act as this person (an administrator)."
)


@user.command("list")
@click.option("--role", default=None, help="Only this role (e.g. statistician).")
def user_list(role: str | None) -> None:
    """Print every account: user name, role, scope, active."""
    _setup_django()
    from kaifaqu.accounts.models import User

    accounts = User.objects.select_related(
        "scope_region", "scope_zone", "scope_park", "scope_enterprise"
    ).order_by("username")
    if role is not None:
        accounts = accounts.filter(role=role)
    for account in accounts:
        scope = account.scope_label if account.role else "-"
        state = "active" if account.is_active else "disabled"
        click.echo(f"{account.username}\t{account.role or '-'}\t{scope}\t{state}")


@user.command("create")
@click.argument("username")
@click.option("--name", "full_name", default="", help="The holder's full name.")
@click.option("--email", default="", help="The holder's e-mail address.")
@_by_option
def user_create(username: str, full_name: str, email: str, by_username: str | None) -> None:
    """Create an account without a role; print its one-time password."""
    _setup_django()
    from kaifaqu.accounts.services import account_create

    with _refused_or_invalid():
        account, secret = account_create(
            by=_importer(by_username), username=username, full_name=full_name, email=email
        )
    click.echo(f"created {account.username}; one-time password (change at first sign-in): {secret}")


@user.command("disable")
@click.argument("username")
@_by_option
def user_disable(username: str, by_username: str | None) -> None:
    """Disable an account: no sign-in, its sessions end, its tokens stop."""
    _setup_django()
    from kaifaqu.accounts.services import account_disable

    with _refused_or_invalid():
        account_disable(by=_importer(by_username), user=_account(username))
    click.echo(f"disabled {username}")


@user.command("enable")
@click.argument("username")
@_by_option
def user_enable(username: str, by_username: str | None) -> None:
    """Enable a disabled account."""
    _setup_django()
    from kaifaqu.accounts.services import account_enable

    with _refused_or_invalid():
        account_enable(by=_importer(by_username), user=_account(username))
    click.echo(f"enabled {username}")


@user.command("reset-password")
@click.argument("username")
@_by_option
def user_reset_password(username: str, by_username: str | None) -> None:
    """Give an account a new one-time password (printed) and end its sessions."""
    _setup_django()
    from kaifaqu.accounts.services import account_password_reset

    with _refused_or_invalid():
        secret = account_password_reset(by=_importer(by_username), user=_account(username))
    click.echo(f"one-time password of {username} (change at next sign-in): {secret}")


@user.command("reset-second-factor")
@click.argument("username")
@_by_option
def user_reset_second_factor(username: str, by_username: str | None) -> None:
    """Remove an account's second-factor devices (a lost phone); it enrols again at sign-in."""
    _setup_django()
    from kaifaqu.accounts.services import account_second_factor_reset

    with _refused_or_invalid():
        removed = account_second_factor_reset(by=_importer(by_username), user=_account(username))
    click.echo(f"{removed} second-factor device(s) of {username} removed")


@user.command("role")
@click.argument("username")
@click.argument("role")
@click.option("--region", "region_code", default=None, help="Region code (GB/T 2260).")
@click.option("--zone", "zone_id", type=int, default=None, help="Zone id.")
@click.option("--park", "park_id", type=int, default=None, help="Park id.")
@click.option("--enterprise", "uscc", default=None, help="Enterprise USCC.")
@_by_option
def user_role(
    username: str,
    role: str,
    region_code: str | None,
    zone_id: int | None,
    park_id: int | None,
    uscc: str | None,
    by_username: str | None,
) -> None:
    """Give an account its ROLE (e.g. statistician; 'none' for no role) and scope."""
    _setup_django()
    from kaifaqu.accounts.selectors import scope_model
    from kaifaqu.accounts.services import account_role_assign

    def find(field: str, **lookup: Any) -> Any:
        if all(value is None for value in lookup.values()):
            return None
        found = scope_model(field)._default_manager.filter(**lookup).first()
        if found is None:
            raise click.ClickException(f"no {field.removeprefix('scope_')} with {lookup}")
        return found

    with _refused_or_invalid():
        account = account_role_assign(
            by=_importer(by_username),
            user=_account(username),
            role="" if role == "none" else role,
            scope_region=find("scope_region", code=region_code),
            scope_zone=find("scope_zone", pk=zone_id),
            scope_park=find("scope_park", pk=park_id),
            scope_enterprise=find("scope_enterprise", uscc=uscc),
        )
    click.echo(f"{account.username}: {account.role or 'no role'} ({account.scope_label})")


@main.group()
def month() -> None:
    """The reporting month (报告期): open the months due, see one, close it, publish it."""


def _month_of(zone_id: int, value: str | None) -> Any:
    """The zone's reporting month (the latest when no month is given), or a clean error."""
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.returns.models import ReportingMonth

    months = ReportingMonth.objects.filter(zone_id=zone_id).select_related("zone")
    if value:
        try:
            months = months.filter(period=Month.parse(value).first_day)
        except ValueError as error:
            raise click.UsageError(str(error)) from error
    record = months.order_by("-period").first()
    if record is None:
        raise click.ClickException(f"zone {zone_id} has no reporting month {value or ''}".strip())
    return record


def _acting(username: str) -> Any:
    by = _importer(username)
    if by is None:  # pragma: no cover - click requires --as
        raise click.UsageError("give --as USER")
    return by


@contextmanager
def _refused_or_invalid() -> Iterator[None]:
    """A refusal or a service's reasons, one a line (exit code 1), never a traceback."""
    from django.core.exceptions import ValidationError

    with _refused_cleanly():
        try:
            yield
        except ValidationError as error:
            raise click.ClickException("\n".join(error.messages)) from error


@month.command("open-due")
@click.option("--today", help="The day to act as of (YYYY-MM-DD); today by default.")
def month_open_due(today: str | None) -> None:
    """Open, for every zone with a roster, the month its firms report now (for cron)."""
    _setup_django()
    from datetime import date

    from django.utils import timezone

    from kaifaqu.returns.services.months import reporting_months_open_due

    day = date.fromisoformat(today) if today else timezone.localdate()
    click.echo(f"{reporting_months_open_due(today=day)} reporting months opened")


@month.command("status")
@click.option("--zone", "zone_id", type=int, required=True, help="Zone id.")
@click.option("--month", "value", help="YYYY-MM; the zone's latest month by default.")
def month_status(zone_id: int, value: str | None) -> None:
    """A zone's month: status, deadline, response rate, firms by state, what blocks the close."""
    _setup_django()
    from django.utils import timezone

    from kaifaqu.returns.selectors.month_pages import month_row, park_rows
    from kaifaqu.returns.selectors.months import close_blockers

    record = _month_of(zone_id, value)
    row = month_row(record, today=timezone.localdate())
    progress = row.progress

    def rate(value: Any) -> str:
        return "—" if value is None else f"{value}%"

    overdue = " (overdue)" if row.overdue else ""
    click.echo(f"{record.zone.name} {record.period:%Y-%m}: {row.phase}, revision {record.revision}")
    click.echo(f"returns due by {record.deadline}{overdue}")
    click.echo(
        f"response rate {rate(progress.response_rate)} ({progress.reached} of "
        f"{progress.expected} firms); accepted {rate(progress.acceptance_rate)} "
        f"({progress.accepted} of {progress.expected})"
    )
    for state, count in sorted(progress.states.items()):
        click.echo(f"  {state}\t{count}")
    for park in park_rows(record):
        click.echo(
            f"  park {park.name or '-'}\t{rate(park.progress.response_rate)}\t"
            f"{park.progress.reached}/{park.progress.expected}"
        )
    for line in close_blockers(record) if record.is_open else []:
        click.echo(f"cannot close: {line}")


@month.command("close")
@click.option("--zone", "zone_id", type=int, required=True, help="Zone id.")
@click.option("--month", "value", required=True, help="YYYY-MM.")
@click.option("--as", "username", required=True, help="Close as this user (a statistician).")
def month_close(zone_id: int, value: str, username: str) -> None:
    """Close a zone's month (estimating the firms recorded 未报 to be estimated); refused, with
    every reason, while a firm is still open."""
    _setup_django()
    from kaifaqu.returns.services.months import reporting_month_close

    by = _acting(username)
    record = _month_of(zone_id, value)
    with click.progressbar(length=1, label="closing") as bar, _refused_or_invalid():
        closed = reporting_month_close(by=by, reporting_month=record)
        bar.update(1)
    click.echo(f"{closed.zone.name} {closed.period:%Y-%m} closed")


@month.command("publish")
@click.option("--zone", "zone_id", type=int, required=True, help="Zone id.")
@click.option("--month", "value", required=True, help="YYYY-MM.")
@click.option("--as", "username", required=True, help="Publish as this user (a statistician).")
@click.option("--note", default="", help="A note for the revision log.")
def month_publish_command(zone_id: int, value: str, username: str, note: str) -> None:
    """Publish a closed month (审定发布): the indicator table is rolled up first."""
    _setup_django()
    from kaifaqu.indicators.services.publication import month_publish

    by = _acting(username)
    record = _month_of(zone_id, value)
    with click.progressbar(length=1, label="rolling up and publishing") as bar:
        with _refused_or_invalid():
            publication = month_publish(by=by, reporting_month=record, note=note)
        bar.update(1)
    click.echo(
        f"{record.zone.name} {record.period:%Y-%m} published, revision {publication.revision}"
    )


@month.command("close-all")
@click.option("--month", "value", required=True, help="YYYY-MM.")
@click.option("--as", "username", required=True, help="As this user: every zone of its scope.")
@click.option("--no-publish", is_flag=True, help="Close only; publish later.")
def month_close_all(value: str, username: str, no_publish: bool) -> None:
    """Close the month in every zone of the user's scope that can close, then publish them:
    the indicator table is rolled up once for all of them. A zone that cannot close is named
    with its reasons (exit code 1) and left open."""
    _setup_django()
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.indicators.services.publication import months_close_and_publish

    by = _acting(username)
    try:
        period = Month.parse(value).first_day
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    with _refused_or_invalid():
        done = months_close_and_publish(by=by, period=period, publish=not no_publish)
    click.echo(f"{len(done.closed)} closed, {len(done.published)} published")
    for zone_id, reasons in done.refused.items():
        click.echo(f"zone {zone_id} not closed: " + " ".join(reasons), err=True)
    if done.refused:
        sys.exit(1)


if __name__ == "__main__":
    sys.exit(main())


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


def _phase_bars() -> Any:
    """A progress callback (phase, done, total) showing one bar per phase."""
    bars: dict[str, tuple[Any, int]] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in bars:
            bar = click.progressbar(length=max(total, 1), label=phase)
            bars[phase] = (bar.__enter__(), 0)
        bar, shown = bars[phase]
        bar.update(done - shown)
        bars[phase] = (bar, done)
        if done >= total:
            bar.__exit__(None, None, None)

    return progress


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
        path, manifest = run_backup(output=output, encrypt=encrypt, progress=_phase_bars())
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
        report = run_restore(file, media_root=media_root, progress=_phase_bars())
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"restored {report['tables']} tables ({report['rows']} rows, every table's count as in "
        f"the manifest) and {report['documents']} documents from the backup of "
        f"{report['created']}"
    )
