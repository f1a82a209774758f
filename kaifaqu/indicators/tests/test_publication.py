"""Publication (审定发布): a month's figures, warnings and target progress are shown outside the
statistics office only once published; a revision withdraws the month and the later months of its
year until published again; a province's cells wait for every zone in them."""

import re
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.indicators.models import Publication
from kaifaqu.indicators.selectors import slice_table
from kaifaqu.indicators.selectors.publication import published_months, slice_month
from kaifaqu.indicators.selectors.slices import resolve_slice
from kaifaqu.indicators.selectors.targets.cells import latest_month, zone_cells
from kaifaqu.indicators.services.publication import month_publish
from kaifaqu.indicators.services.rollups import rollup_rebuild
from kaifaqu.indicators.tests.indicator_helpers import indicators_world, park_a3
from kaifaqu.returns.models import ReportingMonth, Return, ReturnStatus
from kaifaqu.returns.services import return_accept, return_save, return_send_back, return_submit
from kaifaqu.returns.services.months import reporting_month_close, reporting_month_reopen
from kaifaqu.returns.tests.helpers import stored_return

pytestmark = pytest.mark.django_db
__all__ = ["indicators_world", "park_a3"]  # fixtures
TABLE = reverse("indicators:indicator-table")
MARCH, FEBRUARY = date(2025, 3, 1), date(2025, 2, 1)


def month_of(world: World, period: date) -> ReportingMonth:
    return ReportingMonth.objects.get(zone=world.zone_a, period=period)


def gross_output(user: Any, world: World, month: Month) -> Any:
    table = slice_table(
        user=user, month=month, slice=resolve_slice(user, "zone", str(world.zone_a.pk))
    )
    return table, next(row for row in table.rows if row.code == "gross_output")


@pytest.fixture
def march_reopened(
    world: World, personas: Personas, indicators_world: dict[str, Enterprise]
) -> ReportingMonth:
    """The world's months are published (indicator_helpers); March is reopened for a revision."""
    return reporting_month_reopen(
        by=personas.statistician, reporting_month=month_of(world, MARCH), reason="甲一更正3月产值"
    )


def test_a_published_month_is_shown_to_the_zones_leadership(
    world: World, personas: Personas, indicators_world: dict[str, Enterprise]
) -> None:
    table, row = gross_output(personas.zone_admin, world, Month(2025, 3))
    assert not table.withheld and table.state is not None and table.state.published
    assert row.ytd_value is not None


def test_a_month_under_revision_is_withheld_with_the_later_months_of_its_year(
    world: World, personas: Personas, march_reopened: ReportingMonth
) -> None:
    months = published_months([world.zone_a.pk])
    assert months.is_shown(world.zone_a.pk, Month(2025, 2))
    assert not months.is_shown(world.zone_a.pk, Month(2025, 3))
    table, row = gross_output(personas.zone_admin, world, Month(2025, 3))
    assert table.withheld and row.ytd_value is None
    assert table.state is not None and table.state.in_revision
    # The statistics office sees the month as it stands, marked as not published.
    table, row = gross_output(personas.statistician, world, Month(2025, 3))
    assert not table.withheld and row.ytd_value is not None
    assert table.state is not None and not table.state.published


def test_a_revision_ends_with_the_corrected_month_published_again(
    world: World, personas: Personas, march_reopened: ReportingMonth
) -> None:
    statistician = personas.statistician
    record = Return.objects.get(enterprise=world.ent_a1, period=MARCH)
    before = gross_output(statistician, world, Month(2025, 3))[1].ytd_value
    return_send_back(by=statistician, return_record=record, comment="产值多报 50 万元")
    # The firm corrects its own figure (150 → 100 万元), the office accepts it again.
    return_save(
        by=personas.reporter,
        enterprise=world.ent_a1,
        period=MARCH,
        values={"gross_output": 100, "sales_output": 90},
    )
    return_submit(by=personas.reporter, return_record=record)
    return_accept(by=statistician, return_record=record)
    closed = reporting_month_close(by=statistician, reporting_month=march_reopened)
    publication = month_publish(by=statistician, reporting_month=closed)
    assert publication.revision == 1
    assert list(
        Publication.objects.filter(zone=world.zone_a, period=MARCH).values_list(
            "revision", flat=True
        )
    ) == [1, 0]
    table, row = gross_output(personas.zone_admin, world, Month(2025, 3))
    assert not table.withheld
    # 1–3月 of zone 甲 falls by exactly the correction: 50 万元.
    assert before is not None and row.ytd_value == before - 50


