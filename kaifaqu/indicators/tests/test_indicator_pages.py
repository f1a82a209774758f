"""The indicator pages on a world worked out by hand (see indicator_helpers.py): the table of a
slice and month, masking outside the statistics office, the drill-down, the export and who sees
what."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.accounts.models import AccessEvent, AccessEventKind, User
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.core.tests.registry_pages import table_rows, xlsx_rows
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Park
from kaifaqu.indicators.catalogue import CATALOGUE, COMPUTED
from kaifaqu.indicators.disclosure import DEFAULT_RULE
from kaifaqu.indicators.models import IndicatorCell
from kaifaqu.indicators.selectors import indicator_rows, table
from kaifaqu.indicators.services.rollups import rollup_disclosure
from kaifaqu.indicators.tests.indicator_helpers import indicators_world, park_a3

pytestmark = pytest.mark.django_db
TABLE = reverse("indicators:indicator-table")
EXPORT = reverse("indicators:indicator-export")
CATALOGUE_PAGE = reverse("indicators:indicator-catalogue")
MARK = "保密"
__all__ = ["indicators_world", "park_a3"]  # fixtures


def drill(code: str) -> str:
    return reverse("indicators:indicator-drill", args=[code])


def rows_by_code(response: Any) -> dict[str, list[str]]:
    """The indicator table's rows keyed by indicator code (the page lists the catalogue)."""
    rows = table_rows(response)
    assert len(rows) == len(CATALOGUE)
    return {indicator.code: row[2:] for indicator, row in zip(CATALOGUE, rows, strict=True)}


def page(client: Client, user: User, month: str, slice_token: str, **extra: str) -> Any:
    client.force_login(user)
    return client.get(TABLE, {"month": month, "slice": slice_token, **extra})


def months_label(months: int) -> re.Pattern[str]:
    # The Chinese catalogue writes the range with a dash of its own choosing (1—3月 or 1–3月).
    return re.compile(rf"1[–—-]{months}月")


# --- the figures -------------------------------------------------------------------------------


