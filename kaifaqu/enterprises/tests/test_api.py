"""/api/enterprises/ and /api/industries/: scoping, writes through the service, clear 400s."""

from typing import Any

import pytest
from auditlog.models import LogEntry
from rest_framework.test import APIClient

from kaifaqu.conftest import Personas, World, make_uscc
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.services import enterprise_create

pytestmark = pytest.mark.django_db

LIST = "/api/enterprises/"


def detail(enterprise: Enterprise) -> str:
    return f"/api/enterprises/{enterprise.pk}/"


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def new_enterprise(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "uscc": make_uscc("140600", 101),
        "name": "甲三光伏有限公司",
        "industry": "3825",
        "zone": world.zone_a.pk,
        "park": world.park_a1.pk,
        "land_mu": "120.50",
        **overrides,
    }


# Reading, scoped by for_user


def test_it_lists_and_retrieves_enterprises_with_their_codes(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin)
    response = client.get(LIST)
    assert names(response) == {"甲一水泥有限公司", "甲二新材料有限公司"}
    assert response.json()["count"] == 2

    row = client.get(detail(world.ent_a1)).json()
    assert row["uscc"] == world.ent_a1.uscc
    assert row["industry"] == "3011"
    assert row["industry_name"] == "水泥制造"
    assert row["zone"] == world.zone_a.pk
    assert row["park"] == world.park_a1.pk
    assert row["status"] == "operating"


def test_the_outsider_sees_no_enterprise_of_zone_a(world: World, personas: Personas) -> None:
    client = token_client(personas.outsider)
    assert names(client.get(LIST)) == {"乙一储能有限公司"}
    assert client.get(detail(world.ent_a1)).status_code == 404
    assert client.get(detail(world.ent_a2)).status_code == 404
    # Filtering by a zone it cannot see is refused like an unknown zone.
    filtered = client.get(LIST, {"zone": str(world.zone_a.pk)})
    assert filtered.status_code == 400
    assert list(filtered.json()) == ["zone"]


def test_the_park_user_sees_only_the_enterprises_of_its_park(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.park_user)
    assert names(client.get(LIST)) == {"甲一水泥有限公司"}
    assert client.get(detail(world.ent_a2)).status_code == 404


def test_the_reporter_sees_only_its_enterprise_and_cannot_write(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.reporter)
    assert names(client.get(LIST)) == {"甲一水泥有限公司"}
    assert client.get(detail(world.ent_a2)).status_code == 404
    assert client.post(LIST, new_enterprise(world), format="json").status_code == 403
    assert client.patch(detail(world.ent_a1), {"name": "改名"}, format="json").status_code == 403
    assert not Enterprise.objects.filter(name="甲三光伏有限公司").exists()
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.name == "甲一水泥有限公司"


def test_the_provincial_viewer_sees_its_province_only_and_cannot_write(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.province_viewer)
    assert names(client.get(LIST)) == {"甲一水泥有限公司", "甲二新材料有限公司", "乙一储能有限公司"}
    assert client.get(detail(world.ent_c)).status_code == 404
    assert client.post(LIST, new_enterprise(world), format="json").status_code == 403
    assert client.put(detail(world.ent_a1), new_enterprise(world), format="json").status_code == 403


def test_the_audit_administrator_sees_no_enterprise(world: World, personas: Personas) -> None:
    client = token_client(personas.auditor)
    assert names(client.get(LIST)) == set()
    assert client.get(detail(world.ent_a1)).status_code == 404


def test_it_refuses_anonymous_requests(world: World) -> None:
    response = APIClient().get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# Filters, search, ordering, pagination


