"""Records of a higher app listed on a lower app's detail page: a park's enterprises and
projects, an enterprise's projects, the counts of a zone's parks.

The page belongs to the lower app (geo, enterprises), the records to a higher one; the layers
(DESIGN.md §3) forbid the page to import them. The higher app registers a `RelatedRecords` for
each page model at start-up (`RELATED_RECORDS.register("geo.park:projects", …)` in its
AppConfig.ready), and the page lists whatever is registered for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Model, QuerySet
from django.urls import reverse
from django_stubs_ext import StrOrPromise

from kaifaqu.core.permissions import AskingUser, model_label
from kaifaqu.core.registry import Registry
from kaifaqu.core.views.tables import Column, related_table

RELATED_LIMIT = 20


@dataclass(frozen=True)
class RelatedRecords:
    """What a detail page of `host` (an app label and model name, "geo.park") lists of another
    app's records."""

    host: str
    name: str
    title: StrOrPromise
    empty: StrOrPromise
    # The records the user sees, ready for the table (scoped through for_user).
    rows: Callable[[Any], QuerySet[Any]]
    columns: Sequence[Column]
    # The field of the records that names the host ("park"), and the list page filtered by it.
    lookup: str
    list_url_name: str | None = None


RELATED_RECORDS: Registry[RelatedRecords] = Registry("related records")


def register_related(records: RelatedRecords) -> None:
    RELATED_RECORDS.register(f"{records.host}:{records.name}", records)


def related_records_of(obj: Model) -> list[RelatedRecords]:
    host = model_label(obj)
    return [records for records in RELATED_RECORDS.values() if records.host == host]


def related_cards(*, user: AskingUser, obj: Model) -> list[dict[str, Any]]:
    """One card per registered kind of record: the first RELATED_LIMIT rows, the total and the
    link to the whole list filtered by the host."""
    cards = []
    for records in related_records_of(obj):
        rows = records.rows(user).filter(**{records.lookup: obj})
        url = records.list_url_name
        cards.append(
            {
                "title": records.title,
                "empty": records.empty,
                "table": related_table(records.columns, rows[:RELATED_LIMIT]),
                "total": rows.count(),
                "more_url": f"{reverse(url)}?{records.lookup}={obj.pk}" if url else None,
            }
        )
    return cards


def related_counts(
    *, user: AskingUser, obj: Model, by: str
) -> list[tuple[RelatedRecords, dict[Any, int]]]:
    """For each kind registered for the host, how many records the user sees, grouped by `by`
    (a zone's enterprises and projects per park)."""
    counts = []
    for records in related_records_of(obj):
        # order_by() drops the model's default ordering, which would otherwise split the groups.
        grouped = (
            records.rows(user)
            .filter(**{records.lookup: obj})
            .order_by()
            .values(by)
            .annotate(total=Count("pk"))
        )
        counts.append((records, {row[by]: row["total"] for row in grouped}))
    return counts
