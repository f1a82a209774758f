"""Soft review rules on stored returns, each firing and not firing, with figures typed by hand."""

from decimal import Decimal

import polars as pl
import pytest
from django.utils import translation

from kaifaqu.conftest import World, make_uscc
from kaifaqu.core.models import IndustryClass
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.returns.models import Return, ReturnStatus, ReviewFinding, StatisticsSettings
from kaifaqu.returns.review import engine, finding_message, review_returns
from kaifaqu.returns.services.ledger import ledger_update
from kaifaqu.returns.tests.helpers import findings_of, firm, month, stored_return

pytestmark = pytest.mark.django_db

MOM = ("month_on_month_swing", "gross_output")


def reviewed(record: Return) -> set[tuple[str, str]]:
    review_returns(return_ids=[record.pk])
    return findings_of(record)


# --- month on month, year on year ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("march", "fires"), [("151", True), ("150", False), ("49", True), ("50", False)]
)
def test_a_month_on_month_swing_beyond_50_percent_needs_an_explanation(
    world: World, march: str, fires: bool
) -> None:
    stored_return(world.ent_a1, month(2025, 2), gross_output="100")
    record = stored_return(world.ent_a1, month(2025, 3), gross_output=march)
    assert reviewed(record) == ({MOM} if fires else set())


@pytest.mark.parametrize(
    ("february", "march", "fires"),
    [
        # Nothing last month: no swing to measure (its change has no base), whatever this month.
        ("0", "50", False),
        # Half a 万元 last month is a base like any other: 0.5 → 5 万元 is +900 %.
        ("0.5", "5", True),
        ("0.5", "0.75", False),
    ],
)
def test_a_swing_is_measured_from_any_positive_month(
    world: World, february: str, march: str, fires: bool
) -> None:
    stored_return(world.ent_a1, month(2025, 2), gross_output=february)
    record = stored_return(world.ent_a1, month(2025, 3), gross_output=march)
    assert reviewed(record) == ({MOM} if fires else set())


def test_revenue_swings_are_checked_as_well(world: World) -> None:
    stored_return(world.ent_a1, month(2025, 2), revenue="200")
    record = stored_return(world.ent_a1, month(2025, 3), revenue="301")
    assert reviewed(record) == {("month_on_month_swing", "revenue")}


@pytest.mark.parametrize(("march", "fires"), [("151", True), ("150", False)])
def test_a_year_on_year_swing_compares_with_the_same_month_last_year(
    world: World, march: str, fires: bool
) -> None:
    stored_return(world.ent_a1, month(2024, 3), gross_output="100")
    record = stored_return(world.ent_a1, month(2025, 3), gross_output=march)
    assert reviewed(record) == ({("year_on_year_swing", "gross_output")} if fires else set())


def test_the_zone_threshold_changes_the_outcome(world: World) -> None:
    StatisticsSettings.objects.create(zone=world.zone_a, month_on_month_swing_pct=Decimal("60"))
    for enterprise in (world.ent_a1, world.ent_b):
        stored_return(enterprise, month(2025, 2), gross_output="100")
    in_a = stored_return(world.ent_a1, month(2025, 3), gross_output="151")
    in_b = stored_return(world.ent_b, month(2025, 3), gross_output="151")
    review_returns(return_ids=[in_a.pk, in_b.pk])
    assert findings_of(in_a) == set()
    assert findings_of(in_b) == {MOM}


def test_the_message_names_the_figures(world: World) -> None:
    stored_return(world.ent_a1, month(2025, 2), gross_output="100")
    record = stored_return(world.ent_a1, month(2025, 3), gross_output="151")
    review_returns(return_ids=[record.pk])
    finding = record.findings.get()
    assert finding.params == {
        "field": "gross_output",
        "value": 151.0,
        "before": 100.0,
        "change_pct": 51.0,
        "limit_pct": 50.0,
    }
    with translation.override("en"):
        assert finding_message(finding.rule, finding.params) == (
            "gross industrial output at current prices (万元) changed by 51% from last month "
            "(100.00 万元 to 151.00 万元), beyond ±50%."
        )


