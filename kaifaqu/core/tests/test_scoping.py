"""for_user: each persona sees its slice and nothing else."""

import pytest

from kaifaqu.conftest import Personas, World
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.models import Project


def names(queryset) -> set[str]:  # type: ignore[no-untyped-def]
    return set(queryset.values_list("name", flat=True))


@pytest.mark.django_db
def test_the_provincial_viewer_sees_zones_of_its_province_only(
    world: World, personas: Personas
) -> None:
    assert names(Zone.objects.for_user(personas.province_viewer)) == {"甲开发区", "乙开发区"}
    assert "丙一物流有限公司" not in names(Enterprise.objects.for_user(personas.province_viewer))


@pytest.mark.django_db
def test_a_zone_user_sees_only_its_zone(world: World, personas: Personas) -> None:
    assert names(Zone.objects.for_user(personas.zone_admin)) == {"甲开发区"}
    assert names(Park.objects.for_user(personas.zone_admin)) == {"一园", "二园"}
    assert names(Enterprise.objects.for_user(personas.zone_admin)) == {
        "甲一水泥有限公司",
        "甲二新材料有限公司",
    }
    assert names(Project.objects.for_user(personas.outsider)) == {"乙储能项目"}


@pytest.mark.django_db
def test_a_park_user_does_not_see_the_other_park(world: World, personas: Personas) -> None:
    assert names(Park.objects.for_user(personas.park_user)) == {"一园"}
    assert names(Enterprise.objects.for_user(personas.park_user)) == {"甲一水泥有限公司"}
    assert names(Project.objects.for_user(personas.park_user)) == {"甲一扩建项目"}


@pytest.mark.django_db
def test_an_enterprise_reporter_sees_only_its_enterprise(world: World, personas: Personas) -> None:
    assert names(Enterprise.objects.for_user(personas.reporter)) == {"甲一水泥有限公司"}
    assert names(Zone.objects.for_user(personas.reporter)) == {"甲开发区"}


@pytest.mark.django_db
def test_the_three_administrators_see_no_business_data(world: World, personas: Personas) -> None:
    for persona in (personas.sysadmin, personas.secadmin, personas.auditor):
        assert not Enterprise.objects.for_user(persona).exists()
        assert not Project.objects.for_user(persona).exists()
        assert not Zone.objects.for_user(persona).exists()
