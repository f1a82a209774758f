"""Regions, zones and parks: codes, hierarchy and areas."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kaifaqu.conftest import Personas, World
from kaifaqu.geo.models import Region, RegionLevel, region_prefix
from kaifaqu.geo.services import park_create, park_update, region_create, zone_update

pytestmark = pytest.mark.django_db


def test_the_level_and_prefix_follow_from_the_code(world: World) -> None:
    assert world.shanxi.level == RegionLevel.PROVINCE
    assert world.shuozhou.level == RegionLevel.CITY
    county = region_create(
        by=None, data={"code": "140602", "name": "朔城区", "parent": world.shuozhou}
    )
    assert county.level == RegionLevel.COUNTY
    assert (region_prefix("140000"), region_prefix("140600"), region_prefix("140602")) == (
        "14",
        "1406",
        "140602",
    )


def test_it_rejects_a_city_under_the_wrong_province(world: World) -> None:
    with pytest.raises(ValidationError) as raised:
        region_create(by=None, data={"code": "140700", "name": "晋中市", "parent": world.hebei})
    assert "parent" in raised.value.message_dict
    assert not Region.objects.filter(code="140700").exists()


@pytest.mark.parametrize("code", ["14060", "1406000", "14A600", "000000"])
def test_it_rejects_codes_that_are_not_gb_t_2260(world: World, code: str) -> None:
    with pytest.raises(ValidationError):
        region_create(by=None, data={"code": code, "name": "x", "parent": world.shanxi})


def test_the_parks_cannot_outgrow_their_zone(world: World, personas: Personas) -> None:
    # zone 甲 is 50 km² with parks of 10 and 12 km²: 28 more fit, 29 do not.
    park_create(
        by=personas.zone_admin,
        data={"zone": world.zone_a, "name": "三园", "area_km2": Decimal("28")},
    )
    with pytest.raises(ValidationError):
        park_update(by=personas.zone_admin, park=world.park_a1, data={"area_km2": Decimal("11")})
    world.park_a1.refresh_from_db()
    assert world.park_a1.area_km2 == Decimal("10")
    with pytest.raises(ValidationError):
        zone_update(by=personas.zone_admin, zone=world.zone_a, data={"area_km2": Decimal("49.99")})


def test_only_the_zone_admin_of_the_zone_or_the_office_above_creates_its_parks(
    world: World, personas: Personas
) -> None:
    for person in (
        personas.outsider,
        personas.statistician,
        personas.park_user,
        personas.sysadmin,
    ):
        with pytest.raises(PermissionDenied):
            park_create(
                by=person, data={"zone": world.zone_a, "name": "越界园", "area_km2": Decimal("1")}
            )
    assert not world.zone_a.parks.filter(name="越界园").exists()
    # The provincial office: in its province's zones, not in 河北's.
    with pytest.raises(PermissionDenied):
        park_create(
            by=personas.province_viewer,
            data={"zone": world.zone_c, "name": "越界园", "area_km2": Decimal("1")},
        )
    assert not world.zone_c.parks.exists()
    park_create(
        by=personas.province_viewer,
        data={"zone": world.zone_a, "name": "三园", "area_km2": Decimal("1")},
    )
    assert world.zone_a.parks.filter(name="三园").exists()
