"""Counted returns changed: mark the (zone, month) pairs and tell whoever follows them.

The returns app does not roll the indicator table up itself (indicators is a higher layer): it
marks the months in `ChangedMonth`, in the caller's transaction, and fires
`core.hooks.on_returns_changed`, which indicators fills at start-up with the enqueueing of its
roll-up task. With the database task backend the task row is written in the same transaction as
the marks, so the worker sees both once they commit, and neither if the change is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from kaifaqu.core.hooks import on_returns_changed
from kaifaqu.returns.models import ChangedMonth


@transaction.atomic
def returns_changed(pairs: Iterable[tuple[int, date]]) -> int:
    """Returns counted in statistics changed in these (zone_id, month) pairs: mark them (again)
    and fire the hook; give the pairs marked."""
    now = timezone.now()
    marks = [
        ChangedMonth(zone_id=zone_id, period=period.replace(day=1), marked_at=now)
        for zone_id, period in sorted({(z, p.replace(day=1)) for z, p in pairs})
    ]
    if not marks:
        return 0
    ChangedMonth.objects.bulk_create(
        marks,
        update_conflicts=True,
        unique_fields=["zone", "period"],
        update_fields=["marked_at"],
    )
    on_returns_changed.fire()
    return len(marks)
