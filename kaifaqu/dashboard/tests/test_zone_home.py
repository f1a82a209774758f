"""The zone home page: what a zone's users see first, scoped to their role."""

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, World
from kaifaqu.dashboard.tests.conftest import ZoneAFigures
from kaifaqu.enterprises.services import enterprise_update
from kaifaqu.geo.services import park_create
from kaifaqu.projects.models import Stage
from kaifaqu.projects.services import project_advance

pytestmark = pytest.mark.django_db


def zone_url(world: World, zone: str = "zone_a") -> str:
    return reverse("dashboard:zone-home", args=[getattr(world, zone).pk])


def page_as(client: Client, user: User, url: str = "/") -> tuple[Any, str]:
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


def test_a_zone_administrator_lands_on_the_zone_page_with_its_parks_and_counts(
    client: Client, world: World, personas: Personas
) -> None:
    response, html = page_as(client, personas.zone_admin)
    assert response.status_code == 200
    home = response.context["home"]
    assert home.zone == world.zone_a
    rows = [
        (row.park.name, row.tally.enterprises, row.tally.projects, row.tally.total_investment)
        for row in home.parks
    ]
    assert rows == [("一园", 1, 1, Decimal("45000")), ("二园", 1, 1, Decimal("3000"))]
    assert (home.totals.enterprises, home.totals.projects) == (2, 2)
    assert home.totals.total_investment == Decimal("48000")
    # 45000 + 3000 万元 = 4.80 亿元; the parks' areas 10 + 12 km² of the zone's 50.
    for text in ("甲开发区", "一园", "二园", "4.50", "0.30", "4.80", "50.00", "22.00"):
        assert text in html


def test_the_zone_page_shows_the_latest_years_figures_in_yi_with_their_source(
    client: Client, world: World, personas: Personas, zone_a_figures: ZoneAFigures
) -> None:
    response, html = page_as(client, personas.statistician, zone_url(world))
    home = response.context["home"]
    assert home.figures_year == 2024
    assert [figure.indicator for figure in home.figures] == [
        "gdp",
        "fiscal_revenue",
        "budget_revenue",
    ]
    # 727630 万元 = 72.763 亿元, 966559 万元 = 96.6559 亿元, 57730 万元 = 5.773 亿元: as published.
    assert 'data-indicator="gdp">72.763<' in html
    assert 'data-indicator="fiscal_revenue">96.6559<' in html
    assert 'data-indicator="budget_revenue">5.773<' in html
    assert "65.00" not in html  # the 2023 GDP
    assert zone_a_figures.source in html


def test_it_counts_the_enterprises_on_the_latest_above_scale_industry_roster(
    client: Client, world: World, personas: Personas, zone_a_figures: ZoneAFigures
) -> None:
    response, html = page_as(client, personas.zone_admin)
    home = response.context["home"]
    # 2024: 甲一 and 甲二 in industry (甲一's wholesale entry and its 2023 entry do not count).
    assert (home.roster_year, home.roster_industry) == (2024, 2)
    assert 'data-testid="roster-industry">2<' in html


