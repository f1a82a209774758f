"""`kfq`: the one command-line entry point for every job a person runs from a shell.

One module per family of commands, each adding its commands to the group of `base.py`:
`demo` (demo, manage), `server` (serve, worker), `data` (import, rollup), `accounts` (token,
user), `months` (month), `security` (audit, datakey, backup, restore).
"""

from kaifaqu.cli import accounts, data, demo, months, security, server  # noqa: F401 - registers
from kaifaqu.cli.base import _setup_django, main

__all__ = ["_setup_django", "main"]
