"""The stored indicator table: a rebuild equals the engine; a late correction updates only what it
touches and leaves the table equal to a full rebuild."""

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from click.testing import CliRunner
from django.db.models import Q

from kaifaqu.cli import main
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import RosterEntry, StatCategory
from kaifaqu.indicators.engine import indicator_table
from kaifaqu.indicators.facts import load_facts
from kaifaqu.indicators.models import IndicatorCell
from kaifaqu.indicators.services.inputs import price_index_create
from kaifaqu.indicators.services.month_table import CELL_COLUMNS
from kaifaqu.indicators.services.rollups import (
    cells_of,
    rollup_after_change,
    rollup_disclosure,
    rollup_rebuild,
    rollup_zones,
)
from kaifaqu.indicators.tests.indicator_helpers import three_firms_accepted, unchanged_prices
from kaifaqu.returns.imports import returns_import
from kaifaqu.returns.models import Return, ReturnSource, ReturnStatus
from kaifaqu.returns.services import return_accept
from kaifaqu.returns.tests.import_helpers import xlsx

pytestmark = pytest.mark.django_db
KEYS = ["slice_kind", "slice_key", "indicator"]


@pytest.fixture
def accepted(world: World) -> None:
    """甲一, 甲二 (zone 甲) and 乙一 (zone 乙) on the 2024 and 2025 rosters, with accepted returns
    for January to March of both years: gross output 100 × (1 + firm) in 2024, +10 % in 2025."""
    three_firms_accepted(world)


def stored(month: Month) -> pl.DataFrame:
    return cells_of(month=month).sort(KEYS)


def computed(month: Month) -> pl.DataFrame:
    table = indicator_table(load_facts(years=[month.year]), month)
    return table.select(*KEYS, *CELL_COLUMNS).sort(KEYS)


def test_a_rebuild_stores_what_the_engine_computes(accepted: None) -> None:
    rollup_rebuild()
    assert not IndicatorCell.objects.filter(month=date(2025, 1, 1)).exists()  # 1月 alone: never
    for month in (Month(2024, 2), Month(2024, 3), Month(2025, 2), Month(2025, 3)):
        assert stored(month).equals(computed(month)), month
    cell = cells_of(month=Month(2025, 3)).filter(
        (pl.col("slice_kind") == "province") & (pl.col("indicator") == "gross_output")
    )
    # Province: (110 + 220 + 330) × 3 = 1980 万元 = 19,800,000 yuan; 2024: 1800 万元.
    assert cell.select("ytd_value", "ytd_base").row(0) == (19_800_000, 18_000_000)


def test_a_late_correction_updates_the_table_as_a_rebuild_would(
    accepted: None, world: World, personas: Personas
) -> None:
    rollup_rebuild()
    untouched = IndicatorCell.objects.get(
        month=date(2025, 3, 1),
        slice_kind="zone",
        slice_key=str(world.zone_b.pk),
        indicator="gross_output",
    )
    # 甲一's February 2025 is corrected and accepted again: 110 → 150 万元.
    record = Return.objects.get(enterprise=world.ent_a1, period=date(2025, 2, 1))
    Return.objects.filter(pk=record.pk).update(
        gross_output=Decimal("150"), status=ReturnStatus.SUBMITTED
    )
    return_accept(by=personas.statistician, return_record=Return.objects.get(pk=record.pk))
    after = {month: stored(month) for month in (Month(2025, 2), Month(2025, 3))}
    # Zone 乙's cells were not rewritten; the province's moved by 40 万元 in 1–3月.
    assert IndicatorCell.objects.get(pk=untouched.pk).ytd_value == untouched.ytd_value
    province = after[Month(2025, 3)].filter(
        (pl.col("slice_kind") == "province") & (pl.col("indicator") == "gross_output")
    )
    assert province["ytd_value"].item() == 20_200_000
    rollup_rebuild()
    for month, table in after.items():
        assert table.equals(stored(month)), month


def disclosure(month: Month) -> dict[tuple[str, str, str], bool]:
    rows = IndicatorCell.objects.filter(month=month.first_day).values_list(
        "slice_kind", "slice_key", "indicator", "suppressed"
    )
    return {(kind, key, code): hidden for kind, key, code, hidden in rows}