def test_it_filters_searches_orders_and_pages(world: World, personas: Personas) -> None:
    # The provincial office sees the firms of 山西's zones 甲 and 乙, not 丙's of 河北.
    client = token_client(personas.province_viewer)
    enterprise_create(
        by=None,
        data={
            "uscc": make_uscc("140600", 50),
            "name": "甲四软件有限公司",
            "industry": IndustryClass.objects.get(code="6511"),
            "zone": world.zone_a,
            "status": "preparing",
        },
    )
    assert names(client.get(LIST, {"zone": str(world.zone_a.pk), "industry": "30"})) == {
        "甲一水泥有限公司",
        "甲二新材料有限公司",
    }
    assert names(client.get(LIST, {"park": world.park_a2.pk})) == {"甲二新材料有限公司"}
    assert names(client.get(LIST, {"status": "preparing"})) == {"甲四软件有限公司"}
    assert names(client.get(LIST, {"q": "储能"})) == {"乙一储能有限公司"}
    assert names(client.get(LIST, {"search": "储能"})) == {"乙一储能有限公司"}
    assert names(client.get(LIST, {"search": "物流"})) == set()
    assert names(client.get(LIST, {"search": world.ent_b.uscc[:12]})) == {
        "甲一水泥有限公司",
        "甲二新材料有限公司",
        "乙一储能有限公司",
        "甲四软件有限公司",
    }

    ordered = client.get(LIST, {"ordering": "-uscc"}).json()["results"]
    assert [row["uscc"] for row in ordered] == sorted(
        (row["uscc"] for row in ordered), reverse=True
    )

    first = client.get(LIST, {"ordering": "uscc", "page_size": "3"}).json()
    assert first["count"] == 4
    assert len(first["results"]) == 3
    assert first["next"] is not None and "page=2" in first["next"]
    last = client.get(LIST, {"ordering": "uscc", "page_size": "3", "page": "2"}).json()
    assert [row["name"] for row in last["results"]] == ["甲四软件有限公司"]
    assert last["next"] is None


