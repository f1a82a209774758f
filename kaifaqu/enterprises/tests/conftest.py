"""A batch of extra enterprises, to page through and to show that query counts do not grow."""

from collections.abc import Callable

import pytest

from kaifaqu.conftest import World, make_uscc
from kaifaqu.core.models import IndustryClass
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.services import enterprise_create


@pytest.fixture
def add_enterprises(world: World) -> Callable[[int], list[Enterprise]]:
    """`n` more enterprises in park 一园 of zone 甲, named 批量企业001…, industry 3012."""
    industry = IndustryClass.objects.get(code="3012")

    def add(n: int) -> list[Enterprise]:
        return [
            enterprise_create(
                by=None,
                data={
                    "uscc": make_uscc("140600", 1000 + i),
                    "name": f"批量企业{i:03d}",
                    "industry": industry,
                    "zone": world.zone_a,
                    "park": world.park_a1,
                },
            )
            for i in range(1, n + 1)
        ]

    return add