def test_publishing_needs_a_closed_month_once_per_revision_and_the_statistics_office(
    world: World, personas: Personas, march_reopened: ReportingMonth
) -> None:
    with pytest.raises(ValidationError):
        month_publish(by=personas.statistician, reporting_month=march_reopened)
    closed = reporting_month_close(by=personas.statistician, reporting_month=march_reopened)
    for persona in (personas.zone_admin, personas.statistician_b, personas.province_viewer):
        with pytest.raises(PermissionDenied):
            month_publish(by=persona, reporting_month=closed)
    month_publish(by=personas.statistician, reporting_month=closed)
    with pytest.raises(ValidationError):
        month_publish(by=personas.statistician, reporting_month=closed)


def test_the_page_says_the_month_is_not_published_and_links_the_latest_published(
    client: Client, world: World, personas: Personas, march_reopened: ReportingMonth
) -> None:
    client.force_login(personas.zone_admin)
    query = {"slice": f"zone:{world.zone_a.pk}"}
    content = client.get(TABLE, {**query, "month": "2025-03"}).content.decode()
    assert 'data-testid="withheld-note"' in content
    gross = content.split('data-indicator="gross_output"')[1].split("</tr>")[0]
    figures = re.findall(r'<td class="kfq-num">(.*?)</td>', gross, re.S)
    assert figures and all(not re.search(r"\d", cell) for cell in figures)
    assert "?month=2025-02" in content  # the latest published month
    # Without a month the page opens on the latest published one.
    opened = client.get(TABLE, query).content.decode()
    assert 'data-testid="indicator-table"' in opened and "2025-02" in opened
    export = client.get(reverse("indicators:indicator-export"), {**query, "month": "2025-03"})
    assert "210" not in export.content.decode("latin-1")  # no figure of a withheld month


def test_the_api_withholds_the_month_as_the_page_does(
    world: World, personas: Personas, march_reopened: ReportingMonth
) -> None:
    body = token_client(personas.zone_admin).get(
        "/api/indicator-table/", {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"}
    )
    assert body.status_code == 200
    data = body.json()
    rows = {row["code"]: row for row in data["rows"]}
    assert rows["gross_output"]["ytd_value"] is None
    assert data["withheld"] is True
    assert data["publication"]["published"] is False
    assert data["publication"]["in_revision"] is True
    # Zone 甲's eight roster firms of 2025 less 甲八 (off the roster): 7 report, 7 accepted.
    assert (data["publication"]["firms_expected"], data["publication"]["firms_accepted"]) == (7, 7)
    assert data["publication"]["response_rate"] == "100.0"
    # Without a month, the API answers with the latest published one.
    latest = token_client(personas.zone_admin).get(
        "/api/indicator-table/", {"slice": f"zone:{world.zone_a.pk}"}
    )
    assert latest.json()["month"] == "2025-02" and latest.json()["withheld"] is False


def test_targets_warnings_and_rankings_read_only_published_months_outside_the_office(
    world: World, personas: Personas, march_reopened: ReportingMonth
) -> None:
    zone = [world.zone_a.pk]
    assert not zone_cells(zone_ids=zone, months=[Month(2025, 3)], reader=personas.zone_admin)
    assert zone_cells(zone_ids=zone, months=[Month(2025, 3)], reader=personas.statistician)
    assert zone_cells(zone_ids=zone, months=[Month(2025, 2)], reader=personas.zone_admin)
    today = date(2025, 6, 1)
    assert latest_month(zone, today, reader=personas.zone_admin) == Month(2025, 2)
    assert latest_month(zone, today, reader=personas.statistician) == Month(2025, 3)


def test_a_province_cell_waits_for_every_zone_with_figures_in_it(
    world: World, personas: Personas, indicators_world: dict[str, Enterprise]
) -> None:
    # Zone 乙's March: one accepted return, rolled up, its month not published.
    stored_return(world.ent_b, MARCH, status=ReturnStatus.ACCEPTED, gross_output=80)
    RosterEntry.objects.create(enterprise=world.ent_b, year=2025, category=StatCategory.INDUSTRY)
    rollup_rebuild(months=[Month(2025, 3)])
    province = resolve_slice(personas.province_viewer, "province", "14")
    state = slice_month(personas.province_viewer, province, Month(2025, 3))
    assert (state.zones, state.zones_published, state.published, state.shown) == (
        2,
        1,
        False,
        False,
    )
    ReportingMonth.objects.create(
        zone=world.zone_b,
        period=MARCH,
        status="closed",
        deadline=date(2025, 4, 8),
        closed_at=timezone.now(),
    )
    Publication.objects.create(zone=world.zone_b, period=MARCH, published_at=timezone.now())
    state = slice_month(personas.province_viewer, province, Month(2025, 3))
    assert (state.zones_published, state.published, state.shown) == (2, True, True)
