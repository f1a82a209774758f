"""Region, zone and park pages: lists, details with their related records, scope, query counts."""

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World, make_uscc
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.tests.registry_pages import column, table_rows, xlsx_rows
from kaifaqu.enterprises.services import enterprise_create
from kaifaqu.geo.models import ZoneLevel
from kaifaqu.geo.services import park_create, region_create, zone_create

REGIONS = reverse("geo:region-list")
ZONES = reverse("geo:zone-list")
PARKS = reverse("geo:park-list")
LIST_QUERIES = 7
DETAIL_QUERIES = 8


@pytest.mark.django_db
def test_the_region_list_filters_by_level_and_parent(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    # Administrative codes are reference data: everyone reads them all.
    assert column(client.get(REGIONS), 0) == ["130000", "130100", "140000", "140200", "140600"]
    assert column(client.get(REGIONS, {"level": "province"}), 0) == ["130000", "140000"]
    assert column(client.get(REGIONS, {"parent": "140000"}), 0) == ["140200", "140600"]
    assert column(client.get(REGIONS, {"q": "朔州"}), 1) == ["朔州市"]


@pytest.mark.django_db
def test_the_region_page_lists_its_children_and_the_zones_the_user_can_see(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.province_viewer)
    page = client.get(world.shanxi.get_absolute_url())
    assert column(page, 1, table=1) == ["大同市", "朔州市"]
    assert column(page, 0, table=2) == ["乙开发区", "甲开发区"]
    client.force_login(personas.outsider)
    assert column(client.get(world.shanxi.get_absolute_url()), 0, table=2) == ["乙开发区"]


@pytest.mark.django_db
def test_the_zone_list_and_page_are_scoped(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    assert column(client.get(ZONES), 0) == ["甲开发区"]
    assert client.get(world.zone_b.get_absolute_url()).status_code == 404
    client.force_login(personas.province_viewer)
    assert column(client.get(ZONES), 0) == ["乙开发区", "甲开发区"]
    assert client.get(world.zone_c.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_the_zone_page_shows_its_parks_counts_and_institutions(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    enterprise_create(
        by=None,
        data={
            "uscc": make_uscc("140600", 90),
            "name": "甲区无园企业",
            "industry": IndustryClass.objects.get(code="3011"),
            "zone": world.zone_a,
        },
    )
    client.force_login(personas.zone_admin)
    page = client.get(world.zone_a.get_absolute_url())
    assert page.status_code == 200
    # Parks: name, area (km²), enterprises, projects.
    assert table_rows(page, 2) == [["一园", "10.00", "1", "1"], ["二园", "12.00", "1", "1"]]
    counts = page.context["counts"]
    # Three enterprises: one in each park and one outside any park.
    assert [(c.label, c.text) for c in counts] == [("Enterprises", "3"), ("Projects", "2")]
    assert counts[0].url == reverse("enterprises:enterprise-list") + f"?zone={world.zone_a.pk}"
    assert "Institutions" in page.content.decode()


@pytest.mark.django_db
def test_the_park_user_sees_only_its_park_and_its_counts_on_the_zone_page(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.park_user)
    page = client.get(world.zone_a.get_absolute_url())
    assert table_rows(page, 2) == [["一园", "10.00", "1", "1"]]
    assert [c.text for c in page.context["counts"]] == ["1", "1"]
    assert column(client.get(PARKS), 0) == ["一园"]
    assert client.get(world.park_a2.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_the_park_page_lists_its_enterprises_and_projects(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    page = client.get(world.park_a1.get_absolute_url())
    assert [row[0] for row in table_rows(page, 1)] == ["甲一水泥有限公司"]
    assert [row[0] for row in table_rows(page, 2)] == ["甲一扩建项目"]
    body = page.content.decode()
    assert reverse("enterprises:enterprise-list") + f"?park={world.park_a1.pk}" in body


@pytest.mark.django_db
def test_the_outsider_gets_404_on_the_parks_of_zone_a(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.outsider)
    for view in ("park-detail", "park-edit", "park-history"):
        assert client.get(reverse(f"geo:{view}", args=[world.park_a1.pk])).status_code == 404
    assert column(client.get(PARKS), 0) == ["乙园"]
    _header, *rows = xlsx_rows(client.get(reverse("geo:park-export")).content)
    assert [row[0] for row in rows] == ["乙园"]


@pytest.mark.django_db
def test_an_illustrative_park_area_is_marked(
    client: Client, world: World, personas: Personas
) -> None:
    park_create(
        by=None,
        data={
            "zone": world.zone_a,
            "name": "三园",
            "area_km2": Decimal("5"),
            "area_is_illustrative": True,
        },
    )
    client.force_login(personas.zone_admin)
    assert dict((row[0], row[2]) for row in table_rows(client.get(PARKS)))["三园"] == "≈ 5.00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_of", "queries"),
    [
        (lambda w: REGIONS, LIST_QUERIES),
        (lambda w: ZONES, LIST_QUERIES),
        (lambda w: PARKS, LIST_QUERIES),
        (lambda w: w.shanxi.get_absolute_url(), DETAIL_QUERIES),
        (lambda w: w.zone_a.get_absolute_url(), DETAIL_QUERIES),
        (lambda w: w.park_a1.get_absolute_url(), DETAIL_QUERIES),
    ],
)
def test_each_page_runs_a_fixed_number_of_queries(
    client: Client,
    world: World,
    personas: Personas,
    django_assert_max_num_queries: Any,
    url_of: Any,
    queries: int,
) -> None:
    client.force_login(personas.province_viewer)
    with django_assert_max_num_queries(queries):
        assert client.get(url_of(world)).status_code == 200
    industry = IndustryClass.objects.get(code="3011")
    for i in range(30):
        county = region_create(
            by=None,
            data={"code": f"1406{i + 1:02d}", "name": f"县{i:02d}", "parent": world.shuozhou},
        )
        zone_create(
            by=None,
            data={
                "name": f"批量开发区{i:02d}",
                "level": ZoneLevel.PROVINCIAL,
                "region": county,
                "area_km2": Decimal("10"),
            },
        )
        park_create(by=None, data={"zone": world.zone_a, "name": f"批量园{i:02d}"})
        enterprise_create(
            by=None,
            data={
                "uscc": make_uscc("140600", 500 + i),
                "name": f"批量企业{i:02d}",
                "industry": industry,
                "zone": world.zone_a,
                "park": world.park_a1,
            },
        )
    with django_assert_max_num_queries(queries):
        assert client.get(url_of(world)).status_code == 200
