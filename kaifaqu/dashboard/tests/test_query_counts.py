"""The home pages run a fixed number of queries, however many enterprises and projects there are."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import DjangoAssertNumQueries

from kaifaqu.conftest import Personas, World, make_uscc
from kaifaqu.core.models import IndustryClass
from kaifaqu.dashboard.tests.conftest import ZoneAFigures
from kaifaqu.enterprises.models import StatCategory
from kaifaqu.enterprises.services import enterprise_create, roster_entry_add
from kaifaqu.projects.models import Stage
from kaifaqu.projects.services import project_create

pytestmark = pytest.mark.django_db

# Session, user, the zone or park of the user's scope; then the zone, its parks, enterprises by
# park, projects by park and stage, the latest figures, the latest roster; the project warnings'
# counts (the zones' norms, projects without progress, overdue issues, missing reports).
ZONE_HOME_QUERIES = 13
# Session, user, region of scope; zones, parks, enterprises, projects by zone; GDP year and values.
OVERVIEW_QUERIES = 9


def grow(world: World, extra: int) -> None:
    industry = IndustryClass.objects.get(code="3011")
    stages = [Stage.LEAD, Stage.SIGNED, Stage.STARTED, Stage.COMMISSIONED, Stage.STALLED]
    for i in range(extra):
        park = world.park_a1 if i % 2 else world.park_a2
        enterprise = enterprise_create(
            by=None,
            data={
                "uscc": make_uscc("140600", 100 + i),
                "name": f"增补企业{i}",
                "industry": industry,
                "zone": world.zone_a,
                "park": park,
                "is_illustrative": i % 3 == 0,
            },
        )
        roster_entry_add(by=None, enterprise=enterprise, year=2024, category=StatCategory.INDUSTRY)
        project_create(
            by=None,
            data={
                "name": f"增补项目{i}",
                "zone": world.zone_a,
                "park": park,
                "total_investment": Decimal(1000 + i),
                "signed_investment": Decimal(1000 + i),
                "planned_investment": Decimal(1000 + i),
                "enterprise": enterprise,
            },
            stage=stages[i % len(stages)],
            stage_on=date(2025, 1, 1),
            note="示例",
        )


def count_queries(fetch: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200  # type: ignore[attr-defined]
    return len(captured)


@pytest.mark.parametrize("persona", ["zone_admin", "park_user"])
def test_the_zone_home_page_runs_the_same_few_queries_for_two_or_forty_enterprises(
    client: Client,
    world: World,
    personas: Personas,
    zone_a_figures: ZoneAFigures,
    persona: str,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client.force_login(getattr(personas, persona))
    small = count_queries(lambda: client.get("/"))
    grow(world, 40)
    large = count_queries(lambda: client.get("/"))
    assert large == small
    with django_assert_max_num_queries(ZONE_HOME_QUERIES):
        response = client.get("/")
    home = response.context["home"]
    expected = 2 + 40 if persona == "zone_admin" else 1 + 20
    assert home.totals.enterprises == expected


def test_the_overview_runs_the_same_few_queries_however_large_the_zones(
    client: Client,
    world: World,
    personas: Personas,
    zone_a_figures: ZoneAFigures,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client.force_login(personas.province_viewer)
    small = count_queries(lambda: client.get("/"))
    grow(world, 30)
    large = count_queries(lambda: client.get("/"))
    assert large == small
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        client.get("/")