def test_disclosure_is_decided_with_the_roll_up_and_follows_a_late_correction(
    accepted: None, world: World, personas: Personas
) -> None:
    rollup_rebuild()
    march = Month(2025, 3)

    def hidden(kind: str, key: str) -> bool:
        return disclosure(march)[(kind, key, "gross_output")]

    # 山西: three firms, the largest 330 of 660 万元 a month (50 %) → shown; 甲 (two firms), 乙 (one)
    # and their cities → 保密 outside the statistics office.
    assert not hidden("province", "14")
    assert hidden("zone", str(world.zone_a.pk)) and hidden("zone", str(world.zone_b.pk))
    assert hidden("city", "1406") and hidden("city", "1402")
    # Province-wide industry cells are never shown outside the office: left hidden.
    assert hidden("division", "30")
    # 甲二's March becomes 10,000 万元: 10,440 of 11,760 万元 in 1–3月, one firm 88.8 % of the
    # province.
    record = Return.objects.get(enterprise=world.ent_a2, period=date(2025, 3, 1))
    Return.objects.filter(pk=record.pk).update(
        gross_output=Decimal("10000"), status=ReturnStatus.SUBMITTED
    )
    return_accept(by=personas.statistician, return_record=Return.objects.get(pk=record.pk))
    assert hidden("province", "14")
    assert not disclosure(Month(2025, 2))[("province", "14", "gross_output")]
    incremental = disclosure(march)
    rollup_rebuild()
    assert disclosure(march) == incremental
    # Deciding again changes nothing either.
    assert rollup_disclosure(months=[march]) == 1
    assert disclosure(march) == incremental


def test_deciding_a_month_again_restores_every_decision_and_touches_no_other_month(
    accepted: None, world: World
) -> None:
    """`rollup_disclosure` writes the decisions that moved, both ways, in the month asked for
    only: every stored decision of March flipped is put back; February's, flipped too, stay."""
    rollup_rebuild()
    march, february = Month(2025, 3), Month(2025, 2)
    decided = {month: disclosure(month) for month in (march, february)}
    assert set(decided[march].values()) == {True, False}
    IndicatorCell.objects.filter(month__in=[march.first_day, february.first_day]).update(
        suppressed=~Q(suppressed=True)
    )
    assert rollup_disclosure(months=[march]) == 1
    assert disclosure(march) == decided[march]
    assert disclosure(february) == {key: not hidden for key, hidden in decided[february].items()}


def test_a_zones_roll_up_decides_a_hidden_zones_breakdowns_again_from_their_stored_cells(
    accepted: None, world: World
) -> None:
    """Zone 甲's roll-up reads zone 乙's parks and divisions back (乙 is hidden: a hidden zone's
    breakdowns are always decided again) and writes their decisions where they moved: one of
    them shown by mistake is hidden again, as the rebuild decides."""
    rollup_rebuild()
    march = Month(2025, 3)
    decided = disclosure(march)
    assert decided[("zone", str(world.zone_b.pk), "gross_output")]
    hidden_parts = IndicatorCell.objects.filter(
        month=march.first_day,
        zone=world.zone_b,
        slice_kind__in=["park", "zone_division"],
        suppressed=True,
    )
    assert hidden_parts.update(suppressed=False) > 0
    rollup_zones(zone_ids=[world.zone_a.pk], years={2025: 3})
    assert disclosure(march) == decided


def test_a_correction_of_last_year_moves_this_years_base(accepted: None, world: World) -> None:
    rollup_rebuild()
    Return.objects.filter(enterprise=world.ent_b, period=date(2024, 3, 1)).update(
        gross_output=Decimal("400")
    )
    rollup_after_change(zone_ids=[world.zone_b.pk], periods=[date(2024, 3, 1)])
    zone_b = cells_of(month=Month(2025, 3)).filter(
        (pl.col("slice_kind") == "zone")
        & (pl.col("slice_key") == str(world.zone_b.pk))
        & (pl.col("indicator") == "gross_output")
    )
    # 乙一's 1–3月 2024 becomes 300 + 300 + 400 = 1000 万元.
    assert zone_b["ytd_base"].item() == 10_000_000
    before = stored(Month(2025, 3))
    rollup_rebuild()
    assert before.equals(stored(Month(2025, 3)))


def test_an_import_that_changes_an_accepted_return_takes_it_out_until_accepted_again(
    accepted: None, world: World, personas: Personas
) -> None:
    rollup_rebuild()
    # A return the office collected on paper: an import may correct only those (四条红线).
    Return.objects.filter(enterprise=world.ent_a1, period=date(2025, 3, 1)).update(
        source=ReturnSource.IMPORT
    )
    file = xlsx(
        ["统一社会信用代码", "报告期", "工业总产值(当年价格)"],
        [[world.ent_a1.uscc, "2025-03", 1500]],
    )
    result = returns_import(
        by=personas.statistician,
        file=file,
        filename="march.xlsx",
        unit=MoneyUnit.WAN,
        today=date(2025, 6, 10),
    )
    assert (result.errors, result.updated) == ([], 1)
    zone_a = cells_of(month=Month(2025, 3)).filter(
        (pl.col("slice_kind") == "zone")
        & (pl.col("slice_key") == str(world.zone_a.pk))
        & (pl.col("indicator") == "gross_output")
    )
    # 甲一's March (110 万元) is submitted again, so no longer counted: 990 − 110 = 880 万元.
    assert zone_a["ytd_value"].item() == 8_800_000
    before = stored(Month(2025, 3))
    rollup_rebuild()
    assert before.equals(stored(Month(2025, 3)))


