"""A user's scope must match the role."""

import pytest
from django.core.exceptions import ValidationError

from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import World
from kaifaqu.core.permissions import Role, ScopeLevel

pytestmark = pytest.mark.django_db


def test_it_rejects_a_zone_role_without_a_zone(world: World) -> None:
    with pytest.raises(ValidationError):
        user_create(username="x", password="a-long-password-1", role=Role.STATISTICIAN)


def test_it_rejects_a_park_role_scoped_to_a_zone(world: World) -> None:
    with pytest.raises(ValidationError):
        user_create(
            username="x",
            password="a-long-password-1",
            role=Role.PARK_SERVICE,
            scope_zone=world.zone_a,
        )


def test_the_scope_follows_the_role(world: World) -> None:
    user = user_create(
        username="p", password="a-long-password-1", role=Role.PARK_SERVICE, scope_park=world.park_a1
    )
    assert user.scope.level == ScopeLevel.PARK
    assert user.scope.park == world.park_a1
    assert user.home_zone_id == world.zone_a.pk
