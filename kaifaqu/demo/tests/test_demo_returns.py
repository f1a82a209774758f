"""The demo's monthly returns: 24 accepted months for the 49 firms of the roster that give the
article's 2024 规上工业增加值 (25.658 亿元 = 256580 万元), the returns of the month open for
reporting that trip each review rule, and the two candidates for 上规入统.

The demo is loaded on a pinned day, 2026-03-15 (the clock, `timezone.localdate`, is pinned with
it): its history runs to February 2026 and March 2026 is open. Expected figures are typed here:
the article's total, and the values of the rule-tripping returns as the generator gives them for
that day (compared by hand with the months they are checked against). The demo is loaded once for
the module inside a transaction rolled back at the end.
"""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

import polars as pl
import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.demo.returngen import generate_returns, read_parameters
from kaifaqu.demo.services import demo_load
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.models import IndicatorCell, Publication, Target, ValueAddedRate
from kaifaqu.returns.models import (
    Gap,
    GapKind,
    GapStatus,
    ReportingMonth,
    Return,
    ReturnSource,
    ReturnStatus,
    ReviewFinding,
)
from kaifaqu.returns.review import hard_violations

pytestmark = pytest.mark.django_db


DAY = date(2026, 3, 15)
MARCH = date(2026, 3, 1)


def _quiet(_line: str) -> None:
    pass


