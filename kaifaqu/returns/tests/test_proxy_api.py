"""The proxy figures API: reading within scope, writing through the service, and who may not."""

from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.returns.models import ProxyFigure, ProxyKind
from kaifaqu.returns.tests.proxy_helpers import stored_tax

pytestmark = pytest.mark.django_db
URL = "/api/proxy-figures/"


def body(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "enterprise": world.ent_a2.pk,
        "period": "2025-05",
        "kind": "tax",
        "value": "8.25",
        "source": "税务局",
        **extra,
    }


@pytest.fixture
def figures(world: World) -> dict[str, ProxyFigure]:
    return {
        "a1": stored_tax(world.ent_a1, Month(2025, 3), "12.5"),
        "a2": stored_tax(world.ent_a2, Month(2025, 4), "3"),
        "b": stored_tax(world.ent_b, Month(2025, 4), "99"),
    }


def listed(user: User, **query: Any) -> list[str]:
    response = token_client(user).get(URL, query)
    assert response.status_code == 200, response.json()
    return sorted(row["enterprise_name"] for row in response.json()["results"])


def test_each_persona_lists_only_what_it_may_see(
    personas: Personas, figures: dict[str, ProxyFigure]
) -> None:
    assert listed(personas.statistician) == ["甲一水泥有限公司", "甲二新材料有限公司"]
    assert listed(personas.statistician_b) == ["乙一储能有限公司"]
    # 统计法: firms' tax and power figures are the statistics office's; everyone else — the
    # provincial office, a park, a zone's administrator, the firm itself, the three
    # administrators of the platform — is refused.
    for persona in (
        personas.province_viewer,
        personas.park_user,
        personas.outsider,
        personas.zone_admin,
        personas.reporter,
        personas.sysadmin,
        personas.secadmin,
        personas.auditor,
    ):
        response = token_client(persona).get(URL)
        assert response.status_code == 403, persona.username
        assert b"12.5" not in response.content


def test_the_list_filters_by_zone_month_range_and_kind(
    world: World, personas: Personas, figures: dict[str, ProxyFigure]
) -> None:
    user = personas.statistician
    assert listed(user, zone=world.zone_a.pk) == ["甲一水泥有限公司", "甲二新材料有限公司"]
    assert listed(user, period_from="2025-04", zone=world.zone_a.pk) == ["甲二新材料有限公司"]
    assert listed(user, period_to="2025年3月") == ["甲一水泥有限公司"]
    assert listed(user, period="202504", search="新材料") == ["甲二新材料有限公司"]
    assert listed(user, period="202504", search="水泥") == []
    assert listed(user, kind="electricity") == []
    assert token_client(user).get(URL, {"period": "soon"}).status_code == 400
    # Zone 乙's statistician, its zone's.
    assert listed(personas.statistician_b, zone=world.zone_b.pk) == ["乙一储能有限公司"]
    assert listed(personas.statistician_b, period="202504", search="储能") == ["乙一储能有限公司"]
    # A zone outside the scope is not a choice.
    assert (
        token_client(personas.statistician_b).get(URL, {"zone": world.zone_a.pk}).status_code == 400
    )


def test_a_reading_shows_the_figure_in_wan_with_its_enterprise(
    world: World, personas: Personas, figures: dict[str, ProxyFigure]
) -> None:
    figure = figures["a1"]
    response = token_client(personas.statistician).get(f"{URL}{figure.pk}/")
    data = response.json()
    assert {k: data[k] for k in ("enterprise", "uscc", "zone", "period", "kind", "value")} == {
        "enterprise": world.ent_a1.pk,
        "uscc": world.ent_a1.uscc,
        "zone": world.zone_a.pk,
        "period": "2025-03",
        "kind": "tax",
        "value": "12.5000",
    }


def test_a_statistician_creates_and_corrects_a_figure_through_the_service(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.statistician)
    created = client.post(URL, body(world), format="json")
    assert created.status_code == 201, created.json()
    figure = ProxyFigure.objects.get()
    assert (figure.value, figure.source) == (Decimal("8.25"), "税务局")
    assert LogEntry.objects.get_for_object(figure).get().actor == personas.statistician
    patched = client.patch(f"{URL}{figure.pk}/", {"value": "9"}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["value"] == "9.0000"
    # Entering the same enterprise, month and kind again corrects the figure.
    again = client.post(URL, body(world, value="10"), format="json")
    assert again.status_code == 201
    assert again.json()["id"] == figure.pk
    assert ProxyFigure.objects.get().value == Decimal("10")


def test_the_zone_admin_may_not_write_them(world: World, personas: Personas) -> None:
    # 统计法: the zone's administrator reads aggregates, and enters no firm's figures.
    response = token_client(personas.zone_admin).post(URL, body(world), format="json")
    assert response.status_code == 403
    assert not ProxyFigure.objects.filter(enterprise=world.ent_a2).exists()


def test_invalid_figures_are_400_with_the_field(world: World, personas: Personas) -> None:
    client = token_client(personas.statistician)
    current = Month.of(timezone.localdate())
    for change, field in (
        ({"value": "-1"}, "value"),
        ({"period": "March"}, "period"),
        ({"period": str(current.shift(1))}, "period"),
        ({"kind": "water"}, "kind"),
        ({"source": ""}, "source"),
    ):
        response = client.post(URL, body(world, **change), format="json")
        assert response.status_code == 400, change
        assert set(response.json()) == {field}, response.json()
    assert not ProxyFigure.objects.exists()


def test_a_figure_cannot_move_to_another_month(
    personas: Personas, figures: dict[str, ProxyFigure]
) -> None:
    figure = figures["a2"]
    moved = token_client(personas.statistician).patch(
        f"{URL}{figure.pk}/", {"period": "2025-01", "kind": "electricity"}, format="json"
    )
    assert moved.status_code == 400
    assert set(moved.json()) == {"period", "kind"}


def test_personas_who_do_not_write_are_refused(
    world: World, personas: Personas, figures: dict[str, ProxyFigure]
) -> None:
    a1 = figures["a1"]
    for persona in (personas.reporter, personas.park_user, personas.province_viewer):
        client = token_client(persona)
        assert client.post(URL, body(world, enterprise=world.ent_a1.pk)).status_code == 403
        assert client.patch(f"{URL}{a1.pk}/", {"value": "1"}).status_code == 403
    assert ProxyFigure.objects.get(pk=a1.pk).value == Decimal("12.5")


def test_the_outsider_can_neither_see_nor_write_zone_a(
    world: World, personas: Personas, figures: dict[str, ProxyFigure]
) -> None:
    client = token_client(personas.statistician_b)
    a1 = figures["a1"]
    assert client.get(f"{URL}{a1.pk}/").status_code == 404
    assert client.patch(f"{URL}{a1.pk}/", {"value": "1"}, format="json").status_code == 404
    created = client.post(URL, body(world, enterprise=world.ent_a1.pk), format="json")
    assert created.status_code == 400
    assert set(created.json()) == {"enterprise"}
    assert ProxyFigure.objects.count() == 3
    assert client.delete(f"{URL}{a1.pk}/").status_code == 405


def test_the_figures_are_in_the_openapi_schema(personas: Personas) -> None:
    client = token_client(personas.statistician)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operations = schema["paths"][URL]
    assert set(operations) == {"get", "post"}
    assert operations["get"]["tags"] == ["statistics"]
    assert set(schema["paths"][f"{URL}{{id}}/"]) == {"get", "put", "patch"}
    kinds = schema["components"]["schemas"]["ProxyKindEnum"]["enum"]
    assert kinds == [ProxyKind.TAX, ProxyKind.ELECTRICITY]
