"""What the reporting month's pages show of its publication (审定发布), which indicators keeps.

Publication belongs to the indicators (what is published is the month's indicator table), a
layer above returns; the month's pages (the list of months, a month's page with its revision
log and its Publish button) live here with the rest of the month's work. So returns declares
`MONTH_PUBLISHING` and the indicators app registers its `MonthPublishing` under the key
"publication" in `IndicatorsConfig.ready()` (DESIGN.md §3: a lower app never imports upward).
Without it (an installation without indicators) the pages show no publication.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from kaifaqu.core.registry import Registry
from kaifaqu.returns.models import ReportingMonth


@dataclass(frozen=True)
class PublishedRevision:
    """One publication of a month: a line of its revision log."""

    revision: int
    published_at: datetime
    published_by: str
    note: str
    firms: int
    accepted: int
    estimated: int
    not_reported: int


class MonthPublishing(Protocol):
    # The URL name of the page action that publishes a month (POST, the month's pk as argument).
    publish_url_name: str

    def latest_revisions(
        self, zone_ids: Iterable[int], periods: Iterable[date]
    ) -> dict[tuple[int, date], int]:
        """(zone id, month) → the latest revision published, for those of the zones' given
        months (first days) published at all."""
        ...

    def log(self, reporting_month: ReportingMonth) -> list[PublishedRevision]:
        """The month's publications, first to last (the caller checked its scope)."""
        ...


MONTH_PUBLISHING: Registry[MonthPublishing] = Registry("month publishing")
PUBLISHING_KEY = "publication"


def month_publishing() -> MonthPublishing | None:
    return MONTH_PUBLISHING.get(PUBLISHING_KEY)
