"""The living demo: loaded on any day, its history runs up to that day.

Loaded at two days (2026-03-15 and 2027-01-10). The services refuse dates after the real
today, so the clock is pinned to the day loaded (`timezone.localdate`).
"""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.demo.months import history, living
from kaifaqu.demo.returngen import read_parameters
from kaifaqu.demo.services import demo_load
from kaifaqu.demo.timeline import Timeline
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.models import (
    Indicator,
    PriceIndex,
    Publication,
    ReportedFigure,
    ValueAddedRate,
)
from kaifaqu.indicators.selectors import indicator_rows
from kaifaqu.projects.models import FaiReport, Project, Stage
from kaifaqu.projects.selectors import overdue_issues
from kaifaqu.projects.selectors.warnings import stale_projects
from kaifaqu.returns.models import (
    NonResponse,
    Reminder,
    ReportingMonth,
    ReportingMonthStatus,
    Return,
    ReturnStatus,
    ReviewFinding,
)
from kaifaqu.returns.selectors.months import month_progress

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
    def counts() -> tuple[int, ...]:
        return tuple(
            model.objects.count()
            for model in (ReportingMonth, Publication, NonResponse, Reminder, LogEntry, Return)
        )

    before = counts()
    summary = _load(today)
    assert "新建记录0条" in summary or "0 records created" in summary
    assert counts() == before


# The reporting months and their publication


def _zone_table(username: str, month: Month) -> Any:
    zone = Zone.objects.get(name="朔州经济开发区")
    return indicator_rows(
        user=User.objects.get(username=username),
        month=month,
        slice_kind="zone",
        slice_key=str(zone.pk),
    )


def test_every_month_to_last_month_is_closed_and_published_by_the_statistician(
    today: date,
) -> None:
    tongji = User.objects.get(username="tongji")
    timeline = Timeline(today)
    months = ReportingMonth.objects.order_by("period")
    closed = months.filter(status=ReportingMonthStatus.CLOSED)
    # 2023-01 (the first month with returns) … last month, one after the other.
    periods = list(closed.values_list("period", flat=True))
    assert (periods[0], periods[-1]) == (date(2023, 1, 1), timeline.last_month.first_day)
    span = (today.year - 2023) * 12 + today.month - 1
    assert closed.count() == span
    assert set(closed.values_list("closed_by", flat=True)) == {tongji.pk}
    published = Publication.objects.order_by("period")
    assert list(published.values_list("period", flat=True)) == list(
        closed.values_list("period", flat=True)
    )
    assert set(published.values_list("published_by", flat=True)) == {tongji.pk}
    # This month: open, nobody published it.
    current = months.get(period=timeline.month.first_day)
    assert current.status == ReportingMonthStatus.OPEN
    assert not Publication.objects.filter(period=timeline.month.first_day).exists()


def test_the_history_shows_one_stoppage_counted_as_nothing_and_one_estimate(today: date) -> None:
    recorded = {
        (n.reporting_month.period, n.enterprise.name): (n.reason, n.treatment)
        for n in NonResponse.objects.select_related("reporting_month", "enterprise")
    }
    assert recorded == {
        (date(2025, 2, 1), "朔州示例岩棉保温材料有限公司"): ("suspended", "zero"),
        (date(2025, 8, 1), "朔州示例有机肥有限公司"): ("unreachable", "estimate"),
    }
    assert not Return.objects.filter(
        enterprise__name="朔州示例岩棉保温材料有限公司", period=date(2025, 2, 1)
    ).exists()
    estimate = Return.objects.get(
        enterprise__name="朔州示例有机肥有限公司", period=date(2025, 8, 1)
    )
    assert (estimate.is_estimate, estimate.status) == (True, ReturnStatus.ACCEPTED)
    publication = Publication.objects.get(period=date(2025, 8, 1))
    assert (publication.estimated, publication.not_reported) == (1, 0)
    assert Publication.objects.get(period=date(2025, 2, 1)).not_reported == 1


def test_this_month_is_partly_reported_and_two_firms_were_chased(today: date) -> None:
    zone = Zone.objects.get(name="朔州经济开发区")
    progress = month_progress([zone.pk], Month.of(today))[zone.pk].total
    assert progress.expected >= 49
    assert 0 < progress.reached < progress.expected
    assert progress.response_rate is not None and progress.outstanding > 0
    reminders = Reminder.objects.filter(reporting_month__period=_month(today))
    assert reminders.count() == 2
    for reminder in reminders:
        assert reminder.sent_by is not None and reminder.sent_by.username == "tongji"
        assert not Return.objects.filter(
            enterprise=reminder.enterprise, period=_month(today)
        ).exists()
        assert reminder.enterprise.statistics_contact and reminder.enterprise.statistics_phone


def test_the_zone_admin_sees_last_month_and_not_this_month_the_statistician_both(
    today: date,
) -> None:
    last, this = Timeline(today).last_month, Month.of(today)
    admin_last, office_last = _zone_table("demo", last), _zone_table("tongji", last)
    assert not admin_last.withheld and not office_last.withheld

    def gross(table: Any) -> Any:
        return next(row for row in table.rows if row.code == "gross_output").ytd_value

    assert gross(admin_last) is not None and gross(admin_last) == gross(office_last)
    assert _zone_table("demo", this).withheld
    assert not _zone_table("tongji", this).withheld


def test_the_same_day_gives_the_same_months(today: date) -> None:
    params = read_parameters()
    divisions = {e.uscc: e.industry_id[:2] for e in Enterprise.objects.all()}
    rates = {r.division_id: r.rate for r in ValueAddedRate.objects.filter(year=2024)}
    through = Timeline(today).last_month

    def rows() -> list[tuple[Any, ...]]:
        world = living(params, divisions, rates)
        return [(r.uscc, r.period, r.values) for r in history(world, through=through)]

    assert rows() == rows()
