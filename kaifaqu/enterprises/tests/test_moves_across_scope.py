"""A zone's region, a park's zone and an enterprise's zone change only by the office above them.

Writing a record is not enough to move it: a move takes it out of one office's sight and into
another's. The system administrator moves; a zone's administrator, statistician or park service
may edit the record but not move it (service, page form and API alike).
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
from kaifaqu.geo.services import park_update, zone_update

pytestmark = pytest.mark.django_db

ZONE_REFUSAL = "Only the system administrator can move a zone to another region."
ZONE_REFUSAL_ZH = "只有系统管理员可以将开发区移至其他地区。"


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
    # Its other fields it still edits; the province office reads only.
    assert (
        token_client(personas.zone_admin)
        .patch(address, {"short_name": "甲区", "region": "140600"}, format="json")
        .status_code
        == 200
    )
    assert (
        token_client(personas.province_viewer)
        .patch(address, {"region": "140200"}, format="json")
        .status_code
        == 403
    )
    world.zone_a.refresh_from_db()
    assert world.zone_a.region == world.shuozhou


def test_the_system_administrator_moves_a_zone(world: World, personas: Personas) -> None:
    response = token_client(personas.sysadmin).patch(
        f"/api/zones/{world.zone_a.pk}/", {"region": "140200"}, format="json"
    )
    assert response.status_code == 200, response.content
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
    client.force_login(personas.sysadmin)
    assert " disabled" not in _select(client.get(edit).content.decode(), "region")


def test_the_zone_service_refuses_the_move_for_everyone_but_the_system_administrator(
    world: World, personas: Personas
) -> None:
    for persona in (personas.zone_admin, personas.outsider):
        with pytest.raises(PermissionDenied):
            zone_update(by=persona, zone=world.zone_a, data={"region": shijiazhuang()})
    zone_update(by=personas.sysadmin, zone=world.zone_a, data={"region": shijiazhuang()})
    world.zone_a.refresh_from_db()
    assert world.zone_a.region == shijiazhuang()


# Park → zone


def test_a_park_moves_to_another_zone_only_by_the_system_administrator(
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
    client.force_login(personas.sysadmin)
    assert " disabled" not in _select(client.get(edit).content.decode(), "zone")
    response = token_client(personas.sysadmin).patch(
        f"/api/parks/{world.park_b.pk}/", {"zone": world.zone_c.pk}, format="json"
    )
    assert response.status_code == 200, response.content


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


def test_the_system_administrator_moves_a_firm(
    client: Client, world: World, personas: Personas
) -> None:
    response = token_client(personas.sysadmin).patch(
        f"/api/enterprises/{world.ent_a1.pk}/",
        {"zone": world.zone_b.pk, "park": world.park_b.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.zone == world.zone_b
    client.force_login(personas.sysadmin)
    edit = reverse("enterprises:enterprise-edit", args=[world.ent_a1.pk])
    assert " disabled" not in _select(client.get(edit).content.decode(), "zone")
