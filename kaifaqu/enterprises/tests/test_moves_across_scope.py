"""A zone's region, a park's zone and an enterprise's zone change only by the office above them.

Writing a record is not enough to move it: a move takes it out of one office's sight and into
another's. The provincial office above both ends moves, within its region; a zone's administrator,
statistician or park service may edit the record but not move it (service, page form and API
alike); the system administrator sees no business data and moves nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.enterprises.services import enterprise_update
from kaifaqu.geo.models import Region
from kaifaqu.geo.services import park_create, park_update, zone_update

pytestmark = pytest.mark.django_db

ZONE_REFUSAL = "Only the provincial or city office above the zone can move it to another region."
ZONE_REFUSAL_ZH = "只有开发区的上级省（市）开发区办可以将其移至其他地区。"


def _select(content: str, name: str) -> str:
    return (
        content.split(f'name="{name}"')[0].rsplit("<select", 1)[1]
        + content.split(f'name="{name}"')[1].split(">", 1)[0]
    )


def shijiazhuang() -> Region:
    return Region.objects.get(code="130100")


# Zone → region


def test_the_zone_administrator_cannot_move_its_zone_into_another_province_by_the_api(
    world: World, personas: Personas
) -> None:
    address = f"/api/zones/{world.zone_a.pk}/"
    response = token_client(personas.zone_admin).patch(address, {"region": "130100"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": ZONE_REFUSAL}
    chinese = token_client(personas.zone_admin, language="zh-hans").patch(
        address, {"region": "130100"}, format="json"
    )
    assert chinese.status_code == 403
    assert chinese.json() == {"detail": ZONE_REFUSAL_ZH}
    world.zone_a.refresh_from_db()
    assert world.zone_a.region == world.shuozhou
    # Its other fields it still edits.
    assert (
        token_client(personas.zone_admin)
        .patch(address, {"short_name": "甲区", "region": "140600"}, format="json")
        .status_code
        == 200
    )
    world.zone_a.refresh_from_db()
    assert world.zone_a.region == world.shuozhou


def test_the_provincial_office_moves_a_zone_within_its_province(
    world: World, personas: Personas
) -> None:
    address = f"/api/zones/{world.zone_a.pk}/"
    province = token_client(personas.province_viewer)
    # Out of its province: the zone would leave its sight.
    assert province.patch(address, {"region": "130100"}, format="json").status_code == 403
    response = province.patch(address, {"region": "140200"}, format="json")
    assert response.status_code == 200, response.content
    world.zone_a.refresh_from_db()
    assert world.zone_a.region == world.datong
    # The system administrator writes no zone (refused before the zone is even looked up).
    assert (
        token_client(personas.sysadmin)
        .patch(address, {"region": "140600"}, format="json")
        .status_code
        == 403
    )
    world.zone_a.refresh_from_db()
    assert world.zone_a.region == world.datong


def test_the_zone_form_shows_the_region_disabled_to_the_zone_administrator(
    client: Client, world: World, personas: Personas
) -> None:
    edit = reverse("geo:zone-edit", args=[world.zone_a.pk])
    client.force_login(personas.zone_admin)
    assert " disabled" in _select(client.get(edit).content.decode(), "region")
    # A forged post of the region changes nothing: a disabled field keeps the stored value.
    form = client.get(edit).context["form"]
    data: dict[str, Any] = {
        name: value for name, value in form.initial.items() if value is not None
    }
    data.update(region=shijiazhuang().pk, short_name="甲区")
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    world.zone_a.refresh_from_db()
    assert (world.zone_a.region, world.zone_a.short_name) == (world.shuozhou, "甲区")
    client.force_login(personas.province_viewer)
    assert " disabled" not in _select(client.get(edit).content.decode(), "region")


def test_the_zone_service_refuses_the_move_for_everyone_but_the_office_above(
    world: World, personas: Personas
) -> None:
    for persona in (personas.zone_admin, personas.outsider, personas.sysadmin):
        with pytest.raises(PermissionDenied):
            zone_update(by=persona, zone=world.zone_a, data={"region": world.datong})
    with pytest.raises(PermissionDenied):
        zone_update(by=personas.province_viewer, zone=world.zone_a, data={"region": shijiazhuang()})
    zone_update(by=personas.province_viewer, zone=world.zone_a, data={"region": world.datong})
    world.zone_a.refresh_from_db()
    assert world.zone_a.region == world.datong


# Park → zone


def test_a_park_moves_to_another_zone_only_by_the_office_above(
    client: Client, world: World, personas: Personas
) -> None:
    with pytest.raises(PermissionDenied, match="将园区移至其他开发区"):
        park_update(by=personas.zone_admin, park=world.park_a1, data={"zone": world.zone_b})
    response = token_client(personas.zone_admin).patch(
        f"/api/parks/{world.park_a1.pk}/", {"zone": world.zone_b.pk}, format="json"
    )
    assert response.status_code in (400, 403)
    world.park_a1.refresh_from_db()
    assert world.park_a1.zone == world.zone_a
    edit = reverse("geo:park-edit", args=[world.park_a1.pk])
    client.force_login(personas.zone_admin)
    assert " disabled" in _select(client.get(edit).content.decode(), "zone")
    client.force_login(personas.province_viewer)
    assert " disabled" not in _select(client.get(edit).content.decode(), "zone")
    province = token_client(personas.province_viewer)
    # Into another province's zone: refused (it would leave the office's sight).
    response = province.patch(
        f"/api/parks/{world.park_b.pk}/", {"zone": world.zone_c.pk}, format="json"
    )
    assert response.status_code in (400, 403)
    # A park with firms or projects does not move alone: they would stay in the old zone.
    response = province.patch(
        f"/api/parks/{world.park_b.pk}/", {"zone": world.zone_a.pk}, format="json"
    )
    assert response.status_code == 400
    assert "move them to another park" in response.json()["zone"][0]
    world.park_b.refresh_from_db()
    assert world.park_b.zone == world.zone_b
    empty = park_create(by=None, data={"zone": world.zone_b, "name": "乙二园"})
    response = province.patch(f"/api/parks/{empty.pk}/", {"zone": world.zone_a.pk}, format="json")
    assert response.status_code == 200, response.content
    empty.refresh_from_db()
    assert empty.zone == world.zone_a


# Enterprise → zone


@pytest.mark.parametrize("who", ["zone_admin", "statistician", "park_user"])
def test_a_zone_user_cannot_move_a_firm_out_of_the_zone(
    client: Client, world: World, personas: Personas, who: str
) -> None:
    persona = getattr(personas, who)
    with pytest.raises(PermissionDenied, match="将企业移至其他开发区"):
        enterprise_update(by=persona, enterprise=world.ent_a1, data={"zone": world.zone_b})
    response = token_client(persona).patch(
        f"/api/enterprises/{world.ent_a1.pk}/", {"zone": world.zone_b.pk}, format="json"
    )
    assert response.status_code in (400, 403)
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.zone == world.zone_a
    client.force_login(persona)
    edit = reverse("enterprises:enterprise-edit", args=[world.ent_a1.pk])
    assert " disabled" in _select(client.get(edit).content.decode(), "zone")


def test_a_zone_user_cannot_take_in_another_zones_firm(world: World, personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        enterprise_update(
            by=personas.statistician_b, enterprise=world.ent_a1, data={"zone": world.zone_b}
        )
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.zone == world.zone_a


def test_the_provincial_office_moves_a_firm_between_its_zones_and_edits_nothing_else(
    world: World, personas: Personas
) -> None:
    province = token_client(personas.province_viewer)
    address = f"/api/enterprises/{world.ent_a1.pk}/"
    name = world.ent_a1.name
    # Editing the firm is not the office's: only its zone (and the park that follows it).
    assert province.patch(address, {"name": "改名"}, format="json").status_code == 403
    assert (
        province.patch(
            address, {"zone": world.zone_b.pk, "name": "改名"}, format="json"
        ).status_code
        == 403
    )
    # Into another province: the firm would leave the office's sight.
    response = province.patch(address, {"zone": world.zone_c.pk, "park": None}, format="json")
    assert response.status_code in (400, 403)
    response = province.patch(
        address, {"zone": world.zone_b.pk, "park": world.park_b.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    world.ent_a1.refresh_from_db()
    assert (world.ent_a1.zone, world.ent_a1.park, world.ent_a1.name) == (
        world.zone_b,
        world.park_b,
        name,
    )
    # The system administrator writes no firm (refused before the firm is even looked up).
    assert (
        token_client(personas.sysadmin)
        .patch(address, {"zone": world.zone_a.pk}, format="json")
        .status_code
        == 403
    )
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.zone == world.zone_b