def test_the_change_is_given_to_one_decimal(world: World) -> None:
    # 300 → 100 万元: −66.666… %, shown as −66.7 %.
    stored_return(world.ent_a1, month(2025, 2), gross_output="300")
    record = stored_return(world.ent_a1, month(2025, 3), gross_output="100")
    review_returns(return_ids=[record.pk])
    assert record.findings.get().params["change_pct"] == -66.7


# --- the enterprise's own history ---------------------------------------------------------------

# 2024-03 … 2025-02 at 10 万千瓦时 a month: output per kWh 8, 9, 10, 10, 10, 11, 12, 10, 9, 10, 11,
# 10 元; sorted 8 9 9 10 10 10 10 10 10 11 11 12, median (10 + 10) / 2 = 10.
HISTORY_OUTPUT = ["80", "90", "100", "100", "100", "110", "120", "100", "90", "100", "110", "100"]


def twelve_months_of_history(enterprise: Enterprise) -> None:
    for offset, output in enumerate(HISTORY_OUTPUT):
        period = month(2024, 3 + offset) if offset < 10 else month(2025, offset - 9)
        stored_return(enterprise, period, gross_output=output, electricity="10")


@pytest.mark.parametrize(
    ("electricity", "fires"),
    [
        ("4.8", True),  # 100 / 4.8 = 20.83 > 10 × 2
        ("5", False),  # 20 = 10 × 2
        ("20", False),  # 5 = 10 ÷ 2
        ("20.5", True),  # 4.88 < 10 ÷ 2
        ("0.5", True),  # 200: half a 万千瓦时 is a use of power like any other
        ("0", False),  # no power used: no ratio to compare (not an infinite one)
    ],
)
def test_output_per_kwh_far_from_the_own_twelve_month_median_needs_an_explanation(
    world: World, electricity: str, fires: bool
) -> None:
    twelve_months_of_history(world.ent_a1)
    record = stored_return(
        world.ent_a1, month(2025, 3), gross_output="100", electricity=electricity
    )
    assert reviewed(record) == ({("output_per_kwh_own", "electricity")} if fires else set())


def test_the_own_history_finding_carries_the_median_and_the_months(world: World) -> None:
    twelve_months_of_history(world.ent_a1)
    record = stored_return(world.ent_a1, month(2025, 3), gross_output="100", electricity="4")
    review_returns(return_ids=[record.pk])
    assert record.findings.get().params == {
        "ratio": 25.0,
        "median": 10.0,
        "factor": 2.0,
        "months": 12,
    }


def test_own_history_needs_three_months(world: World) -> None:
    stored_return(world.ent_a1, month(2025, 1), gross_output="100", electricity="10")
    stored_return(world.ent_a1, month(2025, 2), gross_output="100", electricity="10")
    record = stored_return(world.ent_a1, month(2025, 3), gross_output="100", electricity="2")
    assert ("output_per_kwh_own", "electricity") not in reviewed(record)


def test_a_month_older_than_twelve_months_is_not_history(world: World) -> None:
    # Only 2024-03 (13 months back) and two recent months: fewer than three in the window.
    for period in (month(2024, 2), month(2025, 1), month(2025, 2)):
        stored_return(world.ent_a1, period, gross_output="100", electricity="10")
    record = stored_return(world.ent_a1, month(2025, 3), gross_output="100", electricity="2")
    assert ("output_per_kwh_own", "electricity") not in reviewed(record)


@pytest.mark.parametrize(("taxes", "fires"), [("10.5", True), ("10", False)])
def test_tax_per_output_far_from_the_own_median_needs_an_explanation(
    world: World, taxes: str, fires: bool
) -> None:
    # Taxes of 5 on 100 of output for three months: median 5 %; twice is 10 %.
    for number in (12,):
        stored_return(world.ent_a1, month(2024, number), gross_output="100", taxes="5")
    for number in (1, 2):
        stored_return(world.ent_a1, month(2025, number), gross_output="100", taxes="5")
    record = stored_return(world.ent_a1, month(2025, 3), gross_output="100", taxes=taxes)
    assert reviewed(record) == ({("tax_per_output_own", "taxes")} if fires else set())


