"""What several command families share: who acts (`--by`, `--as`), refusals and invalid
input as one message each (never a traceback), and progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click


def user_named(username: str | None) -> Any:
    from kaifaqu.accounts.models import User

    if username is None:
        return None
    by = User.objects.filter(username=username, is_active=True).first()
    if by is None:
        raise click.ClickException(f"no active user named {username!r}")
    return by


@contextmanager
def refused_cleanly() -> Iterator[None]:
    """A person who may not import gets the reason, not a traceback."""
    from django.core.exceptions import PermissionDenied

    try:
        yield
    except PermissionDenied as refusal:
        raise click.ClickException(str(refusal) or "permission denied") from refusal


def acting_user(username: str) -> Any:
    by = user_named(username)
    if by is None:  # pragma: no cover - click requires --as
        raise click.UsageError("give --as USER")
    return by


@contextmanager
def refused_or_invalid() -> Iterator[None]:
    """A refusal or a service's reasons, one a line (exit code 1), never a traceback."""
    from django.core.exceptions import ValidationError

    with refused_cleanly():
        try:
            yield
        except ValidationError as error:
            raise click.ClickException("\n".join(error.messages)) from error


def phase_bars() -> Any:
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
