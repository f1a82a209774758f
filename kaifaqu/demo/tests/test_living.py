"""The living demo: loaded on any day, its history runs up to that day.

Loaded at two days (2026-03-15 and 2027-01-10). The services refuse dates after the real
today, so the clock is pinned to the day loaded (`timezone.localdate`).
"""

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.demo.months import history, living
from kaifaqu.demo.returngen import read_parameters
from kaifaqu.demo.services import demo_load
from kaifaqu.demo.timeline import Timeline
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.indicators.models import Indicator, PriceIndex, ReportedFigure, ValueAddedRate
from kaifaqu.projects.models import FaiReport, Project, Stage
from kaifaqu.projects.selectors import overdue_issues
from kaifaqu.projects.selectors.warnings import stale_projects
from kaifaqu.returns.models import Return, ReturnStatus, ReviewFinding

pytestmark = pytest.mark.django_db

DAYS = (date(2026, 3, 15), date(2027, 1, 10))
STALLED = "示例钠离子电池正极材料项目"


def _quiet(_line: str) -> None:
    pass


def _load(today: date) -> str:
    with mock.patch.object(timezone, "localdate", return_value=today):
        return demo_load(echo=_quiet, today=today)


@pytest.fixture(scope="module", params=DAYS, ids=str)
def today(request: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[date]:
    with django_db_blocker.unblock(), transaction.atomic():
        _load(request.param)
        yield request.param
        transaction.set_rollback(True)


def _month(day: date) -> date:
    return day.replace(day=1)


def test_the_history_reaches_last_month_and_it_is_fully_accepted(today: date) -> None:
    last = Timeline(today).last_month.first_day
    in_last = Return.objects.filter(period=last)
    assert in_last.count() >= 49
    assert set(in_last.values_list("status", flat=True)) == {ReturnStatus.ACCEPTED}
    assert not Return.objects.filter(period__gt=_month(today)).exists()


def test_this_month_is_open_some_submitted_some_drafts_one_sent_back_none_accepted(
    today: date,
) -> None:
    statuses = list(Return.objects.filter(period=_month(today)).values_list("status", flat=True))
    assert ReturnStatus.ACCEPTED not in statuses
    assert statuses.count(ReturnStatus.SUBMITTED) >= 20
    assert statuses.count(ReturnStatus.DRAFT) >= 2
    assert statuses.count(ReturnStatus.RETURNED) == 1


def test_cases_of_this_month_wait_with_their_one_finding(today: date) -> None:
    month = _month(today)
    rules = {
        name: set(
            ReviewFinding.objects.filter(
                return_record__enterprise__name=name, return_record__period=month
            ).values_list("rule", flat=True)
        )
        for name in (
            "朔州示例风电装备有限公司",
            "朔州示例锂电池有限公司",
            "朔州示例水泥有限公司",
            "朔州示例粉煤灰蒸压砖有限公司",
        )
    }
    assert rules == {
        "朔州示例风电装备有限公司": {"month_on_month_swing"},
        "朔州示例锂电池有限公司": {"year_on_year_swing"},
        "朔州示例水泥有限公司": {"output_per_kwh_own"},
        "朔州示例粉煤灰蒸压砖有限公司": {"tax_per_output_industry"},
    }


def test_no_project_is_idle_but_the_one_stalled_on_purpose(today: date) -> None:
    stale = stale_projects(projects=Project.objects.all(), today=today)
    assert [project.name for project in stale] == [STALLED]
    assert Project.objects.get(name=STALLED).stage == Stage.STALLED


def test_one_issue_is_overdue_by_a_few_days(today: date) -> None:
    demo = User.objects.get(username="demo")
    overdue = list(overdue_issues(demo, today))
    assert len(overdue) == 1
    assert 1 <= overdue[0].days_overdue(today) <= 10


def test_nothing_is_dated_after_today(today: date) -> None:
    assert not Project.objects.filter(stage_since__gt=today).exists()
    assert not FaiReport.objects.filter(month__gte=_month(today)).exists()


def test_a_price_index_for_every_month_of_the_history(today: date) -> None:
    last = Timeline(today).last_month.first_day
    months = PriceIndex.objects.filter(division="").values_list("period", flat=True)
    assert max(months) == last
    assert min(months) == date(2023, 1, 1)
    assert PriceIndex.objects.filter(period=last).count() == 18  # all industry + 17 divisions
    assert set(PriceIndex.objects.values_list("source", flat=True)) == {"示例"}


def test_fixed_asset_investment_is_one_definition_2024_the_articles(today: date) -> None:
    assert not ReportedFigure.objects.filter(indicator=Indicator.FIXED_ASSET_INVESTMENT).exists()

    def year(y: int) -> Decimal:
        total = FaiReport.objects.filter(month__year=y).aggregate(Sum("month_amount"))
        return Decimal(total["month_amount__sum"])

    assert year(2024) == Decimal("188817")  # the article's 18.8817 亿元
    growth = year(2025) / year(2024) - 1
    assert Decimal("-0.15") < growth < Decimal("0.25")


def test_loading_again_the_same_day_adds_nothing(today: date) -> None:
    summary = _load(today)
    assert "新建记录0条" in summary or "0 records created" in summary


def test_the_same_day_gives_the_same_months(today: date) -> None:
    params = read_parameters()
    divisions = {e.uscc: e.industry_id[:2] for e in Enterprise.objects.all()}
    rates = {r.division_id: r.rate for r in ValueAddedRate.objects.filter(year=2024)}
    through = Timeline(today).last_month

    def rows() -> list[tuple[Any, ...]]:
        world = living(params, divisions, rates)
        return [(r.uscc, r.period, r.values) for r in history(world, through=through)]

    assert rows() == rows()


def test_a_later_day_extends_without_rewriting() -> None:
    early, later = date(2026, 3, 15), date(2026, 5, 20)
    with transaction.atomic():
        _load(early)
        before = dict(
            Return.objects.filter(period__lt=date(2026, 2, 1)).values_list("pk", "gross_output")
        )
        _load(later)
        after = dict(Return.objects.filter(pk__in=before).values_list("pk", "gross_output"))
        assert after == before
        assert Return.objects.filter(period=date(2026, 4, 1)).count() >= 49
        assert Timeline(later).last_month.first_day == date(2026, 4, 1)
        assert later - timedelta(days=1) > early
        transaction.set_rollback(True)
