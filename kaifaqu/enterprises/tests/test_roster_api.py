"""/api/roster-entries/: list and filter, add, exit, carry forward, import; scoped, and written
only by the statistics office (enterprises.rosterentry in the permission table)."""

from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry

from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.permissions import Role
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.enterprises.models import RosterEntry, StatCategory
from kaifaqu.enterprises.services import roster_entry_add
from kaifaqu.enterprises.tests.test_roster_import import workbook

pytestmark = pytest.mark.django_db

LIST = "/api/roster-entries/"


@pytest.fixture
def rosters(world: World) -> dict[str, RosterEntry]:
    def add(enterprise: Any, year: int, category: str) -> RosterEntry:
        return roster_entry_add(by=None, enterprise=enterprise, year=year, category=category)

    return {
        "a1_2024": add(world.ent_a1, 2024, StatCategory.INDUSTRY),
        "a1_2025": add(world.ent_a1, 2025, StatCategory.INDUSTRY),
        "a2_2025": add(world.ent_a2, 2025, StatCategory.SERVICES),
        "b_2025": add(world.ent_b, 2025, StatCategory.INDUSTRY),
    }


@pytest.fixture
def officer(world: World) -> Any:
    return user_create(
        username="officer",
        password=PASSWORD,
        role=Role.INVESTMENT_OFFICER,
        scope_zone=world.zone_a,
    )


def rows(response: Any) -> set[tuple[str, int, str]]:
    assert response.status_code == 200, response.content
    return {(r["enterprise_name"], r["year"], r["category"]) for r in response.json()["results"]}


def test_the_list_is_scoped_and_filtered_by_year_category_zone_and_park(
    world: World, personas: Personas, rosters: dict[str, RosterEntry]
) -> None:
    client = token_client(personas.statistician)
    assert rows(client.get(LIST)) == {
        ("甲一水泥有限公司", 2024, "industry"),
        ("甲一水泥有限公司", 2025, "industry"),
        ("甲二新材料有限公司", 2025, "services"),
    }
    assert rows(client.get(LIST, {"year": "2025", "category": "industry"})) == {
        ("甲一水泥有限公司", 2025, "industry")
    }
    assert rows(client.get(LIST, {"park": world.park_a2.pk})) == {
        ("甲二新材料有限公司", 2025, "services")
    }
    assert rows(client.get(LIST, {"zone": world.zone_a.pk, "year": 2024})) == {
        ("甲一水泥有限公司", 2024, "industry")
    }
    # Zone 乙's office sees its own roster only; zone 甲 is not a filter it may use.
    other = token_client(personas.statistician_b)
    assert rows(other.get(LIST)) == {("乙一储能有限公司", 2025, "industry")}
    assert other.get(LIST, {"zone": world.zone_a.pk}).status_code == 400
    detail = other.get(f"{LIST}{rosters['a1_2025'].pk}/")
    assert detail.status_code == 404
    # The reporter sees its own enterprise's entries.
    assert {r[0] for r in rows(token_client(personas.reporter).get(LIST))} == {"甲一水泥有限公司"}


def test_the_statistician_adds_an_entry_and_a_duplicate_is_refused(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.statistician)
    body = {
        "enterprise": world.ent_a2.pk,
        "year": 2026,
        "category": "industry",
        "entry_kind": "monthly",
        "entered_on": "2026-03-01",
    }
    response = client.post(LIST, body, format="json")
    assert response.status_code == 201, response.content
    entry = RosterEntry.objects.get(pk=response.json()["id"])
    assert (entry.entry_kind, entry.entered_on) == ("monthly", date(2026, 3, 1))
    assert LogEntry.objects.get_for_object(entry).get().actor == personas.statistician
    again = client.post(LIST, body, format="json")
    assert again.status_code == 400
    assert RosterEntry.objects.filter(enterprise=world.ent_a2, year=2026).count() == 1
    # A newly commissioned firm enters on a date.
    no_date = client.post(
        LIST,
        {**body, "category": "services", "entered_on": None},
        format="json",
    )
    assert no_date.status_code == 400
    assert "entered_on" in no_date.json()
    # An enterprise of another zone is unknown to zone 甲's office.
    outside = client.post(LIST, {**body, "enterprise": world.ent_b.pk}, format="json")
    assert outside.status_code == 400
    assert not RosterEntry.objects.filter(enterprise=world.ent_b).exists()


