"""Background work in pieces, with a pause after each: the worker's database work gives way to
the requests'.

`kfq worker` runs at a lower CPU priority than the web processes (niceness 10), but the
database serves its queries at the requests' priority: one query of a second (the provincial
office's tallies of 200,000 firms) took one of the machine's two cores for that second, and
every request arriving meanwhile waited (issue 15, item 9: most of the load benchmark's slowest
requests came in those seconds). A job split into short pieces that waits after each piece as
long as the piece's share asks leaves the cores to the requests in between; it takes longer,
and no request waits long for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Piece = TypeVar("Piece")


class Pacer:
    """Call it when a piece of work has ended: it waits so that the work takes at most `share`
    (0 < share ≤ 1) of the time since the pacer was made. A share of 1 never waits."""

    def __init__(
        self,
        share: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 0 < share <= 1:
            raise ValueError(f"share must be in (0, 1], not {share!r}")
        self.factor = (1 - share) / share
        self.clock = clock
        self.sleep = sleep
        self.started = clock()

    def __call__(self) -> None:
        worked = self.clock() - self.started
        if worked > 0 and self.factor > 0:
            self.sleep(worked * self.factor)
        self.started = self.clock()


def paced(
    pieces: Iterable[Piece],
    *,
    share: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Piece]:
    """Yield each piece; once the caller has done its work on it, wait as a `Pacer` of this
    share does (no wait after the last piece)."""
    pace: Pacer | None = None
    for piece in pieces:
        if pace is None:
            pace = Pacer(share, clock=clock, sleep=sleep)
        else:
            pace()
        yield piece
