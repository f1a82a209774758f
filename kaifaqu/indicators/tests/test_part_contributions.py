"""贡献率 and 拉动 by park, division and zone from the stored cells, worked by hand on the world of
indicator_helpers.py (zone 甲, three parks), with the masking of the table."""

from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.indicators.catalogue import BY_CODE
from kaifaqu.indicators.selectors.contributions import Part, part_contributions, shares
from kaifaqu.indicators.selectors.slices import resolve_slice
from kaifaqu.indicators.tests.indicator_helpers import indicators_world, park_a3

__all__ = ["indicators_world", "park_a3"]
pytestmark = pytest.mark.django_db
MARCH = Month(2025, 3)
API = "/api/indicator-contributions/"
MARK = "保密"


def page_url(code: str = "gross_output") -> str:
    return reverse("indicators:indicator-contributions", args=[code])


def by_label(parts: Any) -> dict[str, Any]:
    return {row.label: row for row in parts.rows}


def test_the_formulas_on_three_parts_by_hand() -> None:
    # Total 1–N月 2775 against 2550 万元 (in yuan): change 225, growth 8.8 %.
    parts = [
        Part("1", "一园", 3_900_000, 3_000_000, 1, 0, False),
        Part("2", "二园", 4_950_000, 4_500_000, 3, 0, False),
        Part("3", "三园", 18_900_000, 18_000_000, 3, 0, False),
    ]
    rows = shares(27_750_000, 25_500_000, parts, BY_CODE["gross_output"])
    # 90 / 2550 × 100 = 3.529… → 3.53 pp; 90 / 225 × 100 = 40.0 %. 45 → 1.76 pp and 20.0 %.
    assert [(r.label, r.change, r.pull_pp, r.contribution_pct) for r in rows] == [
        ("一园", Decimal("90.00"), Decimal("3.53"), Decimal("40.0")),
        ("三园", Decimal("90.00"), Decimal("3.53"), Decimal("40.0")),
        ("二园", Decimal("45.00"), Decimal("1.76"), Decimal("20.0")),
    ]
    # A suppressed part keeps its label only, at the end; the others are unchanged by it.
    hidden = shares(
        27_750_000,
        25_500_000,
        [*parts[1:], Part("1", "一园", None, None, 0, 0, True)],
        BY_CODE["gross_output"],
    )
    assert [(r.label, r.suppressed, r.pull_pp) for r in hidden] == [
        ("三园", False, Decimal("3.53")),
        ("二园", False, Decimal("1.76")),
        ("一园", True, None),
    ]


def test_the_office_sees_every_park_of_the_zone(
    world: World, personas: Personas, indicators_world: Any
) -> None:
    zone = resolve_slice(personas.statistician, "zone", str(world.zone_a.pk))
    parts = part_contributions(
        user=personas.statistician, month=MARCH, slice=zone, code="gross_output", by="park"
    )
    assert (parts.value, parts.base, parts.change, parts.growth) == (
        Decimal("2775.00"),
        Decimal("2550.00"),
        Decimal("225.00"),
        Decimal("8.8"),
    )
    rows = by_label(parts)
    assert set(rows) == {"一园", "二园", "三园"}
    assert (rows["一园"].pull_pp, rows["一园"].contribution_pct) == (
        Decimal("3.53"),
        Decimal("40.0"),
    )
    assert (rows["二园"].pull_pp, rows["二园"].contribution_pct) == (
        Decimal("1.76"),
        Decimal("20.0"),
    )
    assert (rows["三园"].pull_pp, rows["三园"].contribution_pct) == (
        Decimal("3.53"),
        Decimal("40.0"),
    )
    # By division: the zone is all division 30, which makes all of the growth.
    division = part_contributions(
        user=personas.statistician, month=MARCH, slice=zone, code="gross_output", by="division"
    )
    (only,) = division.rows
    # 225 / 2550 × 100 = 8.82 pp: the pull of the only part is the total's growth.
    assert (only.key, only.pull_pp, only.contribution_pct) == (
        f"{world.zone_a.pk}:30",
        Decimal("8.82"),
        Decimal("100.0"),
    )


