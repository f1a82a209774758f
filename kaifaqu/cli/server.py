"""`kfq serve` and `kfq worker`: the production server (gunicorn) and the background worker."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import click

from kaifaqu.cli.base import _setup_django, main


def _default_workers() -> int:
    """One process a core and one more for the requests waiting on the database, at most 9.

    The platform's requests are Python first (the database about a third of their time): on
    2 cores the load benchmark's 64 users were served with a p95 of 423 ms by 3 processes and
    576 ms by 5 (gunicorn's 2 × cores + 1), the processes using 10 % less CPU for as many
    requests (docs/benchmarks.md, session 12)."""
    return min((os.cpu_count() or 1) + 1, 9)


@main.command()
@click.option(
    "--port", default=lambda: os.environ.get("PORT", "8000"), show_default="$PORT or 8000"
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=_default_workers,
    show_default="cores + 1, at most 9",
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


def gunicorn_options(*, host: str, port: str, workers: int, threads: int) -> dict[str, object]:
    """Gunicorn's settings for `kfq serve`.

    One thread a process (the default) runs gunicorn's sync worker: a process takes a connection
    only when it is free, so a request waits for the first free process, not behind the requests
    of the connection's process. The threaded worker keeps each client's connection open in the
    process that accepted it and queues its next requests there while another process idles: 8
    users at once on 3 processes saw a p95 of 140–580 ms for a page of 40 ms (docs/benchmarks.md,
    session 13). The sync worker closes each connection after its response, as gunicorn advises
    behind the HTTPS proxy that production puts in front (docs/operations.md); `--threads` above
    1 runs the threaded worker, for clients that hold connections open on slow networks."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "sync" if threads == 1 else "gthread",
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "kfq",
        # Django is set up once, then each worker is forked from it.
        "preload_app": True,
        # Long pages (imports, exports) may take a while; gunicorn's 30 s is too short.
        "timeout": 120,
        # The threaded worker closes an idle kept-alive connection after this long. Gunicorn's
        # 2 s raced clients that click or call every second or three: the next request, sent on
        # the connection as the server closed it, got "connection reset" (the load benchmark,
        # issue 15 item 9). 5 s, the top of gunicorn's advice for a server clients reach
        # directly. (The sync worker keeps no connection.)
        "keepalive": 5,
        # The control socket sits at one path per user: two servers would share it.
        "control_socket_disable": True,
    }


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

    options = gunicorn_options(host=host, port=port, workers=workers, threads=threads)

    class Gunicorn(BaseApplication):
        def load_config(self) -> None:
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