def test_an_exit_needs_a_date_and_a_reason_and_is_recorded_once(
    personas: Personas, rosters: dict[str, RosterEntry]
) -> None:
    client = token_client(personas.statistician)
    url = f"{LIST}{rosters['a1_2025'].pk}/exit/"
    no_reason = client.post(url, {"exited_on": "2025-08-31", "exit_reason": ""}, format="json")
    assert no_reason.status_code == 400
    assert "exit_reason" in no_reason.json()
    response = client.post(url, {"exited_on": "2025-08-31", "exit_reason": "停产"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["exited_on"], response.json()["exit_reason"]) == ("2025-08-31", "停产")
    entry = RosterEntry.objects.get(pk=rosters["a1_2025"].pk)
    assert (entry.exited_on, entry.exit_reason) == (date(2025, 8, 31), "停产")
    twice = client.post(url, {"exited_on": "2025-09-30", "exit_reason": "x"}, format="json")
    assert twice.status_code == 400
    # No edit or delete: an exit keeps the entry's history.
    assert client.patch(f"{LIST}{entry.pk}/", {"year": 2020}, format="json").status_code == 405
    assert client.delete(f"{LIST}{entry.pk}/").status_code == 405


def test_carry_forward_adds_the_years_entries_that_did_not_exit(
    world: World, personas: Personas, rosters: dict[str, RosterEntry]
) -> None:
    client = token_client(personas.statistician)
    body = {"zone": world.zone_a.pk, "from_year": 2025}
    response = client.post(f"{LIST}carry-forward/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"added": 2}
    assert set(
        RosterEntry.objects.filter(year=2026).values_list("enterprise__name", "category")
    ) == {("甲一水泥有限公司", "industry"), ("甲二新材料有限公司", "services")}
    assert client.post(f"{LIST}carry-forward/", body, format="json").json() == {"added": 0}
    # Zone 甲 is not zone 乙's office's to carry forward.
    other = token_client(personas.statistician_b)
    assert other.post(f"{LIST}carry-forward/", body, format="json").status_code == 400


@pytest.mark.parametrize("who", ["officer", "reporter", "park_user", "province_viewer"])
def test_only_the_statistics_office_writes_rosters(
    who: str, world: World, personas: Personas, rosters: dict[str, RosterEntry], officer: Any
) -> None:
    user = officer if who == "officer" else getattr(personas, who)
    client = token_client(user)
    body = {"enterprise": world.ent_a1.pk, "year": 2026, "category": "industry"}
    assert client.post(LIST, body, format="json").status_code == 403
    exit_url = f"{LIST}{rosters['a1_2025'].pk}/exit/"
    exit_body = {"exited_on": "2025-08-31", "exit_reason": "停产"}
    assert client.post(exit_url, exit_body, format="json").status_code == 403
    forward = {"zone": world.zone_a.pk, "from_year": 2025}
    assert client.post(f"{LIST}carry-forward/", forward, format="json").status_code == 403
    upload = workbook([["91140600MA00000011", "", 2025, "规上工业"]])
    response = client.post(f"{LIST}import/", {"file": upload}, format="multipart")
    assert response.status_code == 403
    assert RosterEntry.objects.count() == 4
    assert not RosterEntry.objects.filter(exited_on__isnull=False).exists()


def test_another_zones_office_cannot_exit_an_entry_of_zone_a(
    personas: Personas, rosters: dict[str, RosterEntry]
) -> None:
    client = token_client(personas.statistician_b)
    url = f"{LIST}{rosters['a1_2025'].pk}/exit/"
    response = client.post(url, {"exited_on": "2025-08-31", "exit_reason": "停产"}, format="json")
    assert response.status_code == 404
    assert RosterEntry.objects.get(pk=rosters["a1_2025"].pk).exited_on is None


def test_the_import_through_the_api(world: World, personas: Personas) -> None:
    client = token_client(personas.statistician)
    good = workbook([[world.ent_a1.uscc, world.ent_a1.name, 2025, "规上工业"]])
    response = client.post(f"{LIST}import/", {"file": good}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    bad = workbook([[world.ent_a1.uscc, "别的公司", 2025, "规上工业"]])
    response = client.post(f"{LIST}import/", {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert [e["row"] for e in response.json()["errors"]] == [2]
