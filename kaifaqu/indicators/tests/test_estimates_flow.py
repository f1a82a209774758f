"""An estimate (估算) from the close to every figure it reaches: the stored cells count it, the
table, its export and API mark 含估算, the drill-down marks the firm; the firm's own return takes
it out again. Worked by hand on the world of indicator_helpers.py."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.indicators.models import IndicatorCell
from kaifaqu.indicators.services.publication import month_publish
from kaifaqu.indicators.tests.indicator_helpers import indicators_world, park_a3
from kaifaqu.indicators.tests.test_indicator_pages import xlsx_rows
from kaifaqu.returns.models import ReportingMonth, Return
from kaifaqu.returns.services import estimates_create, return_save
from kaifaqu.returns.services.months import reporting_month_close, reporting_month_reopen

__all__ = ["indicators_world", "park_a3"]
pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)
TABLE = reverse("indicators:indicator-table")
EXPORT = reverse("indicators:indicator-export")


def zone_cell(world: World, indicator: str = "gross_output") -> IndicatorCell:
    return IndicatorCell.objects.get(
        month=MARCH, slice_kind="zone", slice_key=str(world.zone_a.pk), indicator=indicator
    )


@pytest.fixture
def estimated(world: World, personas: Personas, indicators_world: dict[str, Any]) -> None:
    """甲二 did not report March 2025 (its 55 万元 return removed) and is estimated, in a
    revision of the published month."""
    Return.objects.filter(enterprise=world.ent_a2, period=MARCH).delete()
    reporting_month_reopen(
        by=personas.statistician,
        reporting_month=ReportingMonth.objects.get(zone=world.zone_a, period=MARCH),
        reason="甲二 3月未报，估算",
    )
    estimates_create(
        by=personas.statistician, zone=world.zone_a, period=MARCH, enterprise_ids=[world.ent_a2.pk]
    )


def test_the_cells_count_the_estimate_and_its_figure(world: World, estimated: None) -> None:
    # 甲二's last March, 50 万元, × the trend of division 30 in zone 甲 over the firms that
    # reported both Marches: (150 + 55 + 55 + 3 × 210 + 999) / (100 + 50 + 50 + 3 × 200 + 1000)
    # = 1889 / 1800 → 52.47222… → 52.4722 万元.
    assert Return.objects.get(enterprise=world.ent_a2, period=MARCH).gross_output == Decimal(
        "52.4722"
    )
    cell = zone_cell(world)
    # 1–3月 of the zone: 2775 − 55 + 52.4722 = 2772.4722 万元, in yuan.
    assert (cell.ytd_value, cell.enterprises, cell.estimated) == (27_724_722, 7, 1)
    park = IndicatorCell.objects.get(
        month=MARCH, slice_kind="park", slice_key=str(world.park_a2.pk), indicator="gross_output"
    )
    assert park.estimated == 1
    # Above zones the counts are summed as the enterprises are.
    province = IndicatorCell.objects.get(
        month=MARCH, slice_kind="province", slice_key="14", indicator="gross_output"
    )
    assert province.estimated == 1
    # February has no estimate in it.
    february = IndicatorCell.objects.get(
        month=date(2025, 2, 1),
        slice_kind="zone",
        slice_key=str(world.zone_a.pk),
        indicator="gross_output",
    )
    assert february.estimated == 0


def test_the_table_its_export_and_api_mark_the_figure(
    client: Client, world: World, personas: Personas, estimated: None
) -> None:
    # The revision closed and published again: the zone's leadership sees it.
    march = reporting_month_close(
        by=personas.statistician,
        reporting_month=ReportingMonth.objects.get(zone=world.zone_a, period=MARCH),
    )
    month_publish(by=personas.statistician, reporting_month=march)
    client.force_login(personas.zone_admin)
    query = {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"}
    content = client.get(TABLE, query).content.decode()
    assert 'data-testid="estimated"' in content
    assert 'data-testid="estimates-note"' in content
    # The export: the count beside the enterprises, and the note.
    rows = xlsx_rows(client.get(EXPORT, query).content)
    assert "含估算" in str(rows[1][10])
    assert rows[2][9:11] == (7, 1)
    body = token_client(personas.zone_admin).get(
        "/api/indicator-table/", {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"}
    )
    assert body.status_code == 200, body.json()
    gross = next(row for row in body.json()["rows"] if row["code"] == "gross_output")
    assert gross["estimated"] == 1
    # February: nothing estimated, no mark.
    february = client.get(TABLE, {**query, "month": "2025-02"}).content.decode()
    assert 'data-testid="estimated"' not in february


def test_the_drill_down_marks_the_estimated_firm(
    client: Client, world: World, personas: Personas, estimated: None
) -> None:
    client.force_login(personas.statistician)
    response = client.get(
        reverse("indicators:indicator-drill", args=["gross_output"]),
        {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"},
    )
    content = response.content.decode()
    marked = content.split(f'data-enterprise="{world.ent_a2.pk}"')[1].split("</tr>")[0]
    assert 'data-testid="estimated"' in marked
    other = content.split(f'data-enterprise="{world.ent_a1.pk}"')[1].split("</tr>")[0]
    assert 'data-testid="estimated"' not in other


def test_the_firms_return_takes_the_estimate_out(
    world: World, personas: Personas, estimated: None
) -> None:
    return_save(
        by=personas.statistician,
        enterprise=world.ent_a2,
        period=MARCH,
        values={"gross_output": Decimal("56")},
    )
    # A draft is not counted: 2775 − 55 = 2720 万元 until it is submitted and accepted.
    cell = zone_cell(world)
    assert (cell.ytd_value, cell.enterprises, cell.estimated) == (27_200_000, 7, 0)
