"""Where a province has no price index: value added at comparable prices is not available and
flagged, never deflated by 100, and the pages that read it (table, API, export, target progress,
warnings, rankings) say so or leave the growth out, without breaking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.indicators.models import PriceIndex
from kaifaqu.indicators.selectors.targets import BY_GROWTH, target_progress, warnings, zone_ranking
from kaifaqu.indicators.selectors.targets.cells import zone_cells
from kaifaqu.indicators.services.rollups import rollup_rebuild
from kaifaqu.indicators.tests.indicator_helpers import zone_statistician
from kaifaqu.indicators.tests.target_world import TargetWorld, target_world

__all__ = ["target_world"]
pytestmark = pytest.mark.django_db
MARCH = Month(2025, 3)
NO_INDEX = "no price index: comparable-price growth not available"


@pytest.fixture
def no_shanxi_index(target_world: TargetWorld) -> TargetWorld:
    """target_world (zones 甲 and 乙 in 山西, 丙 in 河北) without 山西's price indexes."""
    PriceIndex.objects.filter(region=target_world.world.shanxi).delete()
    rollup_rebuild()
    return target_world


def test_a_zone_without_an_index_has_no_value_added_growth(
    no_shanxi_index: TargetWorld, personas: Personas
) -> None:
    world = no_shanxi_index.world
    # As the platform itself reads them (reader None: every month, unmasked).
    cells = zone_cells(zone_ids=[world.zone_a.pk, world.zone_c.pk], months=[MARCH], reader=None)
    shanxi = cells[(world.zone_a.pk, date(2025, 3, 1), "value_added")]
    # 3300 × 28.5 % = 940.5 万元 at current prices; +10 % at current prices is not given out
    # as growth at comparable prices.
    assert shanxi.value == Decimal("940.5")
    assert shanxi.ytd_comparable is None and shanxi.no_price_index
    assert shanxi.growth_pct is None
    # 河北 (丙) has its indexes (100): its growth at comparable prices stands (2160 against the
    # whole first quarter of 2024, 1800: +20 %).
    hebei = cells[(world.zone_c.pk, date(2025, 3, 1), "value_added")]
    assert not hebei.no_price_index and hebei.growth_pct == Decimal(20)
    # Other indicators are untouched.
    assert cells[(world.zone_a.pk, date(2025, 3, 1), "gross_output")].growth_pct == Decimal(10)


def test_targets_warnings_and_rankings_leave_the_growth_out(
    no_shanxi_index: TargetWorld, personas: Personas
) -> None:
    world = no_shanxi_index.world
    # Zone 甲's value-added target: +9 % (target_world).
    progress = target_progress(user=personas.statistician, zone=world.zone_a, month=MARCH)
    value_added = {row.indicator: row for row in progress.annual}["value_added"]
    assert value_added.actual.growth_pct is None and value_added.growth_gap_pp is None
    # 乙's value added turned negative with indexes at 100; without, no growth, no warning.
    # (乙 is 保密 outside the statistics office: its statistician sees its warnings.)
    raised = {
        (w.zone.name, w.indicator) for w in warnings(user=personas.statistician_b, month=MARCH)
    }
    assert ("乙开发区", "value_added") not in raised
    assert ("乙开发区", "gross_output") in raised

    def growth_ranks(user: Any) -> dict[str, tuple[Any, Any, bool]]:
        ranking = zone_ranking(user=user, month=MARCH, indicator="value_added", by=BY_GROWTH)
        return {
            row.zone.name: (row.growth_pct, row.growth_rank, row.value is not None)
            for row in ranking.rows
        }

    # The provincial office's ranking of 山西: 甲's value shown, without growth or rank.
    assert growth_ranks(personas.province_viewer)["甲开发区"] == (None, None, True)
    assert growth_ranks(personas.statistician_b) == {"乙开发区": (None, None, True)}
    # 河北 has its indexes: 丙 ranks (as its statistics office sees it).
    office_c = zone_statistician(world.zone_c, "statistician_c")
    assert growth_ranks(office_c)["丙开发区"] == (Decimal(20), 1, True)


def test_the_pages_say_that_the_index_is_missing(
    client: Client, no_shanxi_index: TargetWorld, personas: Personas
) -> None:
    world = no_shanxi_index.world
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    table = client.get(
        reverse("indicators:indicator-table"),
        {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"},
    )
    body = table.content.decode()
    assert 'data-testid="no-price-index"' in body and NO_INDEX in body
    value_added = next(row for row in table_rows(table) if "规上工业增加值" in row[0])
    assert NO_INDEX in value_added
    api = token_client(personas.statistician).get(
        "/api/indicator-table/",
        {"month": "2025-03", "slice_kind": "zone", "slice_key": str(world.zone_a.pk)},
    )
    row = next(r for r in api.json()["rows"] if r["code"] == "value_added")
    assert row["no_price_index"] is True and row["ytd_comparable_growth"] is None
    # The growth at current prices is still shown.
    assert row["ytd_growth"] is not None
    for name in ("indicators:target-progress", "indicators:warning-list"):
        assert client.get(reverse(name), {"month": "2025-03"}).status_code == 200
    client.force_login(personas.province_viewer)
    ranking = client.get(
        reverse("indicators:zone-ranking"),
        {"month": "2025-03", "indicator": "value_added", "by": BY_GROWTH},
    )
    assert ranking.status_code == 200
