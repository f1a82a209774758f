"""Hooks: how a lower app tells a higher one that something happened, without importing it.

A lower app declares a hook and fires it from its services; a higher app registers a receiver at
start-up (its AppConfig.ready). Not a Django signal: a hook is fired by a service, explicitly,
with keyword arguments, and its receivers run in order, in the caller's transaction.

    # returns/services/changes.py (lower)       # indicators/apps.py (higher), in ready()
    on_returns_changed.fire()                    on_returns_changed.register(rollup_enqueue)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Receiver = Callable[..., Any]


class Hook:
    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Receiver] = []

    def register(self, receiver: Receiver) -> Receiver:
        """Add a receiver (once, however often it is registered); usable as a decorator."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def unregister(self, receiver: Receiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    @property
    def receivers(self) -> tuple[Receiver, ...]:
        return tuple(self._receivers)

    def fire(self, **kwargs: Any) -> None:
        for receiver in tuple(self._receivers):
            receiver(**kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"


# An Excel export was downloaded: `request`, `detail` (what, how many rows, the query). Filled by
# accounts, whose access log records it (等保: every export is logged).
on_export = Hook("on_export")

# Returns counted in statistics changed (accepted, or an accepted one changed by an import): the
# changed (zone, month) pairs are marked in `returns.ChangedMonth` first. Filled by indicators.
on_returns_changed = Hook("on_returns_changed")

# Something worth the access log other than an export: `request`, `kind` (an access event kind of
# accounts: "denied", "figures_read", "download"), `detail`. Filled by accounts.
on_access = Hook("on_access")
