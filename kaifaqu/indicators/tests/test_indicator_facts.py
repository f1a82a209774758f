"""Reading the indicator facts from the database: accepted returns of roster firms, exact units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import IndustryClass
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.indicators import facts as facts_module
from kaifaqu.indicators.engine import PPI_SCHEMA, RETURNS_SCHEMA, indicator_table
from kaifaqu.indicators.facts import load_facts
from kaifaqu.indicators.services import price_index_create, value_added_rate_create
from kaifaqu.returns.models import Return, ReturnSource, ReturnStatus
from kaifaqu.returns.models.ledger import BLOCK
from kaifaqu.returns.services.ledger import ledger_update
from kaifaqu.returns.tests.helpers import firm, stored_return

ACCEPTED = ReturnStatus.ACCEPTED


@pytest.fixture(autouse=True, params=["ledger", "table"])
def read_from(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test twice: the returns read from the return ledger and from the returns table
    (which one a read takes depends on how densely its firms fill the ledger's blocks)."""
    density = 10**9 if request.param == "ledger" else 0
    monkeypatch.setattr(facts_module, "LEDGER_DENSITY", density)
    return str(request.param)


@pytest.fixture
def stored(world: World) -> World:
    for enterprise in (world.ent_a1, world.ent_a2, world.ent_b):
        RosterEntry.objects.create(enterprise=enterprise, year=2025, category=StatCategory.INDUSTRY)
    # On another roster (限上批发), not 规上工业.
    RosterEntry.objects.create(enterprise=world.ent_c, year=2025, category=StatCategory.WHOLESALE)
    a1 = world.ent_a1
    stored_return(
        a1,
        date(2025, 1, 1),
        status=ACCEPTED,
        gross_output="123.4567",
        electricity="12.3456",
        total_profit="-1.5",
        employees=35,
    )
    stored_return(a1, date(2024, 1, 1), status=ACCEPTED, gross_output="100")
    # Not counted: awaiting review, sent back, outside the years, on no roster.
    stored_return(a1, date(2025, 2, 1), status=ReturnStatus.SUBMITTED, gross_output="999")
    stored_return(world.ent_a2, date(2025, 1, 1), status=ReturnStatus.RETURNED, gross_output="5")
    stored_return(world.ent_b, date(2023, 1, 1), status=ACCEPTED, gross_output="7")
    stored_return(world.ent_b, date(2025, 1, 1), status=ACCEPTED, gross_output="8")
    stored_return(world.ent_c, date(2025, 1, 1), status=ACCEPTED, gross_output="9")
    stored_return(firm(world.zone_a, 77), date(2025, 1, 1), status=ACCEPTED, gross_output="6")
    return world


def test_it_reads_only_accepted_returns_of_roster_firms_in_whole_units(stored: World) -> None:
    facts = load_facts(years=[2025])
    assert facts.returns.schema == pl.Schema(RETURNS_SCHEMA)
    rows = {
        (row["enterprise_id"], row["period"]): row
        for row in facts.returns.sort("enterprise_id", "period").to_dicts()
    }
    a1, b, c = stored.ent_a1.pk, stored.ent_b.pk, stored.ent_c.pk
    # The year asked for and the year before it (the base); 2023 is not read. 丙一 is on the
    # 限上批发 roster: read for its category's slices.
    assert set(rows) == {
        (a1, date(2024, 1, 1)),
        (a1, date(2025, 1, 1)),
        (b, date(2025, 1, 1)),
        (c, date(2025, 1, 1)),
    }
    january = rows[(a1, date(2025, 1, 1))]
    # 123.4567 万元 = 1,234,567 yuan; 12.3456 万千瓦时 = 123,456 kWh; −1.5 万元 = −15,000 yuan.
    assert january["gross_output"] == 1_234_567
    assert january["electricity"] == 123_456
    assert january["total_profit"] == -15_000
    assert january["employees"] == 35
    assert january["revenue"] is None
    assert rows[(a1, date(2024, 1, 1))]["gross_output"] == 1_000_000