def test_outside_the_office_a_suppressed_park_shows_no_figure_but_the_total_keeps_it(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    zone = resolve_slice(personas.zone_admin, "zone", str(world.zone_a.pk))
    parts = part_contributions(
        user=personas.zone_admin, month=MARCH, slice=zone, code="gross_output", by="park"
    )
    rows = by_label(parts)
    # 一园 is one enterprise (甲一): 保密, and its figures are nowhere.
    assert rows["一园"].suppressed
    assert (rows["一园"].value, rows["一园"].pull_pp, rows["一园"].contribution_pct) == (
        None,
        None,
        None,
    )
    # The total is the zone's, 一园 included.
    assert (parts.value, parts.base) == (Decimal("2775.00"), Decimal("2550.00"))
    client.force_login(personas.zone_admin)
    query = {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}", "by": "park"}
    content = client.get(page_url(), query).content.decode()
    park_row = content.split(f'data-part="{world.park_a1.pk}"')[1].split("</tr>")[0]
    assert MARK in park_row and "390" not in park_row
    assert 'data-testid="disclosure-note"' in content
    # The export, masked the same way and logged.
    response = client.get(
        reverse("indicators:indicator-contributions-export", args=["gross_output"]), query
    )
    rows_xlsx = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    park_line = next(line for line in rows_xlsx if line[0] == "一园")
    assert park_line[1:] == (MARK,) * 8
    total = next(line for line in rows_xlsx if line[0] in ("合计", "Total"))
    assert total[1:7] == (2775, 2550, 225, 8.8, 8.8, 100)
    assert AccessEvent.objects.filter(
        kind=AccessEventKind.EXPORT, user=personas.zone_admin
    ).exists()


def test_the_api_gives_the_same_parts(
    world: World, personas: Personas, indicators_world: Any
) -> None:
    body = token_client(personas.statistician).get(
        API,
        {
            "indicator": "gross_output",
            "month": "2025-03",
            "zone": str(world.zone_a.pk),
            "by": "park",
        },
    )
    assert body.status_code == 200, body.json()
    data = body.json()
    assert (data["value"], data["growth"], data["by"]) == ("2775.00", "8.8", "park")
    pulls = {part["label"]: part["pull_pp"] for part in data["parts"]}
    assert pulls == {"一园": "3.53", "二园": "1.76", "三园": "3.53"}
    masked = (
        token_client(personas.zone_admin)
        .get(
            API,
            {
                "indicator": "gross_output",
                "month": "2025-03",
                "zone": str(world.zone_a.pk),
                "by": "park",
            },
        )
        .json()
    )
    park = next(part for part in masked["parts"] if part["label"] == "一园")
    assert (park["suppressed"], park["value"], park["pull_pp"]) == (True, None, None)
    # A province by zone for the provincial office; a zone outside one's scope is a 404.
    province = (
        token_client(personas.province_viewer)
        .get(API, {"indicator": "gross_output", "month": "2025-03", "region": "14"})
        .json()
    )
    assert (province["by"], [part["label"] for part in province["parts"]]) == ("zone", ["甲开发区"])
    assert province["parts"][0]["contribution_pct"] == "100.0"
    outside = token_client(personas.statistician_b).get(
        API, {"indicator": "gross_output", "zone": str(world.zone_a.pk)}
    )
    assert outside.status_code == 404
    # A ratio has no parts to add up.
    assert (
        token_client(personas.statistician)
        .get(API, {"indicator": "sales_rate", "zone": str(world.zone_a.pk)})
        .status_code
        == 400
    )
    for persona in (personas.reporter, personas.auditor):
        assert token_client(persona).get(API, {"indicator": "gross_output"}).status_code == 403


def test_the_table_links_to_the_contributions_of_a_zone(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    client.force_login(personas.zone_admin)
    table = reverse("indicators:indicator-table")
    zone = client.get(table, {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"})
    assert 'data-testid="contributions-link"' in zone.content.decode()
    park = client.get(table, {"month": "2025-03", "slice": f"park:{world.park_a2.pk}"})
    assert 'data-testid="contributions-link"' not in park.content.decode()
    tabs = client.get(
        page_url(), {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"}
    ).content.decode()
    assert "by=division" in tabs and "by=park" in tabs
    client.force_login(personas.reporter)
    assert client.get(page_url(), {"month": "2025-03"}).status_code == 403
