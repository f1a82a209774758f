"""What a higher app contributes to a lower one, filled at start-up.

The layers of DESIGN.md §3 let an app import only those below it. Where a lower app needs
something only a higher one knows (the projects on a park's page, the 固定资产投资 a zone's
investment database computes, the access log an export writes to), the lower app declares a
`Registry` and the higher app fills it in its `AppConfig.ready()` — as NetBox's
`register_model_view` does — so that nothing imports upward.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries, each registered once, kept in the order they were registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, T] = {}

    def register(self, key: str, entry: T) -> T:
        if key in self._entries:
            raise ImproperlyConfigured(f"{self.name}: {key!r} is registered already")
        self._entries[key] = entry
        return entry

    def unregister(self, key: str) -> None:
        """For tests that register an entry of their own."""
        self._entries.pop(key, None)

    def get(self, key: str) -> T | None:
        return self._entries.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())

    def values(self) -> list[T]:
        return list(self._entries.values())