def test_projects_by_stage_follow_the_lifecycle_then_stalled_and_terminated(
    client: Client, world: World, personas: Personas
) -> None:
    project_advance(project=world.project_a2, to_stage=Stage.STARTED, on=date(2025, 2, 1), by=None)
    response, _html = page_as(client, personas.zone_admin)
    stages = response.context["home"].stages
    assert [row.stage for row in stages] == [
        "lead", "negotiating", "signed", "approved", "started", "building",
        "commissioned", "at_capacity", "stalled", "terminated",
    ]  # fmt: skip
    by_stage = {row.stage: (row.projects, row.total_investment) for row in stages}
    assert by_stage["signed"] == (1, Decimal("45000"))
    assert by_stage["started"] == (1, Decimal("3000"))
    assert by_stage["lead"] == (0, Decimal(0))
    chart = response.context["stage_chart"]
    assert chart["series"][0]["values"] == [0, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    assert chart["series"][1]["values"][2] == "4.50"
    assert chart["series"][1]["values"][4] == "0.30"


def test_the_charts_get_their_data_from_json_script_elements(
    client: Client, world: World, personas: Personas
) -> None:
    _response, html = page_as(client, personas.zone_admin)
    start = html.index('<script id="kfq-park-chart" type="application/json">')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    data = json.loads(payload)
    assert data["categories"] == ["一园", "二园"]
    assert data["series"][0]["values"] == [1, 1]
    assert 'data-kfq-chart="kfq-park-chart"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "kaifaqu/charts.js" in html


def test_a_zone_outside_the_users_scope_is_not_found(
    client: Client, world: World, personas: Personas
) -> None:
    response, _html = page_as(client, personas.outsider, zone_url(world))
    assert response.status_code == 404
    response, _html = page_as(client, personas.province_viewer, zone_url(world, "zone_c"))
    assert response.status_code == 404


def test_the_provincial_office_sees_its_zones_side_by_side_but_not_another_provinces(
    client: Client, world: World, personas: Personas, zone_a_figures: ZoneAFigures
) -> None:
    response, html = page_as(client, personas.province_viewer)
    assert response.status_code == 200
    overview = response.context["overview"]
    rows = [
        (row.zone.name, row.parks, row.enterprises, row.projects, row.total_investment, row.gdp)
        for row in overview.rows
    ]
    # By region code: 大同 140200 (乙) before 朔州 140600 (甲).
    assert rows == [
        ("乙开发区", 1, 1, 1, Decimal("8000"), Decimal("300000")),
        ("甲开发区", 2, 2, 2, Decimal("48000"), Decimal("727630")),
    ]
    assert overview.gdp_year == 2024
    assert "丙开发区" not in html
    assert reverse("dashboard:zone-home", args=[world.zone_a.pk]) in html
    # GDP: 30.00 + 72.763 = 102.763 亿元; investment 0.80 + 4.80 = 5.60 亿元.
    for text in ("72.763", "30.00", "102.763", "5.60"):
        assert text in html
    response, _html = page_as(client, personas.province_viewer, zone_url(world))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("sysadmin", "accounts:account-list"),
        ("secadmin", "accounts:account-list"),
        ("auditor", "accounts:access-log"),
    ],
)
def test_the_three_administrators_see_no_zone_and_start_on_their_own_work(
    client: Client, world: World, personas: Personas, persona: str, landing: str
) -> None:
    client.force_login(getattr(personas, persona))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)
    landed = client.get("/", follow=True)
    html = landed.content.decode()
    # The landing is the administrator's own work, not the overview of zones: no zone's page is
    # linked (the account list names a zone only as an account's scope) and none opens.
    assert "overview" not in landed.context
    for zone in (world.zone_a, world.zone_b, world.zone_c):
        assert reverse("dashboard:zone-home", args=[zone.pk]) not in html
        assert zone.get_absolute_url() not in html
        assert client.get(reverse("dashboard:zone-home", args=[zone.pk])).status_code == 404


def test_the_park_service_centre_does_not_see_the_other_parks_enterprises(
    client: Client, world: World, personas: Personas, zone_a_figures: ZoneAFigures
) -> None:
    response, html = page_as(client, personas.park_user)
    home = response.context["home"]
    assert home.zone == world.zone_a
    assert [row.park.name for row in home.parks] == ["一园"]
    assert (home.totals.enterprises, home.totals.projects) == (1, 1)
    assert home.totals.total_investment == Decimal("45000")
    assert home.roster_industry == 1
    assert "二园" not in html
    assert "0.30" not in html
    assert 'data-testid="enterprise-total">1<' in html


def test_an_enterprise_reporter_sees_only_its_own_enterprise_and_no_zone_figures(
    client: Client, world: World, personas: Personas, zone_a_figures: ZoneAFigures
) -> None:
    response, html = page_as(client, personas.reporter)
    home = response.context["home"]
    assert (home.totals.enterprises, home.totals.projects) == (1, 1)
    assert home.figures == []
    assert "72.763" not in html
    assert "二园" not in html


def test_a_note_explains_the_illustrative_records_when_there_are_some(
    client: Client, world: World, personas: Personas
) -> None:
    _response, html = page_as(client, personas.zone_admin)
    assert 'role="note"' not in html
    park_create(
        by=None,
        data={
            "zone": world.zone_a,
            "name": "三园",
            "area_km2": Decimal("5"),
            "area_is_illustrative": True,
        },
    )
    enterprise_update(by=None, enterprise=world.ent_a2, data={"is_illustrative": True})
    response, html = page_as(client, personas.zone_admin)
    home = response.context["home"]
    assert (home.illustrative_park_areas, home.totals.illustrative_enterprises) == (1, 1)
    assert 'role="note"' in html
    assert "kfq-illustrative" in html


def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(client: Client, world: World) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    response = client.get(zone_url(world))
    assert response.status_code == 302