def test_the_zone_table_shows_the_month_1_to_3_months_and_growth_worked_out_by_hand(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    response = page(client, personas.zone_admin, "2025-03", f"zone:{world.zone_a.pk}")
    assert response.status_code == 200
    assert months_label(3).search(response.content.decode())
    rows = rows_by_code(response)
    # March: 150 + 3×55 + 3×210 = 945 against 100 + 3×50 + 3×200 = 850: +11.2 %. 1–3月: 390 +
    # 495 + 1890 = 2775 against 2550 (甲八, off the 2025 roster, in neither): +8.8 %. 7 firms.
    assert rows["gross_output"] == ["945.00", "11.2", "2,775.00", "8.8", "", "7"]
    # Value added at 28.5 %: 790.875 → 790.88 万元. At comparable prices, March ÷ 1.05 firm by
    # firm: 407,143 + 3×149,286 + 3×570,000 = 2,565,001 yuan; with Jan–Feb (5,215,500 yuan)
    # 7,780,501 against 7,267,500: +7.1 %; March alone against 2,422,500: +5.9 %.
    assert rows["value_added"] == ["269.33", "11.2", "790.88", "8.8", "7.1", "7"]
    # Sales 90 % of output in 2025, 95 % in 2024: 90.0 %, 5.0 percentage points down.
    rate = rows["sales_rate"]
    assert (rate[0], rate[2]) == ("90.0", "90.0")
    assert rate[1].startswith("-5.0 ") and rate[3].startswith("-5.0 ")
    assert rows["employees"] == ["350", "0.0", "350", "0.0", "", "7"]
    # Nobody reported profit; GDP was not entered: nothing shown, no 0.
    assert rows["total_profit"][:4] == ["—", "—", "—", "—"]
    assert rows["gdp"][:4] == ["—", "—", "—", "—"]
    selected = indicator_rows(
        user=personas.zone_admin,
        month=Month(2025, 3),
        slice_kind="zone",
        slice_key=str(world.zone_a.pk),
    ).rows[0]
    assert (selected.ytd_value, selected.ytd_base) == (2775, 2550)


def test_february_shows_1_to_2_months_only(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    response = page(client, personas.zone_admin, "2025-02", f"zone:{world.zone_a.pk}")
    assert months_label(2).search(response.content.decode())
    assert 'data-testid="february-note"' in response.content.decode()
    # 1–2月: 2 × (120 + 165 + 630) = 1830 against 2 × 850 = 1700: +7.6 %; no February alone.
    assert rows_by_code(response)["gross_output"] == ["—", "—", "1,830.00", "7.6", "", "7"]


def test_january_is_not_published_alone(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    response = page(client, personas.zone_admin, "2025-01", f"zone:{world.zone_a.pk}")
    content = response.content.decode()
    assert 'data-testid="january-note"' in content
    assert "month=2025-02" in content
    assert 'data-testid="indicator-table"' not in content


def test_the_page_opens_on_the_users_zone_and_latest_month(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    client.force_login(personas.zone_admin)
    response = client.get(TABLE)
    assert response.context["month"] == Month(2025, 3)
    assert response.context["chosen_slice"].token == f"zone:{world.zone_a.pk}"
    options = [s.token for group in response.context["slice_groups"] for s in group.slices]
    parks = [f"park:{park.pk}" for park in Park.objects.filter(zone=world.zone_a)]
    assert options == [
        f"zone:{world.zone_a.pk}",
        *parks,
        f"zone_division:{world.zone_a.pk}:30",
        f"zone_category:{world.zone_a.pk}:industry",
    ]


# --- disclosure control ------------------------------------------------------------------------


def test_a_park_of_one_enterprise_is_suppressed_for_the_zone_admin_not_the_statistician(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    token = f"park:{world.park_a1.pk}"
    masked = page(client, personas.zone_admin, "2025-03", token)
    content = masked.content.decode()
    assert rows_by_code(masked)["gross_output"] == [MARK]
    assert "390.00" not in content
    # The mark explains the rule in a tooltip, and the rule is written under the table.
    assert f'title="{DEFAULT_RULE.description()}"' in content.replace("&#x27;", "'")
    assert 'data-testid="disclosure-note"' in content
    shown = page(client, personas.statistician, "2025-03", token)
    # (The office's rows end with a link to the enterprises.)
    assert rows_by_code(shown)["gross_output"][:6] == ["150.00", "50.0", "390.00", "30.0", "", "1"]
    assert 'data-testid="suppressed"' not in shown.content.decode()


def test_the_parks_breakdown_hides_a_complement_so_the_small_park_cannot_be_derived(
    client: Client, world: World, personas: Personas, indicators_world: Any, park_a3: Park
) -> None:
    # Zone 甲 = 一园 (1 firm, hidden) + 二园 (495) + 三园 (1890), all published otherwise: 二园,
    # the smaller, is hidden too; 三园 and the zone stay published.
    def status(token: str) -> list[str]:
        return rows_by_code(page(client, personas.zone_admin, "2025-03", token))["gross_output"]

    assert status(f"park:{world.park_a2.pk}") == [MARK]
    assert status(f"park:{park_a3.pk}") == ["630.00", "5.0", "1,890.00", "5.0", "", "3"]
    assert status(f"zone:{world.zone_a.pk}")[2] == "2,775.00"
    for indicator in ("gross_output", "revenue", "sales_rate", "value_added", "employees"):
        rows = {
            park.pk: {
                row.code: row
                for row in indicator_rows(
                    user=personas.zone_admin,
                    month=Month(2025, 3),
                    slice_kind="park",
                    slice_key=str(park.pk),
                ).rows
            }[indicator]
            for park in (world.park_a1, world.park_a2, park_a3)
        }
        assert [row.suppressed for row in rows.values()] == [True, True, False], indicator
        # Every figure of a hidden cell is masked, not only the value the rule looked at.
        hidden = rows[world.park_a2.pk]
        assert (hidden.ytd_base, hidden.month_growth, hidden.enterprises) == (None, None, None)


def test_a_cell_dominated_by_one_enterprise_is_suppressed_outside_the_office(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    # Make one firm 90 % of the zone's revenue: more than 85 %.
    IndicatorCell.objects.filter(
        month=date(2025, 3, 1), slice_kind="zone", indicator="revenue"
    ).update(top_value=9, abs_value=10)
    token = f"zone:{world.zone_a.pk}"
    # Decided when the roll-up writes the month, not per request.
    assert rows_by_code(page(client, personas.zone_admin, "2025-03", token))["revenue"] != [MARK]
    rollup_disclosure(months=[Month(2025, 3)])
    assert rows_by_code(page(client, personas.zone_admin, "2025-03", token))["revenue"] == [MARK]
    assert rows_by_code(page(client, personas.statistician, "2025-03", token))["revenue"][2] == (
        "2,775.00"
    )


# --- the drill-down ----------------------------------------------------------------------------


def test_the_drill_down_gives_each_firms_pull_and_contribution_worked_out_by_hand(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    client.force_login(personas.statistician)
    response = client.get(
        drill("gross_output"), {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"}
    )
    assert response.status_code == 200
    rows = table_rows(response)
    # C = 2775, B = 2550, C − B = 225. 甲一: +90 → 拉动 90/2550 = 3.53 pp, 贡献率 90/225 = 40 %,
    # share 390/2775 = 14.1 %. 三园's firms: +30 → 1.18 pp, 13.3 %; 二园's: +15 → 0.59, 6.7 %.
    firms = indicators_world
    assert rows[0][0].startswith(firms["甲一"].name)
    assert rows[0][2:] == ["390.00", "300.00", "90.00", "3.53", "40.0", "14.1"]
    assert [row[2:] for row in rows[1:4]] == [
        ["630.00", "600.00", "30.00", "1.18", "13.3", "22.7"]
    ] * 3
    assert [row[2:] for row in rows[4:]] == [
        ["165.00", "150.00", "15.00", "0.59", "6.7", "5.9"]
    ] * 3
    assert firms["甲八"].name not in response.content.decode()
    total = response.content.decode().split('data-testid="contribution-total"')[1]
    assert "2,775.00" in total and "2,550.00" in total and "8.8" in total


@pytest.mark.parametrize(
    "persona", ["zone_admin", "province_viewer", "park_user", "outsider", "reporter", "auditor"]
)
def test_enterprise_figures_are_for_the_statistics_office_only(
    client: Client, world: World, personas: Personas, indicators_world: Any, persona: str
) -> None:
    client.force_login(getattr(personas, persona))
    response = client.get(
        drill("gross_output"), {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"}
    )
    assert response.status_code == 403
    assert "390.00" not in response.content.decode()


def test_no_one_drills_down_the_province_and_the_system_administrator_nothing(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    """The enterprises behind a figure are the statistics office's of their zone (statistician:
    zone 甲's seven firms); the province's are no one's: the provincial office sees aggregates
    and, since 三员分立, the system administrator no business data."""
    province = {"month": "2025-03", "slice": "province:14"}
    zone = {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"}
    client.force_login(personas.statistician)
    assert len(table_rows(client.get(drill("value_added"), zone))) == 7
    assert client.get(drill("value_added"), province).status_code == 404
    client.force_login(personas.province_viewer)
    assert client.get(drill("value_added"), province).status_code == 403
    client.force_login(personas.sysadmin)
    for query in (province, zone):
        response = client.get(drill("value_added"), query)
        assert response.status_code == 403
        assert indicators_world["甲一"].name not in response.content.decode()


# --- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "slice_of", "status"),
    [
        ("outsider", "zone_a", 404),  # another zone's administrator
        ("park_user", "park_a2", 404),  # another park of the same zone
        ("park_user", "zone_a", 404),  # a park's centre does not see its zone
        ("province_viewer", "zone_c", 404),  # a zone of another province
        ("zone_admin", "province", 404),  # a zone's users do not see the province
        ("reporter", "zone_a", 403),
        ("auditor", "zone_a", 403),
        ("sysadmin", "zone_a", 403),  # 三员分立: no business data
        ("sysadmin", "province", 403),
    ],
)
def test_personas_outside_a_slice_do_not_see_it(
    client: Client,
    world: World,
    personas: Personas,
    indicators_world: Any,
    persona: str,
    slice_of: str,
    status: int,
) -> None:
    token = "province:14" if slice_of == "province" else ""
    if not token:
        record = getattr(world, slice_of)
        token = f"{'park' if isinstance(record, Park) else 'zone'}:{record.pk}"
    response = page(client, getattr(personas, persona), "2025-03", token)
    assert response.status_code == status
    assert "2,775.00" not in response.content.decode()


def test_a_zones_industry_category_is_the_zone_for_whoever_sees_the_zone(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    token = f"zone_category:{world.zone_a.pk}:industry"
    statistician = page(client, personas.statistician, "2025-03", token)
    assert statistician.status_code == 200
    assert statistician.context["chosen_slice"].label.endswith("· 规上工业")
    zone = page(client, personas.statistician, "2025-03", f"zone:{world.zone_a.pk}")
    # The computed rows are the zone's own (the entered ones, GDP…, belong to the zone only).
    computed = [indicator.code for indicator in COMPUTED]
    assert [rows_by_code(statistician)[code] for code in computed] == [
        rows_by_code(zone)[code] for code in computed
    ]
    # The province-wide category adds up zones of every province: no office's (and, since
    # 三员分立, no longer the system administrator's).
    assert page(client, personas.statistician, "2025-03", "category:industry").status_code == 404
    assert page(client, personas.sysadmin, "2025-03", token).status_code == 403


@pytest.mark.parametrize(
    ("persona", "token", "status"),
    [
        ("zone_admin", "category:industry", 404),  # the province-wide category: office only
        ("province_viewer", "category:industry", 404),
        ("outsider", "zone_category:{zone_a}:industry", 404),  # another zone's category
        ("park_user", "zone_category:{zone_a}:industry", 404),
        ("zone_admin", "zone_category:{zone_a}:no_such_category", 404),
        ("statistician", "category:industry", 404),
        ("statistician", "zone_category:{zone_a}:no_such_category", 404),
        ("sysadmin", "category:industry", 403),  # 三员分立: no business data at all
        ("sysadmin", "zone_category:{zone_a}:industry", 403),
    ],
)
def test_personas_outside_a_category_slice_do_not_see_it(
    client: Client,
    world: World,
    personas: Personas,
    indicators_world: Any,
    persona: str,
    token: str,
    status: int,
) -> None:
    response = page(
        client, getattr(personas, persona), "2025-03", token.format(zone_a=world.zone_a.pk)
    )
    assert response.status_code == status


def test_the_province_office_sees_its_province_and_zones_masked(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    client.force_login(personas.province_viewer)
    opening = client.get(TABLE)
    assert opening.context["chosen_slice"].token == "province:14"
    assert rows_by_code(opening)["gross_output"][2] == "2,775.00"
    options = [s.token for group in opening.context["slice_groups"] for s in group.slices]
    assert "city:1406" in options and f"zone:{world.zone_a.pk}" in options
    assert f"zone:{world.zone_c.pk}" not in options
    park = page(client, personas.province_viewer, "2025-03", f"park:{world.park_a1.pk}")
    assert rows_by_code(park)["gross_output"] == [MARK]


def test_the_park_centre_sees_its_own_park_and_nothing_else(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    client.force_login(personas.park_user)
    response = client.get(TABLE)
    assert response.status_code == 200
    assert response.context["chosen_slice"].token == f"park:{world.park_a1.pk}"
    options = [s.token for group in response.context["slice_groups"] for s in group.slices]
    assert options == [f"park:{world.park_a1.pk}"]
    # One firm: hidden from its own park's centre too.
    assert rows_by_code(response)["gross_output"] == [MARK]


def test_the_page_in_english_with_the_language_cookie(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = page(client, personas.zone_admin, "2025-03", f"park:{world.park_a1.pk}")
    content = response.content.decode()
    assert "Gross output of above-scale industry (规上工业总产值)" in content
    assert "Months 1–3" in content
    assert rows_by_code(response)["gross_output"] == ["Suppressed"]
    assert "fewer than 3 enterprises" in content


def test_the_table_page_reads_a_bounded_number_of_queries_whatever_the_cells(
    client: Client, world: World, personas: Personas, indicators_world: Any, park_a3: Park
) -> None:
    client.force_login(personas.zone_admin)
    query = {"month": "2025-03", "slice": f"park:{park_a3.pk}"}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(TABLE, query).status_code == 200
        return len(queries)

    before = count()
    # Every other division of the zone gets cells: eight times as many rows to read and mask.
    divisions = IndustryClass.objects.filter(level=IndustryLevel.DIVISION).exclude(code="30")
    IndicatorCell.objects.bulk_create(
        IndicatorCell(
            month=date(2025, 3, 1),
            slice_kind="zone_division",
            slice_key=f"{world.zone_a.pk}:{division.code}",
            zone=world.zone_a,
            indicator=indicator.code,
            ytd_value=1000,
            ytd_base=900,
            enterprises=5,
            top_value=300,
            abs_value=1000,
        )
        for division in divisions
        for indicator in COMPUTED
    )
    assert count() == before <= 20


# --- export and catalogue ----------------------------------------------------------------------


def test_the_excel_export_opens_and_carries_the_mark_where_the_page_does(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    client.force_login(personas.zone_admin)
    response = client.get(EXPORT, {"month": "2025-03", "slice": f"park:{world.park_a1.pk}"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-2025-03.xlsx"')
    rows = xlsx_rows(response.content)
    gross = rows[2]
    assert gross[2:10] == (MARK,) * 8
    assert any(str(row[0]).startswith(f"{MARK}:") for row in rows if row and row[0])
    load_workbook(BytesIO(response.content))  # a workbook Excel opens
    assert AccessEvent.objects.filter(
        kind=AccessEventKind.EXPORT, user=personas.zone_admin
    ).exists()

    client.force_login(personas.statistician)
    response = client.get(EXPORT, {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"})
    gross = xlsx_rows(response.content)[2]
    assert gross[2:10] == (945, 850, 11.2, 2775, 2550, 8.8, None, 7)
    assert MARK not in str(xlsx_rows(response.content))


def test_the_catalogue_lists_every_indicator_with_its_unit_source_and_method(
    client: Client, personas: Personas, indicators_world: Any
) -> None:
    client.force_login(personas.zone_admin)
    response = client.get(CATALOGUE_PAGE)
    assert response.status_code == 200
    content = response.content.decode()
    for indicator in CATALOGUE:
        assert f'id="{indicator.code}"' in content
    assert len(table_rows(response)) == len(CATALOGUE)
    # The table's indicator names lead to their method.
    table = page(client, personas.zone_admin, "2025-03", "").content.decode()
    assert f"{CATALOGUE_PAGE}#value_added" in table
    client.force_login(personas.reporter)
    assert client.get(CATALOGUE_PAGE).status_code == 403


def test_enterprises_outside_the_slice_are_not_named_on_the_table(
    client: Client, world: World, personas: Personas, indicators_world: Any
) -> None:
    response = page(client, personas.zone_admin, "2025-03", f"zone:{world.zone_a.pk}")
    names = Enterprise.objects.values_list("name", flat=True)
    assert not any(name in response.content.decode() for name in names)


def test_a_small_fall_is_shown_as_0_0_not_minus_0_0() -> None:
    assert str(table._one_place(Decimal("-0.04"))) == "0.0"
    assert str(table._one_place(Decimal("-0.05"))) == "-0.1"
