"""Creating and editing regions, zones and parks through the pages."""

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.geo.models import Park, Region, Zone


def park_data(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "zone": world.zone_a.pk,
        "name": "科创商务园",
        "area_km2": "8",
        "role": "科创商务",
        "description": "",
        "position": "3",
    }
    return {**data, **changes}


def zone_data(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "甲开发区",
        "short_name": "甲区",
        "level": "provincial",
        "region": world.shuozhou.pk,
        "area_km2": "99.86",
        "established_year": "1992",
        "internal_departments": "8",
        "public_institutions": "3",
        "park_service_centres": "5",
        "governance_model": "小管委会+大公司+产业基金",
        "description": "",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_the_zone_admin_adds_a_park_to_its_zone(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    form = client.get(reverse("geo:park-create")).context["form"]
    assert form.initial["zone"] == world.zone_a.pk
    response = client.post(reverse("geo:park-create"), park_data(world))
    park = Park.objects.get(name="科创商务园")
    assert response.status_code == 302
    assert (park.zone, park.area_km2, park.position) == (world.zone_a, Decimal("8"), 3)


@pytest.mark.django_db
def test_parks_larger_than_their_zone_are_refused_on_the_area_field(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    # Zone 甲 covers 50 km² and its parks 10 + 12; 30 more would make 52.
    response = client.post(reverse("geo:park-create"), park_data(world, area_km2="30"))
    assert response.status_code == 200
    assert response.context["form"].errors["area_km2"] == [
        "The parks of 甲开发区 would cover 52.00 km², more than the zone's 50.00 km²."
    ]
    assert not Park.objects.filter(name="科创商务园").exists()


@pytest.mark.django_db
def test_the_zone_admin_cannot_add_a_park_to_another_zone(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    response = client.post(reverse("geo:park-create"), park_data(world, zone=world.zone_b.pk))
    assert "zone" in response.context["form"].errors
    assert not Park.objects.filter(name="科创商务园").exists()


@pytest.mark.django_db
def test_only_the_provincial_office_creates_zones_and_regions_in_its_province(
    client: Client, world: World, personas: Personas
) -> None:
    for persona in (personas.zone_admin, personas.statistician, personas.sysadmin):
        client.force_login(persona)
        assert client.get(reverse("geo:zone-create")).status_code == 403
        assert client.get(reverse("geo:region-create")).status_code == 403
        assert (
            reverse("geo:zone-create") not in client.get(reverse("geo:zone-list")).content.decode()
        )
    assert not Zone.objects.filter(name="丁开发区").exists()
    client.force_login(personas.province_viewer)
    assert reverse("geo:zone-create") in client.get(reverse("geo:zone-list")).content.decode()
    assert client.get(reverse("geo:region-create")).status_code == 200
    # Not in 河北: the zone would fall outside the office's sight.
    shijiazhuang = Region.objects.get(code="130100")
    refused = client.post(
        reverse("geo:zone-create"),
        zone_data(world, name="丁开发区", area_km2="20", region=shijiazhuang.pk),
    )
    assert refused.status_code == 403
    assert not Zone.objects.filter(name="丁开发区").exists()
    response = client.post(
        reverse("geo:zone-create"), zone_data(world, name="丁开发区", area_km2="20")
    )
    assert response.status_code == 302
    assert Zone.objects.get(name="丁开发区").region == world.shuozhou


@pytest.mark.django_db
def test_a_region_under_the_wrong_parent_is_refused(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.province_viewer)
    create = reverse("geo:region-create")
    wrong = client.post(create, {"code": "140602", "name": "朔城区", "parent": world.datong.pk})
    assert wrong.context["form"].errors["parent"] == ["Region 140602 cannot lie under 140200."]
    assert not Region.objects.filter(code="140602").exists()
    # Under another province: not the office's to add.
    shijiazhuang = Region.objects.get(code="130100")
    foreign = client.post(create, {"code": "130102", "name": "长安区", "parent": shijiazhuang.pk})
    assert foreign.status_code == 403
    assert not Region.objects.filter(code="130102").exists()
    right = client.post(create, {"code": "140602", "name": "朔城区", "parent": world.shuozhou.pk})
    assert right.status_code == 302
    assert Region.objects.get(code="140602").level == "county"


@pytest.mark.django_db
def test_the_zone_admin_edits_its_zone_and_the_history_shows_it(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    edit = reverse("geo:zone-edit", args=[world.zone_a.pk])
    response = client.post(edit, zone_data(world), REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302
    assert Zone.objects.get(pk=world.zone_a.pk).area_km2 == Decimal("99.86")
    history = client.get(reverse("geo:zone-history", args=[world.zone_a.pk]))
    newest = table_rows(history)[0]
    assert newest[1:3] == ["zone_admin", "192.0.2.7"]
    assert "Planned area (km²) 50.00 → 99.86" in newest[4]
    assert "Governance model — → 小管委会+大公司+产业基金" in newest[4]
    # The zone admin cannot reach another zone's form.
    assert client.get(reverse("geo:zone-edit", args=[world.zone_b.pk])).status_code == 404
