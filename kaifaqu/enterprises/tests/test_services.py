"""enterprise_create / enterprise_update: codes, industry, zone and park, scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kaifaqu.conftest import Personas, World, make_uscc
from kaifaqu.core.models import IndustryClass
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.services import enterprise_create, enterprise_update

pytestmark = pytest.mark.django_db


def data(world: World, **overrides: object) -> dict[str, object]:
    return {
        "uscc": make_uscc("140600", 99),
        "name": "新企业",
        "industry": IndustryClass.objects.get(code="3011"),
        "zone": world.zone_a,
        "park": world.park_a1,
        **overrides,
    }


def test_it_stores_the_code_normalized(world: World, personas: Personas) -> None:
    code = make_uscc("140600", 99)
    enterprise = enterprise_create(by=personas.zone_admin, data=data(world, uscc=code.lower()))
    assert enterprise.uscc == code


def test_it_rejects_a_second_enterprise_with_the_same_code(
    world: World, personas: Personas
) -> None:
    with pytest.raises(ValidationError) as raised:
        enterprise_create(by=personas.zone_admin, data=data(world, uscc=world.ent_a1.uscc))
    assert "uscc" in raised.value.message_dict


def test_it_rejects_a_wrong_check_character(world: World, personas: Personas) -> None:
    code = make_uscc("140600", 99)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError) as raised:
        enterprise_create(by=personas.zone_admin, data=data(world, uscc=wrong))
    assert "uscc" in raised.value.message_dict
    assert not Enterprise.objects.filter(name="新企业").exists()


def test_it_rejects_an_industry_heading_that_is_not_a_class(
    world: World, personas: Personas
) -> None:
    with pytest.raises(ValidationError) as raised:
        enterprise_create(
            by=personas.zone_admin, data=data(world, industry=IndustryClass.objects.get(code="301"))
        )
    assert "industry" in raised.value.message_dict


def test_it_rejects_a_park_of_another_zone(world: World, personas: Personas) -> None:
    with pytest.raises(ValidationError) as raised:
        enterprise_create(by=None, data=data(world, park=world.park_b))
    assert "park" in raised.value.message_dict


def test_a_park_user_cannot_move_an_enterprise_out_of_its_park(
    world: World, personas: Personas
) -> None:
    with pytest.raises(PermissionDenied):
        enterprise_update(
            by=personas.park_user, enterprise=world.ent_a1, data={"park": world.park_a2}
        )
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.park == world.park_a1


def test_people_outside_the_zone_or_without_the_role_cannot_write(
    world: World, personas: Personas
) -> None:
    for person in (
        personas.outsider,
        personas.reporter,
        personas.province_viewer,
        personas.auditor,
    ):
        with pytest.raises(PermissionDenied):
            enterprise_update(by=person, enterprise=world.ent_a1, data={"name": "改名"})
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.name == "甲一水泥有限公司"


def test_the_shipped_industry_table_is_complete(db: None) -> None:
    assert IndustryClass.objects.filter(level="class").count() == 1382
    assert IndustryClass.objects.filter(level="section").count() == 20
    assert IndustryClass.objects.get(code="3011").parent_id == "301"


def test_it_accepts_the_code_as_people_type_it(world: World, personas: Personas) -> None:
    code = make_uscc("140600", 98)
    typed = f" {code[:6].lower()} {code[6:10]}-{code[10:]} "
    enterprise = enterprise_create(by=personas.zone_admin, data=data(world, uscc=typed))
    assert enterprise.uscc == code
