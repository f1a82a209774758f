"""The tax and electricity figures page: who reads it, its filters, and entering one figure."""

from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.returns.models import ProxyFigure, ProxyKind
from kaifaqu.returns.tests.proxy_helpers import stored_tax

URL = reverse("returns:proxy-list")
pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world: World) -> list[ProxyFigure]:
    return [
        stored_tax(world.ent_a1, Month(2025, 3), "12.5"),
        stored_tax(world.ent_a2, Month(2025, 4), "1234.5678", source="国家税务总局朔州市税务局"),
        ProxyFigure.objects.create(
            enterprise=world.ent_a2,
            period=Month(2025, 4).first_day,
            kind=ProxyKind.ELECTRICITY,
            value=Decimal("80"),
            source="国网朔州供电公司",
        ),
        stored_tax(world.ent_b, Month(2025, 4), "99"),
    ]


def names(response: Any) -> list[str]:
    return [row[0] for row in table_rows(response)]


def test_the_statistician_sees_the_zones_figures_of_the_months(
    client: Client, personas: Personas, figures: list[ProxyFigure]
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    response = client.get(URL, {"start": "2025-01", "end": "2025-06"})
    assert response.status_code == 200
    assert [row[:6] for row in table_rows(response)] == [
        [
            "甲二新材料有限公司",
            figures[1].enterprise.uscc,
            "2025-04",
            "Electricity consumed, from the grid (万千瓦时)",
            "80.00 万千瓦时",
            "国网朔州供电公司",
        ],
        [
            "甲二新材料有限公司",
            figures[1].enterprise.uscc,
            "2025-04",
            "Tax payable, from the tax bureau (万元)",
            "1,234.57 万元",
            "国家税务总局朔州市税务局",
        ],
        [
            "甲一水泥有限公司",
            figures[0].enterprise.uscc,
            "2025-03",
            "Tax payable, from the tax bureau (万元)",
            "12.50 万元",
            "税务局",
        ],
    ]


def test_the_filters_narrow_by_months_kind_and_enterprise(
    client: Client, world: World, personas: Personas, figures: list[ProxyFigure]
) -> None:
    client.force_login(personas.statistician)
    assert (
        names(client.get(URL, {"start": "2025-04", "end": "2025-04"})) == ["甲二新材料有限公司"] * 2
    )
    assert names(client.get(URL, {"start": "2025-01", "end": "2025-03"})) == ["甲一水泥有限公司"]
    assert len(table_rows(client.get(URL, {"start": "2025-01", "kind": "electricity"}))) == 1
    assert names(client.get(URL, {"start": "2025-01", "q": "水泥"})) == ["甲一水泥有限公司"]
    by_code = client.get(URL, {"start": "2025-01", "q": world.ent_a1.uscc[-6:].lower()})
    assert names(by_code) == ["甲一水泥有限公司"]
    # Unless asked, the 12 months up to last month: 2025 is long over, so nothing is listed.
    if Month.of(timezone.localdate()) > Month(2026, 4):
        assert table_rows(client.get(URL)) == []
    bad = client.get(URL, {"start": "soon"})
    assert table_rows(bad) == [] and bad.context["filter_form"].errors


def test_another_zones_statistician_sees_only_its_own(
    client: Client, world: World, personas: Personas, figures: list[ProxyFigure]
) -> None:
    client.force_login(personas.statistician_b)
    response = client.get(URL, {"zone": str(world.zone_a.pk), "start": "2025-01", "end": "2025-06"})
    assert response.context["zone"] == world.zone_b
    assert names(response) == ["乙一储能有限公司"]


def test_reporters_and_the_auditor_may_not_open_the_page(
    client: Client, personas: Personas, figures: list[ProxyFigure]
) -> None:
    # 统计法: firms' tax and power figures are the statistics office's: the zone's administrator,
    # a park, the provincial office, the firm itself and the auditor are refused.
    for persona in (
        personas.reporter,
        personas.auditor,
        personas.zone_admin,
        personas.park_user,
        personas.province_viewer,
    ):
        client.force_login(persona)
        response = client.get(URL)
        assert response.status_code == 403
        assert "1,234.57" not in response.content.decode()
        assert "国家税务总局朔州市税务局" not in response.content.decode()
    client.logout()
    assert client.get(URL).status_code == 302


def test_only_writers_see_the_entry_form_and_the_import_link(
    client: Client, personas: Personas, figures: list[ProxyFigure]
) -> None:
    # Whoever reads the list writes it (the statistics office, each its own zone's); the system
    # administrator does neither.
    for persona in (personas.statistician, personas.statistician_b):
        client.force_login(persona)
        body = client.get(URL, {"start": "2025-01", "end": "2025-06"}).content.decode()
        assert 'id="proxy-entry"' in body, persona
        assert reverse("returns:proxy-import") in body, persona
    client.force_login(personas.sysadmin)
    response = client.get(URL, {"start": "2025-01", "end": "2025-06"})
    assert response.status_code == 403
    body = response.content.decode()
    assert 'id="proxy-entry"' not in body and reverse("returns:proxy-import") not in body


def entry(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "zone": world.zone_a.pk,
        "enterprise": world.ent_a2.pk,
        "period": "2025-05",
        "kind": ProxyKind.TAX,
        "value": "8.25",
        "source": "税务局 2025年5月 清单",
        **extra,
    }


def test_a_writer_enters_a_figure_and_its_history_names_them(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    response = client.post(URL, entry(world))
    assert response.status_code == 302
    assert "end=2025-05" in response["Location"]
    figure = ProxyFigure.objects.get()
    assert (figure.enterprise, figure.period.isoformat(), figure.kind, figure.value) == (
        world.ent_a2,
        "2025-05-01",
        ProxyKind.TAX,
        Decimal("8.25"),
    )
    assert LogEntry.objects.get_for_object(figure).get().actor == personas.statistician


def test_entering_the_same_month_and_kind_again_corrects_the_figure(
    client: Client, world: World, personas: Personas
) -> None:
    figure = stored_tax(world.ent_a2, Month(2025, 5), "8")
    client.force_login(personas.statistician)
    page = client.get(URL, {"start": "2025-05", "end": "2025-05", "edit": str(figure.pk)})
    assert page.context["entry_form"].initial["value"] == Decimal("8")
    assert client.post(URL, entry(world, value="9.5")).status_code == 302
    figure.refresh_from_db()
    assert (ProxyFigure.objects.count(), figure.value) == (1, Decimal("9.5"))
    changes = LogEntry.objects.get_for_object(figure).latest("timestamp").changes_dict
    assert changes["value"] == ["8.0000", "9.5"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": "-1"}, "value"),
        ({"value": "abc"}, "value"),
        ({"period": "March"}, "period"),
        ({"source": ""}, "source"),
    ],
)
def test_invalid_entries_are_refused_on_their_field(
    client: Client, world: World, personas: Personas, change: dict[str, str], field: str
) -> None:
    client.force_login(personas.statistician)
    response = client.post(URL, entry(world, **change))
    assert response.status_code == 400
    assert list(response.context["entry_form"].errors) == [field]
    assert not ProxyFigure.objects.exists()


def test_a_month_after_this_one_is_refused_by_the_service(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    current = Month.of(timezone.localdate())
    response = client.post(URL, entry(world, period=str(current.shift(1))))
    assert response.status_code == 400
    assert response.context["entry_form"].errors["period"] == [
        f"{current.shift(1)} is after this month, {current}."
    ]
    assert client.post(URL, entry(world, period=str(current))).status_code == 302


def test_an_enterprise_outside_the_zone_is_refused(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    response = client.post(URL, entry(world, enterprise=world.ent_b.pk))
    assert response.status_code == 400
    assert response.context["entry_form"].errors["enterprise"] == [
        "Choose an enterprise of 甲开发区 that you can see."
    ]
    # The system administrator, who sees no zone, enters nothing anywhere.
    client.force_login(personas.sysadmin)
    response = client.post(URL, entry(world, enterprise=world.ent_b.pk))
    assert response.status_code == 403
    assert not ProxyFigure.objects.exists()


def test_readers_who_do_not_write_cannot_enter_a_figure(
    client: Client, world: World, personas: Personas
) -> None:
    for persona in (personas.park_user, personas.province_viewer, personas.zone_admin):
        client.force_login(persona)
        assert client.post(URL, entry(world, enterprise=world.ent_a1.pk)).status_code == 403
    for persona in (personas.reporter, personas.auditor):
        client.force_login(persona)
        assert client.post(URL, entry(world, enterprise=world.ent_a1.pk)).status_code == 403
    # Zone 乙's statistician writes in zone 乙 only: 甲's enterprise is not among its choices.
    client.force_login(personas.statistician_b)
    assert client.post(URL, entry(world)).status_code == 400
    assert not ProxyFigure.objects.exists()


def test_the_return_list_links_the_import_for_importers_only(
    client: Client, personas: Personas
) -> None:
    link = reverse("returns:return-import")
    for persona, sees in (
        (personas.statistician, True),
        (personas.statistician_b, True),
        # The enterprise sees its own returns listed, and imports nobody's.
        (personas.reporter, False),
    ):
        client.force_login(persona)
        body = client.get(reverse("returns:return-list")).content.decode()
        assert (f'href="{link}"' in body) is sees, persona
    # The system administrator sees no return list at all.
    client.force_login(personas.sysadmin)
    response = client.get(reverse("returns:return-list"))
    assert response.status_code == 403
    assert f'href="{link}"' not in response.content.decode()


def test_the_three_lists_share_the_zone_filter(client: Client, personas: Personas) -> None:
    # The provincial office sees two zones: the gap list's filter offers them.
    client.force_login(personas.province_viewer)
    body = client.get(reverse("returns:gap-list")).content.decode()
    assert 'id="gap-zone"' in body
    assert body.count('role="search"') == 1
    # The statistician works in one zone: the same filter bar on each list, with no zone to choose.
    client.force_login(personas.statistician)
    for name, prefix in (
        ("candidate-list", "candidate"),
        ("gap-list", "gap"),
        ("proxy-list", "proxy"),
    ):
        body = client.get(reverse(f"returns:{name}")).content.decode()
        assert f'id="{prefix}-zone"' not in body, name
        assert body.count('role="search"') == 1