# --- the industry in the zone -------------------------------------------------------------------


@pytest.mark.parametrize(("output", "fires"), [("400", True), ("330", False)])
def test_output_per_kwh_far_from_the_industry_median_needs_an_explanation(
    world: World, output: str, fires: bool
) -> None:
    # Division 30 in zone 甲 in 2025-03: 10, 11 and output/10 元 per kWh; median 11, ×3 = 33.
    third = firm(world.zone_a, 10, industry="3021")
    stored_return(world.ent_a1, month(2025, 3), gross_output="100", electricity="10")
    stored_return(world.ent_a2, month(2025, 3), gross_output="110", electricity="10")
    # Zone 乙's firm of the same industry is not a peer (with it, the median would be 10.5).
    stored_return(world.ent_b, month(2025, 3), gross_output="10", electricity="10")
    record = stored_return(third, month(2025, 3), gross_output=output, electricity="10")
    assert reviewed(record) == ({("output_per_kwh_industry", "electricity")} if fires else set())


def test_a_median_below_one_is_a_reference_and_is_given_to_four_decimals(world: World) -> None:
    # Taxes of 0.2 %, 0.3333… % and 4.6666… % of output: median 0.3333 %, × 3 = 1 %; 4.6667 %
    # is beyond. Both are given to 4 decimals.
    third = firm(world.zone_a, 10)
    stored_return(world.ent_a1, month(2025, 3), gross_output="300", taxes="0.6")
    stored_return(world.ent_a2, month(2025, 3), gross_output="300", taxes="1")
    record = stored_return(third, month(2025, 3), gross_output="300", taxes="14")
    review_returns(return_ids=[record.pk])
    assert record.findings.get(rule="tax_per_output_industry").params == {
        "ratio": 4.6667,
        "median": 0.3333,
        "factor": 3.0,
        "firms": 3,
    }


def test_a_median_of_nothing_is_no_reference(world: World) -> None:
    # Twelve months without output (power used all the same): output per kWh 0, median 0.
    for offset in range(12):
        period = month(2024, 3 + offset) if offset < 10 else month(2025, offset - 9)
        stored_return(world.ent_a1, period, gross_output="0", electricity="10")
    record = stored_return(world.ent_a1, month(2025, 3), gross_output="100", electricity="10")
    assert ("output_per_kwh_own", "electricity") not in reviewed(record)


def test_the_industry_median_needs_three_firms(world: World) -> None:
    stored_return(world.ent_a1, month(2025, 3), gross_output="100", electricity="10")
    record = stored_return(world.ent_a2, month(2025, 3), gross_output="1000", electricity="10")
    assert reviewed(record) == set()


def test_a_firm_of_another_division_is_not_a_peer(world: World) -> None:
    other = firm(world.zone_a, 11, industry="2511")
    stored_return(world.ent_a1, month(2025, 3), gross_output="100", electricity="10")
    stored_return(other, month(2025, 3), gross_output="100", electricity="10")
    record = stored_return(world.ent_a2, month(2025, 3), gross_output="1000", electricity="10")
    assert reviewed(record) == set()


def test_one_submission_reads_its_own_divisions_peers_and_its_own_roster_entry(
    world: World,
) -> None:
    # A return of the zone's other division and another firm off the roster: a submission's
    # review reads neither (it read every return of its zone's month and every firm of the zone
    # off the roster: 3,000 returns at a month end, the load benchmark, session 12).
    other = firm(world.zone_a, 11, industry="2511")
    stored_return(other, month(2025, 3), gross_output="100", electricity="10")
    stored_return(world.ent_a2, month(2025, 3), gross_output="110", electricity="10")
    record = stored_return(world.ent_a1, month(2025, 3), gross_output="100", electricity="10")
    batch = engine._load([record.pk], None)
    assert batch is not None
    assert set(batch.peers["enterprise_id"].to_list()) == {world.ent_a1.pk, world.ent_a2.pk}
    # The other firm is off the 2025 roster too; only the submitted firm is looked up.
    assert other.pk in engine._off_roster([world.zone_a.pk], [2025], [other.pk])["enterprise_id"]
    looked_up = engine._off_roster([world.zone_a.pk], [2025], [record.enterprise_id])
    assert set(looked_up["enterprise_id"].to_list()) <= {record.enterprise_id}