def test_kfq_rollup_rebuilds_a_month_or_everything(accepted: None) -> None:
    runner = CliRunner()
    one = runner.invoke(main, ["rollup", "--month", "2025-03"])
    assert one.exit_code == 0, one.output
    assert set(IndicatorCell.objects.dates("month", "month")) == {date(2025, 3, 1)}
    everything = runner.invoke(main, ["rollup", "--all"])
    assert everything.exit_code == 0, everything.output
    assert "2024-02" in everything.output and "cells written" in everything.output
    assert "ledger rows written" in everything.output
    assert len(IndicatorCell.objects.dates("month", "month")) == 4
    assert runner.invoke(main, ["rollup"]).exit_code == 2
    assert runner.invoke(main, ["rollup", "--month", "2025-13"]).exit_code == 2


def test_a_rebuild_that_changes_nothing_writes_nothing(accepted: None) -> None:
    assert rollup_rebuild() > 0
    ids = set(IndicatorCell.objects.values_list("pk", flat=True))
    assert rollup_rebuild() == 0
    assert set(IndicatorCell.objects.values_list("pk", flat=True)) == ids


def test_a_price_index_deflates_value_added_from_its_month_on(
    accepted: None, personas: Personas, world: World
) -> None:
    unchanged_prices(world)  # January and February at 100
    rollup_rebuild()
    price_index_create(
        by=personas.statistician,  # 甲's statistician enters 山西's indexes
        data={
            "region": world.shanxi,
            "period": date(2025, 3, 1),
            "division": "",
            "value": Decimal("110"),
            "source": "省统计局",
        },
    )
    province = (pl.col("slice_kind") == "province") & (pl.col("indicator") == "value_added")
    # 2025 output 110/220/330 万元 a month at the shipped 28.5 %: 313,500 + 627,000 + 940,500 =
    # 1,881,000 yuan a month. March ÷ 1.10 firm by firm: 285,000 + 570,000 + 855,000 = 1,710,000.
    march = cells_of(month=Month(2025, 3)).filter(province)
    assert march.select("ytd_value", "ytd_comparable").row(0) == (5_643_000, 5_472_000)
    # February, at 100, is as it was.
    february = cells_of(month=Month(2025, 2)).filter(province)
    assert february.select("ytd_value", "ytd_comparable").row(0) == (3_762_000, 3_762_000)


def test_cells_above_zones_have_no_comparable_value_where_a_zone_has_no_index(
    accepted: None, world: World
) -> None:
    """丙一 (河北, division 30) joins the roster with the firms of 山西, whose indexes alone are
    entered: 河北's province cell and the division's (both provinces) have none."""
    unchanged_prices(world, (1, 2, 3))
    RosterEntry.objects.create(enterprise=world.ent_c, year=2025, category=StatCategory.INDUSTRY)
    Return.objects.bulk_create(
        Return(
            enterprise=world.ent_c,
            period=date(year, number, 1),
            status=ReturnStatus.ACCEPTED,
            gross_output=Decimal("100"),
        )
        for year in (2024, 2025)
        for number in (1, 2, 3)
    )
    rollup_rebuild()
    march = Month(2025, 3)
    value_added = pl.col("indicator") == "value_added"

    def comparable(kind: str, key: str) -> object:
        cells = cells_of(month=march).filter(
            value_added & (pl.col("slice_kind") == kind) & (pl.col("slice_key") == key)
        )
        return cells["ytd_comparable"].item()

    assert comparable("province", "14") == 5_643_000  # at 100: as at current prices
    assert comparable("province", "13") is None
    assert comparable("division", "30") is None
    # The incremental path sums the zone cells to the same (a zone without an index counts).
    rollup_zones(zone_ids=[world.zone_a.pk], years=[2025])
    assert stored(march).equals(computed(march))
    assert comparable("division", "30") is None


