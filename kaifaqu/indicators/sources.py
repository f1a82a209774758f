"""Entered indicators that a zone can also compute from records kept in a higher app.

固定资产投资 is published by the statistics bureau; until its figure for a period is entered, a zone
can read it from its own fixed-asset investment database (项目入库, projects app). The indicators
must not import projects (DESIGN.md §3 layers): the app that keeps the records registers a
`ComputedSource` for the indicator's code at start-up (ProjectsConfig.ready), and the indicator
table, the targets and the rankings ask `COMPUTED_SOURCES`. A published figure, when entered,
stays the one shown: it is the official one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from kaifaqu.core.lib.periods import Month
from kaifaqu.core.registry import Registry

# (zone id, year) → {month number: 本月 in 万元}
ZoneMonths = dict[tuple[int, int], dict[int, Decimal]]


@dataclass(frozen=True)
class ComputedFigures:
    """A zone's figures of a month (万元): the month, 1–N月, the same of the year before, and the
    source named for the reader."""

    month_value: Decimal | None
    month_base: Decimal | None
    ytd_value: Decimal | None
    ytd_base: Decimal | None
    source: str


class ComputedSource(Protocol):
    def zone_figures(self, *, zone_id: int, month: Month) -> ComputedFigures | None:
        """The zone's figures (its scope checked by the caller); None when nothing was
        reported in 1–N月."""
        ...

    def zone_months(self, *, zone_ids: Iterable[int], years: Iterable[int]) -> ZoneMonths:
        """The 本月 sums of the zones (scoped by the caller) in these years, set-based."""
        ...


# Keyed by the indicator's code (Indicator.FIXED_ASSET_INVESTMENT).
COMPUTED_SOURCES: Registry[ComputedSource] = Registry("computed indicator sources")