@pytest.mark.parametrize(("taxes", "fires"), [("20", True), ("18", False)])
def test_tax_per_output_far_from_the_industry_median_needs_an_explanation(
    world: World, taxes: str, fires: bool
) -> None:
    # 5 %, 6 % and taxes %: median 6 %, ×3 = 18 %.
    third = firm(world.zone_a, 10)
    stored_return(world.ent_a1, month(2025, 3), gross_output="100", taxes="5")
    stored_return(world.ent_a2, month(2025, 3), gross_output="100", taxes="6")
    record = stored_return(third, month(2025, 3), gross_output="100", taxes=taxes)
    assert reviewed(record) == ({("tax_per_output_industry", "taxes")} if fires else set())


# --- newly above the threshold ------------------------------------------------------------------

NEWLY_ABOVE = ("newly_above_threshold", "revenue")


def eleven_months_of_180(enterprise: Enterprise) -> None:
    # 2024-04 … 2025-02: 11 × 180 = 1980 万元; 2024-03, 13 months back, is outside the window.
    stored_return(enterprise, month(2024, 3), revenue="180")
    for number in range(4, 13):
        stored_return(enterprise, month(2024, number), revenue="180")
    for number in (1, 2):
        stored_return(enterprise, month(2025, number), revenue="180")


@pytest.mark.parametrize(("march", "fires"), [("20", True), ("19.9999", False)])
def test_a_firm_off_the_roster_reaching_20_million_yuan_is_newly_above_threshold(
    world: World, march: str, fires: bool
) -> None:
    eleven_months_of_180(world.ent_a2)
    record = stored_return(world.ent_a2, month(2025, 3), revenue=march)
    assert (NEWLY_ABOVE in reviewed(record)) is fires


def test_a_firm_on_this_years_roster_is_not_newly_above_threshold(world: World) -> None:
    RosterEntry.objects.create(enterprise=world.ent_a2, year=2025, category=StatCategory.INDUSTRY)
    eleven_months_of_180(world.ent_a2)
    record = stored_return(world.ent_a2, month(2025, 3), revenue="20")
    assert NEWLY_ABOVE not in reviewed(record)


def test_last_years_roster_does_not_count_this_year(world: World) -> None:
    RosterEntry.objects.create(enterprise=world.ent_a2, year=2024, category=StatCategory.INDUSTRY)
    eleven_months_of_180(world.ent_a2)
    record = stored_return(world.ent_a2, month(2025, 3), revenue="20")
    assert NEWLY_ABOVE in reviewed(record)


def test_a_firm_outside_industry_is_not_measured_against_the_industry_threshold(
    world: World,
) -> None:
    trader = firm(world.zone_a, 12, industry="5211")
    eleven_months_of_180(trader)
    record = stored_return(trader, month(2025, 3), revenue="20")
    assert NEWLY_ABOVE not in reviewed(record)


# --- storing ------------------------------------------------------------------------------------


def test_reviewing_again_replaces_the_findings(world: World) -> None:
    stored_return(world.ent_a1, month(2025, 2), gross_output="100")
    record = stored_return(world.ent_a1, month(2025, 3), gross_output="151")
    review_returns(return_ids=[record.pk])
    review_returns(return_ids=[record.pk])
    assert record.findings.count() == 1
    Return.objects.filter(pk=record.pk).update(gross_output=Decimal("120"))
    review_returns(return_ids=[record.pk])
    assert record.findings.count() == 0