def test_category_cells_are_stored_decided_and_kept_up_to_date(
    accepted: None, world: World
) -> None:
    """丙一 (zone 丙) and 甲一 on the 2025 限上批发 roster; 丙一 reports revenue only."""
    for firm in (world.ent_c, world.ent_a1):
        RosterEntry.objects.create(enterprise=firm, year=2025, category=StatCategory.WHOLESALE)
    Return.objects.bulk_create(
        Return(
            enterprise=world.ent_c,
            period=date(2025, number, 1),
            status=ReturnStatus.ACCEPTED,
            revenue=Decimal("500"),
        )
        for number in (1, 2, 3)
    )
    rollup_rebuild()
    march = Month(2025, 3)
    assert stored(march).equals(computed(march))

    def revenue(kind: str, key: str) -> int:
        value = IndicatorCell.objects.get(
            month=march.first_day, slice_kind=kind, slice_key=key, indicator="revenue"
        ).ytd_value
        assert value is not None
        return value

    # 1–3月: 甲一 90 万元 a month + 丙一 500; 规上工业: 90 + 180 + 270 a month (丙一 not in it).
    assert revenue("category", "wholesale") == 3 * (90 + 500) * 10_000
    assert revenue("category", "industry") == revenue("province", "14") == 3 * 540 * 10_000
    zone_c = world.zone_c.pk
    assert revenue("zone_category", f"{zone_c}:wholesale") == 3 * 500 * 10_000
    assert not IndicatorCell.objects.filter(slice_kind="zone", slice_key=str(zone_c)).exists()
    decided = disclosure(march)
    # One firm in 丙's 限上批发: 保密. 甲's 规上工业 reads as 甲 itself (two firms: 保密).
    assert decided[("zone_category", f"{zone_c}:wholesale", "revenue")]
    zone_a = world.zone_a.pk
    assert (
        decided[("zone_category", f"{zone_a}:industry", "revenue")]
        == decided[("zone", str(zone_a), "revenue")]
    )
    # 丙一's March corrected late: 500 → 800 万元; the categories follow as a rebuild would.
    Return.objects.filter(enterprise=world.ent_c, period=date(2025, 3, 1)).update(
        revenue=Decimal("800")
    )
    rollup_after_change(zone_ids=[zone_c], periods=[date(2025, 3, 1)])
    assert revenue("category", "wholesale") == (3 * 90 + 500 + 500 + 800) * 10_000
    incremental = stored(march), disclosure(march)
    rollup_rebuild()
    assert stored(march).equals(incremental[0]) and disclosure(march) == incremental[1]


def test_a_change_touches_its_month_and_later_ones_and_the_next_years_bases(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kaifaqu.indicators.services import rollups

    monkeypatch.setattr(rollups.timezone, "localdate", lambda: date(2025, 6, 1))  # type: ignore[attr-defined]
    # 2024-03: 2024 from March (1–3月 … 1–12月), 2025 from March (the bases of 1–3月 on);
    # 2025-05: 2025 from May, and 2026 is not there yet.
    assert rollups.touched_months([date(2024, 3, 1), date(2025, 5, 1)]) == {2024: 3, 2025: 3}
    assert rollups.touched_months([date(2025, 5, 1)]) == {2025: 5}
    plan = rollups.marked_plan([(1, date(2025, 5, 1)), (2, date(2025, 2, 1))])
    assert {year: (entry.first, entry.zone_ids) for year, entry in plan.items()} == {
        2025: (2, {1, 2})
    }


def test_a_roll_up_rewrites_only_the_months_from_the_change_on(
    accepted: None, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaifaqu.indicators.services import rollups

    rollup_rebuild()
    zone_a = {"slice_kind": "zone", "slice_key": str(world.zone_a.pk)}
    february = dict(
        IndicatorCell.objects.filter(month=date(2025, 2, 1), **zone_a).values_list(
            "indicator", "pk"
        )
    )
    read: list[dict[str, object]] = []
    load = rollups.load_facts  # type: ignore[attr-defined]

    def spy(**kwargs: object) -> object:
        read.append(kwargs)
        return load(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rollups, "load_facts", spy)
    # 甲一's March 2025: 330 → 400 万元.
    Return.objects.filter(enterprise=world.ent_a1, period=date(2025, 3, 1)).update(
        gross_output=Decimal("400")
    )
    rollup_after_change(zone_ids=[world.zone_a.pk], periods=[date(2025, 3, 1)])
    # February was not rewritten (same rows); the facts read stop at the last counted month.
    assert (
        dict(
            IndicatorCell.objects.filter(month=date(2025, 2, 1), **zone_a).values_list(
                "indicator", "pk"
            )
        )
        == february
    )
    assert [(r["years"], r["zone_ids"], r["through"]) for r in read] == [
        ([2025], [world.zone_a.pk], 3)
    ]
    march = stored(Month(2025, 3))
    rollup_rebuild()
    assert march.equals(stored(Month(2025, 3)))


def test_the_facts_through_a_month_leave_later_months_out(accepted: None) -> None:
    whole = load_facts(years=[2025])
    through = load_facts(years=[2025], through=2)
    assert set(whole.returns["period"].dt.month()) == {1, 2, 3}
    assert set(through.returns["period"].dt.month()) == {1, 2}
    assert set(through.returns["period"].dt.year()) == {2024, 2025}
    # February's table needs nothing after February.
    assert indicator_table(through, Month(2025, 2)).equals(indicator_table(whole, Month(2025, 2)))
    with pytest.raises(ValueError):
        load_facts(through=2)
