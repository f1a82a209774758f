"""The Excel export holds exactly the rows of the scoped, filtered list, and is logged."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.registry_pages import xlsx_rows
from kaifaqu.enterprises.services import enterprise_update

EXPORT = reverse("enterprises:enterprise-export")


@pytest.mark.django_db
def test_it_exports_the_filtered_rows_of_the_scope_and_logs_the_export(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    enterprise_update(by=None, enterprise=world.ent_a2, data={"land_mu": Decimal("120.25")})
    client.force_login(personas.zone_admin)
    response = client.get(EXPORT, {"park": world.park_a2.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment;" in response["Content-Disposition"]
    header, *rows = xlsx_rows(response.content)
    assert header[:6] == (
        "Unified social credit code",
        "Name",
        "Industry code",
        "Industry name",
        "Zone",
        "Park",
    )
    assert [row[:6] for row in rows] == [
        (world.ent_a2.uscc, "甲二新材料有限公司", "3011", "水泥制造", "甲开发区", "二园")
    ]
    # Land is a number in the workbook, not text.
    assert rows[0][header.index("Land (亩)")] == 120.25

    event = AccessEvent.objects.get(kind=AccessEventKind.EXPORT)
    assert event.user == personas.zone_admin
    assert "enterprises.enterprise: 1 rows" in event.detail
    assert f"park={world.park_a2.pk}" in event.detail


@pytest.mark.django_db
def test_the_outsider_exports_only_its_own_zone(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.outsider)
    _header, *rows = xlsx_rows(client.get(EXPORT).content)
    assert [row[1] for row in rows] == ["乙一储能有限公司"]
    _header, *searched = xlsx_rows(client.get(EXPORT, {"q": "甲"}).content)
    assert searched == []


@pytest.mark.django_db
def test_the_export_follows_the_sort_of_the_list(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    _header, *rows = xlsx_rows(client.get(EXPORT, {"sort": "-name"}).content)
    assert [row[1] for row in rows] == ["甲二新材料有限公司", "甲一水泥有限公司"]


@pytest.mark.django_db
def test_the_list_links_to_the_export_with_its_filters(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    body = client.get(reverse("enterprises:enterprise-list"), {"q": "甲", "page": "1"}).content
    assert f'href="{EXPORT}?q=%E7%94%B2"'.encode() in body
