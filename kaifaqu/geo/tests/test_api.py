"""/api/regions/, /api/zones/ and /api/parks/: scoping and writes through the geo services."""

from typing import Any

import pytest
from auditlog.models import LogEntry

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.geo.models import Park, Region, Zone

pytestmark = pytest.mark.django_db


def names(response: Any, key: str = "name") -> set[str]:
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


def new_zone(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "丁开发区",
        "short_name": "丁区",
        "level": "national",
        "region": "140600",
        "area_km2": "99.86",
        "internal_departments": 9,
        "public_institutions": 3,
        "park_service_centres": 5,
        **overrides,
    }


# Regions


def test_it_lists_regions_with_a_derived_level_and_the_parent_code(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin)
    response = client.get("/api/regions/")
    assert names(response, "code") == {"130000", "130100", "140000", "140200", "140600"}
    assert client.get("/api/regions/140600/").json() == {
        "code": "140600",
        "name": "朔州市",
        "level": "city",
        "parent": "140000",
    }
    assert names(client.get("/api/regions/", {"level": "province"}), "code") == {
        "130000",
        "140000",
    }
    assert names(client.get("/api/regions/", {"parent": "140000"}), "code") == {
        "140200",
        "140600",
    }


def test_the_provincial_office_creates_and_renames_a_region_under_its_own(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.province_viewer)
    response = client.post(
        "/api/regions/",
        {"code": "140602", "name": "朔城区", "level": "province", "parent": "140600"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["level"] == "county"
    assert Region.objects.get(code="140602").parent == world.shuozhou

    renamed = client.patch("/api/regions/140602/", {"name": "朔城区（新）"}, format="json")
    assert renamed.status_code == 200
    assert Region.objects.get(code="140602").name == "朔城区（新）"


def test_it_rejects_a_region_under_the_wrong_parent(world: World, personas: Personas) -> None:
    response = token_client(personas.province_viewer).post(
        "/api/regions/", {"code": "140602", "name": "朔城区", "parent": "130100"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"parent": ["Region 140602 cannot lie under 130100."]}
    assert not Region.objects.filter(code="140602").exists()


def test_only_the_provincial_office_writes_regions(world: World, personas: Personas) -> None:
    for persona in (
        personas.zone_admin,
        personas.statistician,
        personas.sysadmin,
        personas.secadmin,
        personas.auditor,
    ):
        client = token_client(persona)
        assert (
            client.post(
                "/api/regions/",
                {"code": "140602", "name": "朔城区", "parent": "140600"},
                format="json",
            )
        ).status_code == 403
        assert client.patch("/api/regions/140600/", {"name": "x"}, format="json").status_code == 403
    assert not Region.objects.filter(code="140602").exists()
    assert Region.objects.get(code="140600").name == "朔州市"


def test_the_provincial_office_writes_no_region_outside_its_own(
    world: World, personas: Personas
) -> None:
    # Administrative codes are read by everyone; 山西's office writes only what lies below 山西.
    client = token_client(personas.province_viewer)
    county = {"code": "130102", "name": "长安区", "parent": "130100"}
    assert client.post("/api/regions/", county, format="json").status_code == 403
    assert not Region.objects.filter(code="130102").exists()
    for code in ("130100", "130000", "140000"):
        assert (
            client.patch(f"/api/regions/{code}/", {"name": "x"}, format="json").status_code == 403
        )
    assert (
        client.patch("/api/regions/140600/", {"code": "130200"}, format="json").status_code == 403
    )
    assert [region.name for region in Region.objects.filter(code__in=["130100", "140000"])] == [
        "石家庄市",
        "山西省",
    ]
    assert Region.objects.get(pk=world.shuozhou.pk).code == "140600"


# Zones


def test_the_provincial_office_sees_and_changes_zones_of_its_province_only(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.province_viewer)
    assert names(client.get("/api/zones/")) == {"甲开发区", "乙开发区"}
    assert client.get(f"/api/zones/{world.zone_c.pk}/").status_code == 404
    assert client.patch(f"/api/zones/{world.zone_a.pk}/", {"short_name": "甲"}).status_code == 200
    assert client.patch(f"/api/zones/{world.zone_c.pk}/", {"short_name": "丙"}).status_code == 404
    shortened = dict(Zone.objects.values_list("name", "short_name"))
    assert (shortened["甲开发区"], shortened["丙开发区"]) == ("甲", "")


def test_the_three_administrators_see_and_write_no_zone(world: World, personas: Personas) -> None:
    for persona in (personas.sysadmin, personas.secadmin, personas.auditor):
        client = token_client(persona)
        assert client.get("/api/zones/").json()["results"] == []
        assert client.get(f"/api/zones/{world.zone_a.pk}/").status_code in (403, 404)
        assert client.patch(f"/api/zones/{world.zone_a.pk}/", {"short_name": "甲"}).status_code in (
            403,
            404,
        )
        assert client.post("/api/zones/", new_zone(), format="json").status_code == 403
    assert not Zone.objects.filter(name="丁开发区").exists()
    assert Zone.objects.get(pk=world.zone_a.pk).short_name == ""


def test_zones_filter_by_region_code_and_level(world: World, personas: Personas) -> None:
    client = token_client(personas.province_viewer)
    assert names(client.get("/api/zones/", {"region": "140000"})) == {"甲开发区", "乙开发区"}
    assert names(client.get("/api/zones/", {"region": "140200"})) == {"乙开发区"}
    # 丙 lies in 河北: out of the office's sight, by filter or search alike.
    assert names(client.get("/api/zones/", {"region": "130100"})) == set()
    assert names(client.get("/api/zones/", {"level": "national"})) == set()
    assert names(client.get("/api/zones/", {"level": "provincial"})) == {"甲开发区", "乙开发区"}
    assert names(client.get("/api/zones/", {"search": "乙"})) == {"乙开发区"}
    assert names(client.get("/api/zones/", {"search": "丙"})) == set()
    for ordering in ("name", "-name"):
        ordered = client.get("/api/zones/", {"ordering": ordering}).json()["results"]
        assert [row["name"] for row in ordered] == sorted(
            ["甲开发区", "乙开发区"], reverse=ordering.startswith("-")
        )


def test_the_provincial_office_creates_a_zone_in_a_region_of_its_province_given_by_code(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.province_viewer)
    # Not in another province: the zone would fall outside the office's sight.
    assert client.post("/api/zones/", new_zone(region="130100"), format="json").status_code == 403
    assert not Zone.objects.filter(name="丁开发区").exists()
    response = client.post("/api/zones/", new_zone(), format="json")
    assert response.status_code == 201, response.content
    zone = Zone.objects.get(name="丁开发区")
    assert zone.region == world.shuozhou
    assert str(zone.area_km2) == "99.86"
    assert response.json()["region"] == "140600"
    assert response.json()["park_service_centres"] == 5


def test_it_rejects_a_zone_in_a_province_or_an_unknown_region(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.province_viewer)
    province = client.post("/api/zones/", new_zone(region="140000"), format="json")
    assert province.status_code == 400
    assert province.json() == {"region": ["A zone lies in a city or county, not a province."]}
    unknown = client.post("/api/zones/", new_zone(region="149900"), format="json")
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["region"]
    assert not Zone.objects.filter(name="丁开发区").exists()


def test_a_zone_administrator_updates_its_zone_but_not_another_nor_creates_one(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin)
    response = client.patch(
        f"/api/zones/{world.zone_a.pk}/",
        {"internal_departments": 9, "governance_model": "小管委会+大公司+产业基金"},
        format="json",
    )
    assert response.status_code == 200, response.content
    world.zone_a.refresh_from_db()
    assert world.zone_a.internal_departments == 9
    assert client.patch(f"/api/zones/{world.zone_b.pk}/", {"short_name": "乙"}).status_code == 404
    assert client.post("/api/zones/", new_zone(), format="json").status_code == 403
    entry = LogEntry.objects.get_for_object(world.zone_a).latest("timestamp")
    assert entry.actor == personas.zone_admin


def test_it_rejects_shrinking_a_zone_below_its_parks(world: World, personas: Personas) -> None:
    response = token_client(personas.zone_admin).patch(
        f"/api/zones/{world.zone_a.pk}/", {"area_km2": "20"}, format="json"
    )
    assert response.status_code == 400
    assert "area_km2" in response.json()
    world.zone_a.refresh_from_db()
    assert str(world.zone_a.area_km2) == "50.00"


# Parks


def test_each_persona_sees_the_parks_of_its_scope(world: World, personas: Personas) -> None:
    assert names(token_client(personas.zone_admin).get("/api/parks/")) == {"一园", "二园"}
    assert names(token_client(personas.park_user).get("/api/parks/")) == {"一园"}
    assert names(token_client(personas.outsider).get("/api/parks/")) == {"乙园"}
    client = token_client(personas.park_user)
    assert client.get(f"/api/parks/{world.park_a2.pk}/").status_code == 404
    province = token_client(personas.province_viewer)
    assert names(province.get("/api/parks/")) == {"一园", "二园", "乙园"}
    assert names(province.get("/api/parks/", {"zone": world.zone_a.pk})) == {"一园", "二园"}
    assert names(province.get("/api/parks/", {"q": "乙"})) == {"乙园"}
    # The system administrator sees no park.
    assert names(token_client(personas.sysadmin).get("/api/parks/")) == set()


def test_a_zone_administrator_adds_a_park_to_its_zone_only(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin)
    data = {"zone": world.zone_a.pk, "name": "三园", "area_km2": "5", "area_is_illustrative": True}
    created = client.post("/api/parks/", data, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["area_is_illustrative"] is True
    assert Park.objects.get(name="三园").zone == world.zone_a

    foreign = client.post(
        "/api/parks/", {**data, "zone": world.zone_b.pk, "name": "四园"}, format="json"
    )
    assert foreign.status_code == 400
    assert "does not exist" in foreign.json()["zone"][0]
    assert not Park.objects.filter(name="四园").exists()


def test_it_rejects_parks_larger_than_their_zone(world: World, personas: Personas) -> None:
    response = token_client(personas.zone_admin).post(
        "/api/parks/", {"zone": world.zone_a.pk, "name": "三园", "area_km2": "40"}, format="json"
    )
    assert response.status_code == 400
    [message] = response.json()["area_km2"]
    # The database decides whether the sum prints as 62 or 62.00.
    assert message.startswith("The parks of 甲开发区 would cover 62")
    assert message.endswith(" km², more than the zone's 50.00 km².")
    assert not Park.objects.filter(name="三园").exists()


def test_it_rejects_a_second_park_of_the_same_name(world: World, personas: Personas) -> None:
    response = token_client(personas.zone_admin).post(
        "/api/parks/", {"zone": world.zone_a.pk, "name": "一园"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The zone already has a park of this name."]}


def test_the_park_user_cannot_change_parks(world: World, personas: Personas) -> None:
    client = token_client(personas.park_user)
    response = client.patch(f"/api/parks/{world.park_a1.pk}/", {"role": "x"}, format="json")
    assert response.status_code == 403
    world.park_a1.refresh_from_db()
    assert world.park_a1.role == ""