@pytest.mark.parametrize("as_ranges", [True, False])
def test_reviewing_2000_returns_takes_a_handful_of_queries(
    world: World,
    django_assert_max_num_queries: object,
    monkeypatch: pytest.MonkeyPatch,
    as_ranges: bool,
) -> None:
    industry = IndustryClass.objects.get(code="3011")
    firms = Enterprise.objects.bulk_create(
        Enterprise(
            uscc=make_uscc("140600", 1000 + n),
            name=f"批量企业{n}",
            industry=industry,
            zone=world.zone_a,
        )
        for n in range(200)
    )
    returns = Return.objects.bulk_create(
        Return(
            enterprise=enterprise,
            period=month(2024, number),
            status=ReturnStatus.SUBMITTED,
            gross_output=Decimal(100 + (n % 7)),
            electricity=Decimal("10"),
            revenue=Decimal("50"),
            taxes=Decimal("3"),
        )
        for n, enterprise in enumerate(firms)
        for number in range(1, 11)
    )
    # Every 50th firm triples its October output: a month-on-month swing each.
    Return.objects.filter(enterprise__in=firms[::50], period=month(2024, 10)).update(
        gross_output=Decimal("330")
    )
    ids = [r.pk for r in returns]
    assert len(ids) == 2000
    if not as_ranges:
        # As if the ids were scattered: listed in chunks rather than selected as ranges.
        monkeypatch.setattr(engine, "MAX_RUNS", 0)
    # The test writes returns as a bulk loader does: it brings the ledger up to date itself.
    ledger_update((r.enterprise_id, r.period) for r in returns)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        review_returns(return_ids=ids)
    swings = ReviewFinding.objects.filter(rule="month_on_month_swing", field="gross_output")
    assert swings.count() == 4


@pytest.mark.parametrize(("year", "fires"), [(2010, True), (2011, False)])
def test_the_threshold_is_the_version_in_force_that_year(
    world: World, year: int, fires: bool
) -> None:
    # 规上工业 started at 500 万元 until 2010 and 2,000 万元 from 2011: 12 × 50 = 600 万元.
    for number in range(1, 12):
        stored_return(world.ent_a2, month(year, number), revenue="50")
    record = stored_return(world.ent_a2, month(year, 12), revenue="50")
    assert (NEWLY_ABOVE in reviewed(record)) is fires


@pytest.mark.parametrize("as_ranges", [True, False])
def test_returns_in_hand_give_the_same_findings_as_returns_read_back(
    world: World, monkeypatch: pytest.MonkeyPatch, as_ranges: bool
) -> None:
    # History before the batch, peers beside it (another zone's firm, a firm not in the batch).
    for number in (1, 2, 3):
        stored_return(world.ent_a1, month(2024, number), gross_output="100", electricity="10")
        stored_return(world.ent_a2, month(2024, number), gross_output="100", electricity="10")
    stored_return(world.ent_a2, month(2024, 4), gross_output="100", electricity="10")
    batch = [
        stored_return(world.ent_a1, month(2024, 4), gross_output="400", electricity="10"),
        stored_return(world.ent_b, month(2024, 4), gross_output="90", taxes="2"),
        stored_return(world.ent_a1, month(2023, 4), gross_output="50", revenue="5"),
    ]
    if not as_ranges:
        monkeypatch.setattr(engine, "MAX_RUNS", 0)
    ids = [r.pk for r in batch]
    in_hand = pl.DataFrame(
        {
            "row": ids,
            "enterprise_id": [r.enterprise_id for r in batch],
            "period": [r.period for r in batch],
            **{
                f: [getattr(r, f) and float(getattr(r, f)) for r in batch]
                for f in engine.SOFT_FIELDS
            },
        }
    )
    read_back = engine.soft_findings(ids)
    assert not read_back.is_empty()
    assert engine.soft_findings(ids, in_hand).equals(read_back)


def test_returns_held_with_their_firm_give_the_findings_of_the_returns_read_back(
    world: World,
) -> None:
    for number in (1, 2, 3):
        stored_return(world.ent_a1, month(2024, number), gross_output="100", electricity="10")
    record = stored_return(world.ent_a1, month(2024, 4), gross_output="400", electricity="10")
    held = Return.objects.select_related("enterprise").get(pk=record.pk)
    in_hand = engine.returns_in_hand([held])
    assert in_hand.select("zone_id", "industry").row(0) == (
        world.ent_a1.zone_id,
        world.ent_a1.industry_id,
    )
    read_back = engine.soft_findings([record.pk])
    assert not read_back.is_empty()
    assert engine.soft_findings([record.pk], in_hand).equals(read_back)
