"""The `kfq` group and the Django set-up every command runs first.

Each command imports the platform's modules inside its body, after `_setup_django()`: models
cannot be imported before Django is set up, and `kfq --help` stays fast without loading them.
"""

from __future__ import annotations

import os

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
