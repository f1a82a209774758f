"""The living demo loaded on one day, then on a later one: the later load only adds.

Apart from test_living.py, whose module-wide loads would lie under this one. The clock
(`timezone.localdate`) is pinned to each day loaded.
"""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from kaifaqu.demo.services import demo_load
from kaifaqu.demo.timeline import Timeline
from kaifaqu.indicators.models import Publication
from kaifaqu.returns.models import (
    ReportingMonth,
    ReportingMonthStatus,
    Return,
    ReturnStatus,
    ReviewDecision,
)

pytestmark = pytest.mark.django_db


def _load(today: date) -> str:
    with mock.patch.object(timezone, "localdate", return_value=today):
        return demo_load(echo=lambda _line: None, today=today)


def test_a_later_day_extends_without_rewriting() -> None:
    early, later = date(2026, 3, 15), date(2026, 5, 20)
    with transaction.atomic():
        _load(early)
        before = dict(
            Return.objects.filter(period__lt=date(2026, 2, 1)).values_list("pk", "gross_output")
        )
        months = dict(
            ReportingMonth.objects.filter(status=ReportingMonthStatus.CLOSED).values_list(
                "period", "closed_at"
            )
        )
        published = set(Publication.objects.values_list("pk", "period", "published_at"))
        left_open = list(
            Return.objects.filter(period=date(2026, 3, 1))
            .exclude(status=ReturnStatus.ACCEPTED)
            .values_list("pk", flat=True)
        )
        assert left_open
        _load(later)
        after = dict(Return.objects.filter(pk__in=before).values_list("pk", "gross_output"))
        assert after == before
        assert Return.objects.filter(period=date(2026, 4, 1)).count() >= 49
        assert Timeline(later).last_month.first_day == date(2026, 4, 1)
        assert later - timedelta(days=1) > early
        # The months closed before stay as they were; March and April are closed and published
        # now, May is open.
        closed = ReportingMonth.objects.filter(status=ReportingMonthStatus.CLOSED)
        assert {p: at for p, at in closed.values_list("period", "closed_at") if p in months} == (
            months
        )
        assert set(closed.values_list("period", flat=True)) - set(months) == {
            date(2026, 3, 1),
            date(2026, 4, 1),
        }
        assert published <= set(Publication.objects.values_list("pk", "period", "published_at"))
        assert Publication.objects.filter(period=date(2026, 4, 1)).exists()
        assert ReportingMonth.objects.get(period=date(2026, 5, 1)).is_open
        # What the earlier load left open in March was settled: accepted by the statistician.
        settled = Return.objects.filter(pk__in=left_open)
        assert set(settled.values_list("status", flat=True)) == {ReturnStatus.ACCEPTED}
        decided = ReviewDecision.objects.filter(return_record__in=left_open, kind="accepted")
        assert set(decided.values_list("by__username", flat=True)) == {"tongji"}
        transaction.set_rollback(True)
