"""`kfq serve`: gunicorn serves the pages and their static files, and stops when told to."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from email.message import Message
from pathlib import Path

from django.urls import reverse


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, Message, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def _wait_until_listening(port: int, server: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "kfq serve exited before it listened"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"kfq serve did not listen on port {port} within {seconds} s")


def test_kfq_serve_answers_with_gunicorn_pages_and_their_static_files(tmp_path: Path) -> None:
    kfq = str(Path(sys.executable).with_name("kfq"))
    # The settings of `make run` on a database of its own (the suite's may be PostgreSQL's).
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "PORT"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": "kaifaqu.config.settings.local", "KFQ_VAR_DIR": str(tmp_path)}
    subprocess.run(
        [kfq, "manage", "migrate", "--verbosity", "0", "--skip-checks"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen(
            [kfq, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            _wait_until_listening(port, server, seconds=20)
            status, headers, body = _get(base + reverse("accounts:login"))
            assert status == 200
            assert headers["Server"].startswith("gunicorn")
            page = body.decode()
            assets = [
                re.search(r'href="(/static/[^"]+\.css)"', page),
                re.search(r'src="(/static/[^"]+\.js)"', page),
            ]
            for asset in assets:
                assert asset is not None, "the login page names a stylesheet and a script"
                status, headers, content = _get(base + asset[1])
                assert status == 200
                assert content
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                # Within the server's own bounds: its background worker runs at niceness 10 and, on
                # a machine busy with the rest of the suite, may still be starting when asked to
                # stop (the server gives it 30 s; 15 s here failed once in CI).
                returncode = server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
                raise
    assert returncode == 0, err.read_text()
    assert "GET /accounts/login/ HTTP/1.1" in out.read_text()  # the access log
    errors = err.read_text()
    assert "Using worker: gthread" in errors
    assert errors.count("Booting worker") == 2
    assert "Shutting down: Master" in errors


def test_one_thread_a_process_takes_a_connection_only_when_free() -> None:
    """The default (one thread a process) is gunicorn's sync worker, which accepts a connection
    only when it has nothing to do; the threaded worker keeps a client's connection in the
    process that took it and queues its next requests there while other processes idle."""
    from kaifaqu.cli.server import gunicorn_options

    one = gunicorn_options(host="127.0.0.1", port="8000", workers=3, threads=1)
    assert one["worker_class"] == "sync"
    assert one["workers"] == 3
    threaded = gunicorn_options(host="127.0.0.1", port="8000", workers=3, threads=2)
    assert threaded["worker_class"] == "gthread"
    assert threaded["threads"] == 2