def test_it_reads_the_roster_the_enterprises_and_the_rates(stored: World) -> None:
    facts = load_facts(years=[2025])
    a1, a2, b, c = stored.ent_a1.pk, stored.ent_a2.pk, stored.ent_b.pk, stored.ent_c.pk
    assert sorted(facts.roster.rows()) == sorted(
        [
            (a1, 2025, "industry"),
            (a2, 2025, "industry"),
            (b, 2025, "industry"),
            (c, 2025, "wholesale"),
        ]
    )
    enterprises = {row["enterprise_id"]: row for row in facts.enterprises.to_dicts()}
    assert set(enterprises) == {a1, a2, b, c}  # not the firm on no roster
    assert enterprises[a1] == {
        "enterprise_id": a1,
        "zone_id": stored.zone_a.pk,
        "park_id": stored.park_a1.pk,
        "region_code": "140600",
        "industry": "3011",
        "division": "30",
        "section": "C",
    }
    assert enterprises[b]["region_code"] == "140200"
    # The shipped national rates (migration) up to the year (the one in force may be older):
    # 30 非金属矿物制品业 0.2850.
    assert set(facts.rates["year"].unique().to_list()) == {2023, 2024, 2025}
    assert facts.rates["province"].is_null().all()
    rate = facts.rates.filter((pl.col("year") == 2025) & (pl.col("division") == "30"))
    assert rate["rate"].item() == pytest.approx(0.285)
    assert facts.ppi.is_empty() and facts.ppi.schema == pl.Schema(PPI_SCHEMA)


def test_it_reads_each_rate_and_index_with_its_province(stored: World, personas: Personas) -> None:
    value_added_rate_create(
        by=personas.statistician,
        data={
            "division": IndustryClass.objects.get(code="30"),
            "year": 2025,
            "rate": Decimal("0.3"),
            "source": "山西省统计局",
        },
    )
    price_index_create(
        by=personas.statistician,
        data={"period": date(2025, 1, 1), "value": Decimal("101.5"), "source": "山西省统计局"},
    )
    facts = load_facts(years=[2025])
    own = facts.rates.filter(pl.col("province") == "14")
    assert own.select("year", "division", "rate").rows() == [(2025, "30", 0.3)]
    assert facts.ppi.rows() == [("14", date(2025, 1, 1), None, 101.5)]


def test_it_limits_the_facts_to_the_zones_asked_for(stored: World) -> None:
    facts = load_facts(years=[2025], zone_ids=[stored.zone_a.pk])
    assert set(facts.enterprises["zone_id"].to_list()) == {stored.zone_a.pk}
    assert set(facts.returns["enterprise_id"].to_list()) == {stored.ent_a1.pk}


def test_it_passes_the_callers_price_index_through(stored: World) -> None:
    ppi = pl.DataFrame(
        {"province": ["14"], "period": [date(2025, 1, 1)], "division": ["30"], "index": [105.0]}
    )
    assert load_facts(years=[2025], ppi=ppi).ppi.rows() == [("14", date(2025, 1, 1), "30", 105.0)]


def test_the_loaded_facts_give_the_zone_figures(stored: World) -> None:
    # A firm of another division in zone 甲, on the roster, with an accepted return.
    other = firm(stored.zone_a, 50, industry="3110")
    RosterEntry.objects.create(enterprise=other, year=2025, category=StatCategory.INDUSTRY)
    stored_return(other, date(2025, 2, 1), status=ACCEPTED, gross_output="10")
    table = indicator_table(load_facts(years=[2025]), Month(2025, 2))
    zone = table.filter(
        (pl.col("slice_kind") == "zone")
        & (pl.col("slice_key") == str(stored.zone_a.pk))
        & (pl.col("indicator") == "gross_output")
    ).row(0, named=True)
    # 1–2月: 1,234,567 + 100,000 yuan against 1,000,000 (the submitted 999 万元 is not counted).
    assert (zone["ytd_value"], zone["ytd_base"]) == (1_334_567, 1_000_000)
    assert zone["enterprises"] == 2
    value_added = table.filter(
        (pl.col("slice_kind") == "zone_division")
        & (pl.col("slice_key") == f"{stored.zone_a.pk}:30")
        & (pl.col("indicator") == "value_added")
    ).row(0, named=True)
    # 1,234,567 × 0.2850 = 351,851.595 → 351,852; base 1,000,000 × 0.2850 = 285,000.
    assert (value_added["ytd_value"], value_added["ytd_base"]) == (351_852, 285_000)