@pytest.fixture(scope="module", autouse=True)
def _demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with (
        mock.patch.object(timezone, "localdate", return_value=DAY),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        demo_load(echo=_quiet, today=DAY)
        yield
        transaction.set_rollback(True)


def _roster_2024() -> Any:
    return RosterEntry.objects.filter(year=2024, category=StatCategory.INDUSTRY).values(
        "enterprise_id"
    )


def _value_added_2024() -> Decimal:
    """Σ over the roster firms of their 2024 gross output × their division's 2024 rate."""
    rates = {r.division_id: r.rate for r in ValueAddedRate.objects.filter(year=2024)}
    outputs = (
        Return.objects.filter(
            enterprise__in=_roster_2024(),
            period__year=2024,
            status=ReturnStatus.ACCEPTED,
        )
        .values("enterprise__industry_id")
        .annotate(total=Sum("gross_output"))
    )
    return sum(
        (row["total"] * rates[row["enterprise__industry_id"][:2]] for row in outputs),
        Decimal("0"),
    )


def _return(name: str, month: str) -> Return:
    year, number = (int(part) for part in month.split("-"))
    return Return.objects.get(enterprise__name=name, period=date(year, number, 1))


def _rules(record: Return) -> set[str]:
    return set(ReviewFinding.objects.filter(return_record=record).values_list("rule", flat=True))


# The 24 months of the roster


def test_the_2024_value_added_of_the_roster_is_the_articles_25_658_yi() -> None:
    assert _value_added_2024() == Decimal("256580")


def test_the_49_roster_firms_have_24_accepted_months_each() -> None:
    accepted = Return.objects.filter(
        enterprise__in=_roster_2024(),
        period__gte=date(2023, 1, 1),
        period__lte=date(2024, 12, 1),
        status=ReturnStatus.ACCEPTED,
    )
    assert accepted.count() == 1176  # 49 × 24
    assert accepted.values("enterprise").distinct().count() == 49
    assert accepted.values("period").distinct().count() == 24
    assert not accepted.exclude(source=ReturnSource.IMPORT).exists()


def test_every_demo_return_is_illustrative_but_the_offices_one_estimate() -> None:
    # The estimate (估算) is the statistics office's, made by the close of 2025-08 for the firm
    # recorded 联系不上: computed by the platform, flagged as an estimate instead.
    assert Return.objects.filter(is_illustrative=True).exists()
    others = Return.objects.filter(is_illustrative=False)
    assert list(others.values_list("enterprise__name", "period", "is_estimate", "source")) == [
        ("朔州示例有机肥有限公司", date(2025, 8, 1), True, ReturnSource.ESTIMATE)
    ]


def test_the_accepted_months_are_plausible() -> None:
    accepted = list(Return.objects.filter(status=ReturnStatus.ACCEPTED, period__year=2024))
    for r in accepted:
        assert r.gross_output and r.sales_output and r.revenue and r.electricity
        assert Decimal("0.95") * r.gross_output <= r.sales_output <= r.gross_output
        assert (
            r.export_delivery is not None and r.export_delivery <= Decimal("0.15") * r.sales_output
        )
        assert r.vat_payable is not None and r.taxes is not None and r.vat_payable <= r.taxes
        assert r.total_profit is not None and abs(r.total_profit) <= Decimal("0.12") * r.revenue
    losses = {
        r.enterprise_id for r in accepted if r.total_profit is not None and r.total_profit < 0
    }
    assert 1 <= len(losses) <= 10


# Loading again, and again from scratch


def test_running_it_again_writes_no_return_finding_or_audit_entry() -> None:
    counts = (Return.objects.count(), ReviewFinding.objects.count(), LogEntry.objects.count())
    demo_load(echo=_quiet, today=DAY)
    assert (Return.objects.count(), ReviewFinding.objects.count(), LogEntry.objects.count()) == (
        counts
    )


def test_a_fresh_load_gives_the_same_returns() -> None:
    def totals() -> dict[str, Any]:
        return Return.objects.aggregate(*(Sum(f) for f in ("gross_output", "revenue", "taxes")))

    before = totals()
    # From scratch: the returns and the months that settled them (a closed month takes none).
    Publication.objects.all().delete()
    ReportingMonth.objects.all().delete()
    Return.objects.all().delete()
    demo_load(echo=_quiet, today=DAY)
    assert totals() == before
    assert _value_added_2024() == Decimal("256580")


def test_the_generator_gives_the_same_rows_twice() -> None:
    params = read_parameters()
    divisions = {e.uscc: e.industry_id[:2] for e in Enterprise.objects.all()}
    rates = {r.division_id: r.rate for r in ValueAddedRate.objects.filter(year=2024)}
    first = generate_returns(params, divisions, rates)
    assert len(first) == 1368
    assert first == generate_returns(params, divisions, rates)


# The returns of the month open for reporting (2026-03) that trip the review rules


def test_a_month_on_month_swing_wind_equipment_65_percent_above_february() -> None:
    february = _return("朔州示例风电装备有限公司", "2026-02")
    march = _return("朔州示例风电装备有限公司", "2026-03")
    # February dipped (accepted, explained): 3224.2 / 1954.1 = 1.65.
    assert (february.gross_output, march.gross_output) == (Decimal("1954.1"), Decimal("3224.2"))
    assert (february.status, february.explanation) == (
        ReturnStatus.ACCEPTED,
        "主轴承更换，上月减产检修。",
    )
    assert march.status == ReturnStatus.SUBMITTED
    assert _rules(march) == {"month_on_month_swing"}


def test_a_year_on_year_swing_lithium_batteries_1_7_times_march_2025() -> None:
    last_year = _return("朔州示例锂电池有限公司", "2025-03")
    march = _return("朔州示例锂电池有限公司", "2026-03")
    # 11334.3 / 6587.5 = 1.72; January and February (accepted, explained) as high.
    assert (last_year.gross_output, march.gross_output) == (Decimal("6587.5"), Decimal("11334.3"))
    assert _return("朔州示例锂电池有限公司", "2026-02").gross_output == Decimal("8703.5")
    assert _rules(march) == {"year_on_year_swing"}


def test_output_per_kwh_far_from_its_own_history_cement() -> None:
    march = _return("朔州示例水泥有限公司", "2026-03")
    # 2824.9 万元 / 277.5 万千瓦时 = 10.2 yuan per kWh; 2025-12: 3081.0 / 792.4 = 3.9.
    assert (march.gross_output, march.electricity) == (Decimal("2824.9"), Decimal("277.5"))
    december = _return("朔州示例水泥有限公司", "2025-12")
    assert (december.gross_output, december.electricity) == (Decimal("3081.0"), Decimal("792.4"))
    assert _rules(march) == {"output_per_kwh_own"}


def test_tax_per_output_far_from_its_industry_fly_ash_bricks() -> None:
    march = _return("朔州示例粉煤灰蒸压砖有限公司", "2026-03")
    # 5.6 / 430.4 = 1.3 % of output; building materials pay about 5 %.
    assert (march.gross_output, march.taxes) == (Decimal("430.4"), Decimal("5.6"))
    assert _rules(march) == {"tax_per_output_industry"}


def test_a_newly_above_threshold_candidate_yuhan_reaches_2000_wan_in_march() -> None:
    march = _return("朔州市昱瀚新材料有限公司", "2026-03")
    twelve = Return.objects.filter(
        enterprise=march.enterprise, period__gte=date(2025, 4, 1), period__lte=MARCH
    ).aggregate(total=Sum("revenue"))["total"]
    assert twelve == Decimal("2011.7")  # ≥ 2000 with March's 177.7
    assert march.revenue == Decimal("177.7")
    assert not RosterEntry.objects.filter(enterprise=march.enterprise).exists()
    assert _rules(march) == {"newly_above_threshold"}


def test_huaihai_reached_2000_wan_in_2025_and_entered_the_2026_roster() -> None:
    revenue = [
        _return("朔州淮海钠电新能源科技有限公司", month).revenue
        for month in ("2025-01", "2025-02", "2025-03")
    ]
    assert revenue == [Decimal("380.0"), Decimal("900.0"), Decimal("1150.0")]  # 2430 ≥ 2000
    entries = RosterEntry.objects.filter(enterprise__name="朔州淮海钠电新能源科技有限公司")
    assert list(entries.values_list("year", "entered_on")) == [(2026, date(2026, 1, 1))]


def test_the_hard_rule_cases_are_drafts_with_the_bad_values() -> None:
    steel = _return("朔州示例钢结构有限公司", "2026-03")
    packaging = _return("朔州示例包装材料有限公司", "2026-03")
    assert (steel.status, packaging.status) == (ReturnStatus.DRAFT, ReturnStatus.DRAFT)
    # 1274.8 = 1.5 × 849.9 > 1.2 × 849.9 = 1019.88
    assert (steel.sales_output, steel.gross_output) == (Decimal("1274.8"), Decimal("849.9"))
    assert packaging.vat_payable == Decimal("-16.1")
    frame = pl.DataFrame(
        [
            {
                "row": r.pk,
                "period": r.period,
                "established_on": r.enterprise.established_on,
                **{f: float(getattr(r, f)) for f in ("gross_output", "sales_output")},
                **{
                    f: float(getattr(r, f))
                    for f in ("export_delivery", "revenue", "total_profit", "vat_payable")
                },
                **{f: float(getattr(r, f)) for f in ("taxes", "electricity", "employees")},
            }
            for r in (steel, packaging)
        ]
    )
    found = hard_violations(frame, settings=None, today=date(2026, 4, 10))
    assert set(found.select("row", "rule").iter_rows()) == {
        (steel.pk, "sales_above_output"),
        (packaging.pk, "negative_value"),
    }


def test_only_the_documented_returns_await_review_with_findings() -> None:
    waiting = Return.objects.filter(status=ReturnStatus.SUBMITTED)
    assert set(waiting.values_list("period", flat=True)) == {MARCH}
    assert set(
        waiting.filter(findings__isnull=False).values_list("enterprise__name", flat=True)
    ) == {
        "朔州示例风电装备有限公司",
        "朔州示例锂电池有限公司",
        "朔州示例水泥有限公司",
        "朔州示例粉煤灰蒸压砖有限公司",
        "朔州市昱瀚新材料有限公司",
    }
    sent_back = Return.objects.get(status=ReturnStatus.RETURNED)
    assert (sent_back.enterprise.name, sent_back.period) == ("朔州示例乳业有限公司", MARCH)
    # Every earlier month is settled: nothing but accepted returns before March.
    assert not Return.objects.filter(period__lt=MARCH).exclude(status=ReturnStatus.ACCEPTED)


# 上规入统 candidates


@pytest.mark.parametrize(
    ("name", "trailing"),
    [
        ("朔州市景钰兴科技有限公司", Decimal("1873.3")),
        ("朔州市昱瀚新材料有限公司", Decimal("1843.5")),
    ],
)
def test_the_candidates_reach_80_to_100_percent_of_2000_wan(name: str, trailing: Decimal) -> None:
    returns = Return.objects.filter(enterprise__name=name, status=ReturnStatus.ACCEPTED)
    assert returns.count() == 32  # 2023-07 … 2026-02
    # The 12 months to March 2025, the last of the article's time (typed by the generator).
    last_12 = returns.filter(period__gte=date(2024, 4, 1), period__lte=date(2025, 3, 1))
    assert last_12.aggregate(total=Sum("revenue"))["total"] == trailing
    assert Decimal("1600") <= trailing < Decimal("2000")
    assert not RosterEntry.objects.filter(enterprise__name=name).exists()


# Who sees the cases


def test_the_steel_reporter_sees_its_own_draft_and_no_other_return() -> None:
    reporter = User.objects.get(username="gangjiegou")
    assert reporter.check_password("kaifaqu-gangjiegou")
    visible = Return.objects.for_user(reporter)
    assert set(visible.values_list("enterprise__name", flat=True)) == {"朔州示例钢结构有限公司"}
    assert visible.count() == 39  # 2023-01 … 2026-03
    assert visible.get(period=MARCH).status == ReturnStatus.DRAFT


def test_the_lvjing_reporter_does_not_see_the_steel_draft() -> None:
    lvjing = User.objects.get(username="lvjing")
    assert not Return.objects.for_user(lvjing).filter(enterprise__name__contains="钢结构").exists()
    assert not Return.objects.for_user(lvjing).exists()  # 绿净 is still building its plant


def test_the_gap_list_opens_on_the_demos_last_month() -> None:
    # February 2026 is settled (every roster firm accepted), so no firm is 未报; two firms off the
    # 2026 roster had 2000 万元 in their last 12 months: 景钰兴 (a candidate that grew) and the
    # methanol plant, which stopped at the end of 2025 and left the roster.
    gaps = {
        (gap.kind, gap.period, gap.enterprise.name)
        for gap in Gap.objects.filter(status=GapStatus.OPEN).select_related("enterprise")
    }
    assert gaps == {
        (GapKind.OUTSIDE_ROSTER, None, "朔州市景钰兴科技有限公司"),
        (GapKind.OUTSIDE_ROSTER, None, "朔州示例甲醇有限公司"),
    }


def test_the_indicator_table_gives_the_articles_2024_value_added() -> None:
    # 规上工业增加值 2024 = 25.658 亿元 = 2,565,800,000 yuan: computed from the returns and the rates.
    zone = Zone.objects.get(name="朔州经济开发区")
    cell = IndicatorCell.objects.get(
        month=date(2024, 12, 1), slice_kind="zone", slice_key=str(zone.pk), indicator="value_added"
    )
    assert cell.ytd_value == 2_565_800_000
    # January is never published alone.
    assert not IndicatorCell.objects.filter(month=date(2025, 1, 1)).exists()


def test_the_demo_has_illustrative_2025_targets_for_the_first_quarter() -> None:
    zone = Zone.objects.get(name="朔州经济开发区")
    targets = {(t.indicator, t.kind): t for t in Target.objects.filter(zone=zone)}
    assert len(targets) == 6
    assert targets[("value_added", "annual")].growth_pct == Decimal("6.00")
    assert targets[("gross_output", "annual")].value == Decimal("1000000")  # 100 亿元
    plan = targets[("value_added", "plan")]
    assert (plan.plan_name, plan.start_year, plan.end_year) == ("十四五", 2021, 2025)
    assert "示意" in plan.source