def test_the_enterprise_list_does_not_grow_queries_with_rows(
    world: World, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    cement = IndustryClass.objects.get(code="3011")
    for serial in range(200, 230):
        enterprise_create(
            by=None,
            data={
                "uscc": make_uscc("140600", serial),
                "name": f"甲批量企业{serial}",
                "industry": cement,
                "zone": world.zone_a,
                "park": world.park_a1,
            },
        )
    client = token_client(personas.zone_admin)
    # the token with its user, whether its account is locked, the token's time of use (at most
    # once a minute), the user's zone, the count, the page (industries joined)
    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    assert response.json()["count"] == 32


# Writes


def test_a_zone_administrator_creates_an_enterprise_through_the_service(
    world: World, personas: Personas
) -> None:
    response = token_client(personas.zone_admin).post(LIST, new_enterprise(world), format="json")
    assert response.status_code == 201, response.content
    created = Enterprise.objects.get(pk=response.json()["id"])
    assert created.name == "甲三光伏有限公司"
    assert created.industry_id == "3825"
    assert created.zone == world.zone_a
    assert created.park == world.park_a1
    assert str(created.land_mu) == "120.50"
    assert response.json()["land_mu"] == "120.50"


def test_it_stores_the_uscc_normalized(world: World, personas: Personas) -> None:
    code = make_uscc("140600", 102)
    spaced = f"{code[:6]} {code[6:12]}-{code[12:]}".lower()
    response = token_client(personas.zone_admin).post(
        LIST, new_enterprise(world, uscc=spaced), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["uscc"] == code


def test_every_api_write_is_audited_with_the_token_user_and_address(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.statistician, remote_addr="10.1.2.3")
    created = client.post(LIST, new_enterprise(world), format="json").json()
    client.patch(f"{LIST}{created['id']}/", {"status": "suspended"}, format="json")

    entries = LogEntry.objects.get_for_object(Enterprise.objects.get(pk=created["id"]))
    assert [entry.action for entry in entries.order_by("timestamp")] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
    ]
    assert {entry.actor for entry in entries} == {personas.statistician}
    assert {entry.remote_addr for entry in entries} == {"10.1.2.3"}


def test_it_rejects_an_enterprise_in_a_foreign_zone_and_writes_nothing(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin)
    response = client.post(
        LIST, new_enterprise(world, zone=world.zone_b.pk, park=world.park_b.pk), format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert "does not exist" in errors["zone"][0]
    assert "does not exist" in errors["park"][0]
    assert not Enterprise.objects.filter(name="甲三光伏有限公司").exists()


def test_it_rejects_moving_an_enterprise_to_a_foreign_zone(
    world: World, personas: Personas
) -> None:
    response = token_client(personas.zone_admin).patch(
        detail(world.ent_a1), {"zone": world.zone_b.pk, "park": None}, format="json"
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["zone"][0]
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.zone == world.zone_a


def test_it_reports_a_park_of_another_zone_on_the_park(world: World, personas: Personas) -> None:
    # Only the provincial office sees the parks of two zones: moving a firm to zone 乙 without
    # its park leaves it in 甲's park 一园.
    response = token_client(personas.province_viewer).patch(
        detail(world.ent_a1), {"zone": world.zone_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["park"] == ["The park 一园 is not in the zone 乙开发区."]
    world.ent_a1.refresh_from_db()
    assert (world.ent_a1.zone, world.ent_a1.park) == (world.zone_a, world.park_a1)


def test_a_park_user_cannot_create_an_enterprise_outside_its_park(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.park_user)
    other_park = client.post(LIST, new_enterprise(world, park=world.park_a2.pk), format="json")
    assert other_park.status_code == 400
    assert "does not exist" in other_park.json()["park"][0]
    no_park = client.post(LIST, new_enterprise(world, park=None), format="json")
    assert no_park.status_code == 403
    assert not Enterprise.objects.filter(name="甲三光伏有限公司").exists()
    assert client.post(LIST, new_enterprise(world), format="json").status_code == 201


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("91140600MA0000101", "A unified social credit code has exactly 18 characters."),
        (
            "91140600MA0000101I",
            "Character 18 of the unified social credit code is not allowed: only digits and "
            "capital letters other than I, O, Z, S and V may be used.",
        ),
    ],
)
def test_it_rejects_an_invalid_uscc_with_a_clear_message(
    world: World, personas: Personas, uscc: str, message: str
) -> None:
    response = token_client(personas.zone_admin).post(
        LIST, new_enterprise(world, uscc=uscc), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"uscc": [message]}


def test_it_names_the_expected_check_character(world: World, personas: Personas) -> None:
    good = make_uscc("140600", 101)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = token_client(personas.zone_admin).post(
        LIST, new_enterprise(world, uscc=wrong), format="json"
    )
    assert response.status_code == 400
    assert response.json()["uscc"] == [
        f"The check character of this unified social credit code is wrong: it should be {good[17]}."
    ]


def test_it_rejects_a_uscc_already_registered_even_in_another_zone(
    world: World, personas: Personas
) -> None:
    response = token_client(personas.zone_admin).post(
        LIST, new_enterprise(world, uscc=world.ent_c.uscc), format="json"
    )
    assert response.status_code == 400
    # Another zone's firm is not admitted to: the answer a code refused for any reason gets.
    assert response.json()["uscc"] == ["This code cannot be used."]
    assert Enterprise.objects.filter(uscc=world.ent_c.uscc).count() == 1
    # A duplicate in the zone is named; the system administrator, who sees no firm, is refused
    # before the code is looked at.
    same_zone = token_client(personas.zone_admin).post(
        LIST, new_enterprise(world, uscc=world.ent_a2.uscc), format="json"
    )
    assert same_zone.json()["uscc"] == [
        "An enterprise with this unified social credit code exists: 甲二新材料有限公司."
    ]
    system = token_client(personas.sysadmin).post(
        LIST, new_enterprise(world, uscc=world.ent_c.uscc), format="json"
    )
    assert system.status_code == 403
    assert "丙一" not in system.content.decode()
    # On update too, and the firm's own code is not a duplicate of itself.
    client = token_client(personas.statistician)
    own = client.patch(f"{LIST}{world.ent_a1.pk}/", {"uscc": world.ent_a1.uscc}, format="json")
    assert own.status_code == 200
    taken = client.patch(f"{LIST}{world.ent_a1.pk}/", {"uscc": world.ent_b.uscc}, format="json")
    assert taken.json()["uscc"] == ["This code cannot be used."]


def test_it_rejects_unknown_and_non_class_industry_codes(world: World, personas: Personas) -> None:
    client = token_client(personas.zone_admin)
    unknown = client.post(LIST, new_enterprise(world, industry="9999"), format="json")
    assert unknown.status_code == 400
    assert unknown.json()["industry"] == ['There is no industry code "9999" in GB/T 4754-2017.']

    heading = client.post(LIST, new_enterprise(world, industry="301"), format="json")
    assert heading.status_code == 400
    assert heading.json()["industry"] == [
        'The industry code "301" (水泥、石灰和石膏制造) is a broader heading: choose a 4-digit '
        "industry class within it."
    ]
    assert not Enterprise.objects.filter(name="甲三光伏有限公司").exists()


def test_errors_are_keyed_by_field_in_the_default_language(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin, language="")
    response = client.post(LIST, new_enterprise(world, uscc="X", industry="C"), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"uscc", "industry"}


def test_it_updates_with_put_and_patch(world: World, personas: Personas) -> None:
    client = token_client(personas.statistician)
    url = detail(world.ent_a2)
    full = {**client.get(url).json(), "name": "甲二新材料股份有限公司", "land_mu": "88.00"}
    response = client.put(url, full, format="json")
    assert response.status_code == 200, response.content
    patched = client.patch(url, {"status": "suspended", "industry": "3021"}, format="json")
    assert patched.status_code == 200, patched.content
    world.ent_a2.refresh_from_db()
    assert world.ent_a2.name == "甲二新材料股份有限公司"
    assert str(world.ent_a2.land_mu) == "88.00"
    assert world.ent_a2.status == "suspended"
    assert world.ent_a2.industry_id == "3021"


def test_it_cannot_update_or_delete_what_the_user_cannot_see(
    world: World, personas: Personas
) -> None:
    outsider = token_client(personas.outsider)
    assert outsider.patch(detail(world.ent_a1), {"name": "x"}, format="json").status_code == 404
    # Nobody deletes a firm, not even the zone that keeps it; the system administrator writes none.
    assert token_client(personas.zone_admin).delete(detail(world.ent_a2)).status_code == 405
    assert token_client(personas.sysadmin).delete(detail(world.ent_c)).status_code == 403
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.name == "甲一水泥有限公司"
    assert Enterprise.objects.filter(pk__in=[world.ent_a2.pk, world.ent_c.pk]).count() == 2


# Industries (reference data)


def test_it_lists_industry_classes_by_level_prefix_and_name(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.reporter)
    classes = client.get("/api/industries/", {"level": "class", "code": "301"}).json()
    assert [row["code"] for row in classes["results"]] == ["3011", "3012"]
    assert classes["results"][0] == {
        "code": "3011",
        "name": "水泥制造",
        "level": "class",
        "parent": "301",
    }
    divisions = client.get("/api/industries/", {"level": "division", "q": "非金属矿物"}).json()
    assert [row["code"] for row in divisions["results"]] == ["30"]
    assert client.get("/api/industries/C/").json()["level"] == "section"


def test_industries_are_read_only(world: World, personas: Personas) -> None:
    client = token_client(personas.zone_admin)
    response = client.post("/api/industries/", {"code": "9998", "name": "x"}, format="json")
    assert response.status_code in {403, 405}
    assert not IndustryClass.objects.filter(code="9998").exists()
    assert APIClient().get("/api/industries/").status_code == 401