def _estimate(enterprise: Enterprise, period: date, status: str = ACCEPTED, **values: str) -> None:
    Return.objects.create(
        enterprise=enterprise,
        period=period,
        status=status,
        source=ReturnSource.ESTIMATE,
        is_estimate=True,
        **{name: Decimal(value) for name, value in values.items()},
    )
    ledger_update([(enterprise.pk, period)])


def test_estimates_count_flagged_and_what_is_not_accepted_does_not(stored: World) -> None:
    a2, b = stored.ent_a2, stored.ent_b
    # 乙 did not report March: the office's estimate (估算), accepted, counts and is flagged.
    _estimate(b, date(2025, 3, 1), gross_output="4.5", employees="12")
    # An estimate not (yet) accepted does not count.
    _estimate(a2, date(2025, 3, 1), status=ReturnStatus.SUBMITTED, gross_output="3")
    # Accepted, then sent back: the ledger keeps its figures (a status change leaves it as it
    # is), the facts do not count it.
    sent_back = stored_return(b, date(2025, 2, 1), status=ACCEPTED, gross_output="2")
    Return.objects.filter(pk=sent_back.pk).update(status=ReturnStatus.RETURNED)
    stored_return(a2, date(2025, 2, 1), status=ReturnStatus.DRAFT, gross_output="1")
    rows = {
        (row["enterprise_id"], row["period"]): row
        for row in load_facts(years=[2025]).returns.to_dicts()
        if row["period"] >= date(2025, 2, 1)
    }
    assert set(rows) == {(b.pk, date(2025, 3, 1))}
    estimate = rows[(b.pk, date(2025, 3, 1))]
    assert (estimate["gross_output"], estimate["employees"]) == (45_000, 12)
    assert estimate["is_estimate"] is True
    assert not any(
        load_facts(years=[2025]).returns.filter(pl.col("period") < date(2025, 3, 1))["is_estimate"]
    )


def test_through_reads_only_the_months_up_to_it_in_both_years(stored: World) -> None:
    stored_return(stored.ent_b, date(2025, 3, 1), status=ACCEPTED, gross_output="3")
    stored_return(stored.ent_b, date(2024, 3, 1), status=ACCEPTED, gross_output="2")
    _estimate(stored.ent_a2, date(2025, 3, 1), gross_output="1")
    periods = set(load_facts(years=[2025], through=2).returns["period"].to_list())
    assert periods == {date(2024, 1, 1), date(2025, 1, 1)}
    periods = set(load_facts(years=[2025], through=3).returns["period"].to_list())
    assert periods == {date(2024, 1, 1), date(2025, 1, 1), date(2024, 3, 1), date(2025, 3, 1)}


def test_firms_scattered_across_the_ledger_are_read_from_the_table(
    stored: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facts_module, "LEDGER_DENSITY", 8)
    far = firm(stored.zone_a, 60, pk=40 * BLOCK + 3)
    RosterEntry.objects.create(enterprise=far, year=2025, category=StatCategory.INDUSTRY)
    stored_return(far, date(2025, 1, 1), status=ACCEPTED, gross_output="1")
    read: list[int] = []
    real = facts_module.ledger_periods

    def spy(ids: object, **kwargs: object) -> pl.DataFrame:
        read.append(len(ids))  # type: ignore[arg-type]
        return real(ids, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(facts_module, "ledger_periods", spy)
    # Five firms in blocks 0 and 40: 2 × 1,024 slots for 5 firms, fewer than one in 8.
    facts = load_facts(years=[2025])
    assert read == []
    assert (far.pk, date(2025, 1, 1)) in set(facts.returns.select("enterprise_id", "period").rows())
    # Zone 甲's first firms alone fill block 0 densely enough (the rule asked of 1 in 1,024).
    monkeypatch.setattr(facts_module, "LEDGER_DENSITY", BLOCK)
    facts = load_facts(years=[2025], zone_ids=[stored.zone_b.pk])
    assert read == [1]
    assert facts.returns.select("enterprise_id", "period").rows() == [
        (stored.ent_b.pk, date(2025, 1, 1))
    ]
