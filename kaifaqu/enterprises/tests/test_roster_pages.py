"""The roster pages: one year's roster with counts by category, export, add, exit, carry forward."""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.registry_pages import table_rows, xlsx_rows
from kaifaqu.enterprises.models import RosterEntry, StatCategory
from kaifaqu.enterprises.services import roster_entry_add

LIST = reverse("enterprises:roster-list")
pytestmark = pytest.mark.django_db


@pytest.fixture
def rosters(world: World) -> None:
    roster_entry_add(by=None, enterprise=world.ent_a1, year=2024, category=StatCategory.INDUSTRY)
    roster_entry_add(by=None, enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY)
    roster_entry_add(by=None, enterprise=world.ent_a2, year=2025, category=StatCategory.INDUSTRY)
    roster_entry_add(by=None, enterprise=world.ent_a2, year=2025, category=StatCategory.SERVICES)
    roster_entry_add(by=None, enterprise=world.ent_b, year=2025, category=StatCategory.INDUSTRY)


def english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_page_opens_on_the_latest_year(
    client: Client, personas: Personas, rosters: None
) -> None:
    client.force_login(personas.statistician)
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?year=2025"


def test_the_statistician_sees_the_year_of_the_zone_with_counts_by_category(
    client: Client, personas: Personas, rosters: None
) -> None:
    english(client)
    client.force_login(personas.statistician)
    response = client.get(LIST, {"year": "2025"})
    rows = table_rows(response)
    assert [row[:3] for row in rows] == [
        ["2025", "Above-scale industry (规上工业)", "甲一水泥有限公司"],
        ["2025", "Above-scale industry (规上工业)", "甲二新材料有限公司"],
        ["2025", "Above-scale services (规上服务业)", "甲二新材料有限公司"],
    ]
    assert [row[-1] for row in rows] == ["Exit", "Exit", "Exit"]
    assert [(str(label), n) for label, n in response.context["counts"]] == [
        ("Above-scale industry (规上工业)", 2),
        ("Above-scale services (规上服务业)", 1),
    ]
    assert "乙一储能有限公司" not in response.content.decode()


def test_a_category_filter_narrows_rows_and_counts(
    client: Client, personas: Personas, rosters: None
) -> None:
    client.force_login(personas.statistician)
    response = client.get(LIST, {"year": "2025", "category": StatCategory.SERVICES})
    assert len(table_rows(response)) == 1
    assert [n for _label, n in response.context["counts"]] == [1]


def test_the_park_user_reads_the_roster_of_the_park_without_actions(
    client: Client, personas: Personas, rosters: None
) -> None:
    client.force_login(personas.park_user)
    response = client.get(LIST, {"year": "2025"})
    rows = table_rows(response)
    assert [row[2] for row in rows] == ["甲一水泥有限公司"]
    assert rows[0][-1] == ""
    body = response.content.decode()
    assert "roster-carry-forward" not in body
    assert reverse("enterprises:roster-create") not in body


def test_the_reporter_sees_only_its_own_enterprise(
    client: Client, personas: Personas, rosters: None
) -> None:
    client.force_login(personas.reporter)
    rows = table_rows(client.get(LIST, {"year": "2025"}))
    assert [row[2] for row in rows] == ["甲一水泥有限公司"]


def test_the_export_holds_the_filtered_year(
    client: Client, personas: Personas, rosters: None
) -> None:
    client.force_login(personas.statistician)
    response = client.get(reverse("enterprises:roster-export"), {"year": "2024"})
    rows = xlsx_rows(response.content)
    assert len(rows) == 2
    assert rows[1][3] == "甲一水泥有限公司"


def test_the_statistician_adds_a_firm_through_the_page(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    response = client.post(
        reverse("enterprises:roster-create"),
        {
            "enterprise": world.ent_a2.pk,
            "year": "2025",
            "category": StatCategory.INDUSTRY,
            "entry_kind": "monthly",
            "entered_on": "2025-06-01",
        },
    )
    assert response.status_code == 302
    entry = RosterEntry.objects.get()
    assert (entry.enterprise, entry.entry_kind, entry.entered_on) == (
        world.ent_a2,
        "monthly",
        date(2025, 6, 1),
    )


def test_the_park_user_and_the_reporter_may_not_add_or_exit(
    client: Client, world: World, personas: Personas, rosters: None
) -> None:
    entry = RosterEntry.objects.get(enterprise=world.ent_a1, year=2025)
    for user in (personas.park_user, personas.reporter):
        client.force_login(user)
        assert client.get(reverse("enterprises:roster-create")).status_code == 403
        exit_url = reverse("enterprises:roster-exit", args=[entry.pk])
        assert (
            client.post(exit_url, {"exited_on": "2025-09-30", "exit_reason": "x"}).status_code
            == 403
        )
    entry.refresh_from_db()
    assert entry.exited_on is None


def test_an_exit_through_the_page_needs_a_reason_and_is_recorded(
    client: Client, world: World, personas: Personas, rosters: None
) -> None:
    entry = RosterEntry.objects.get(enterprise=world.ent_a1, year=2025)
    client.force_login(personas.statistician)
    url = reverse("enterprises:roster-exit", args=[entry.pk])
    assert client.post(url, {"exited_on": "2025-09-30", "exit_reason": ""}).status_code == 200
    response = client.post(url, {"exited_on": "2025-09-30", "exit_reason": "停产"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.exited_on, entry.exit_reason) == (date(2025, 9, 30), "停产")


def test_the_outsider_cannot_exit_an_entry_of_zone_a(
    client: Client, world: World, personas: Personas, rosters: None
) -> None:
    entry = RosterEntry.objects.get(enterprise=world.ent_a1, year=2025)
    client.force_login(personas.outsider)
    url = reverse("enterprises:roster-exit", args=[entry.pk])
    assert client.post(url, {"exited_on": "2025-09-30", "exit_reason": "停产"}).status_code == 404


def test_carry_forward_through_the_page(
    client: Client, world: World, personas: Personas, rosters: None
) -> None:
    client.force_login(personas.statistician)
    url = reverse("enterprises:roster-carry-forward")
    response = client.post(url, {"zone": world.zone_a.pk, "from_year": "2025"})
    assert response.status_code == 302
    assert RosterEntry.objects.filter(year=2026).count() == 3
    client.post(url, {"zone": world.zone_a.pk, "from_year": "2025"})
    assert RosterEntry.objects.filter(year=2026).count() == 3
    client.force_login(personas.outsider)
    client.post(url, {"zone": world.zone_a.pk, "from_year": "2024"})
    assert (
        not RosterEntry.objects.filter(year=2025, enterprise__zone=world.zone_b)
        .exclude(enterprise=world.ent_b)
        .exists()
    )
    assert RosterEntry.objects.filter(year=2025, enterprise__zone=world.zone_a).count() == 3


def test_the_office_lists_are_linked_for_the_office_only(
    client: Client, personas: Personas, rosters: None
) -> None:
    candidates = reverse("returns:candidate-list")
    client.force_login(personas.statistician)
    assert candidates in client.get(LIST, {"year": "2025"}).content.decode()
    client.force_login(personas.reporter)
    assert candidates not in client.get(LIST, {"year": "2025"}).content.decode()
