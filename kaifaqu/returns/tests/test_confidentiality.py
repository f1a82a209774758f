"""统计法: a respondent's own figures — its returns on every page, export, download and API call —
are for the statistics office of its zone (the statistician; the system administrator, for
support) and the enterprise itself. Everyone else, the zone's leadership and administrator
included, is refused and sees no figure; they read aggregates on the indicator pages."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.returns.models import ProxyFigure, Return, ReturnStatus
from kaifaqu.returns.tests.helpers import stored_return
from kaifaqu.returns.tests.proxy_helpers import stored_tax

pytestmark = pytest.mark.django_db
# A figure no other number on the pages shares: whoever sees it saw the firm's return.
FIGURE = "7654.3210"


@pytest.fixture
def record(world: World) -> Return:
    return stored_return(
        world.ent_a1,
        date(2025, 3, 1),
        status=ReturnStatus.SUBMITTED,
        gross_output=Decimal(FIGURE),
    )


def pages(record: Return) -> list[str]:
    return [
        reverse("returns:return-list"),
        reverse("returns:return-list") + f"?park={record.enterprise.park_id}",
        reverse("returns:return-export"),
        reverse("returns:return-detail", args=[record.pk]),
        reverse("returns:return-history", args=[record.pk]),
        reverse("returns:return-document", args=[record.pk]),
        reverse("returns:review-queue"),
        reverse("returns:return-import"),
    ]


def refused_personas(personas: Personas) -> list:  # type: ignore[type-arg]
    # The zone's administrator, a park's service centre, the provincial office, another zone's
    # administrator and the three administrators of the platform (三员分立: none of them sees
    # business data, the system administrator included).
    return [
        personas.zone_admin,
        personas.park_user,
        personas.province_viewer,
        personas.outsider,
        personas.sysadmin,
        personas.secadmin,
        personas.auditor,
    ]


def test_nobody_outside_the_statistics_office_opens_a_return_page(
    client: Client, personas: Personas, record: Return
) -> None:
    for persona in refused_personas(personas):
        client.force_login(persona)
        for url in pages(record):
            response = client.get(url)
            assert response.status_code == 403, (persona.username, url)
            assert FIGURE.encode() not in response.content
            assert b"7,654.32" not in response.content
        decide = reverse("returns:review-decide", args=[record.pk, "accept"])
        assert client.post(decide).status_code == 403
    record.refresh_from_db()
    assert record.status == ReturnStatus.SUBMITTED


def test_nobody_outside_the_statistics_office_reads_a_return_through_the_api(
    personas: Personas, record: Return
) -> None:
    for persona in refused_personas(personas):
        api = token_client(persona)
        for url in (
            "/api/returns/",
            f"/api/returns/{record.pk}/",
            "/api/review-decisions/",
        ):
            response = api.get(url)
            assert response.status_code == 403, (persona.username, url)
            assert FIGURE.encode() not in response.content
        assert api.post(f"/api/returns/{record.pk}/accept/", {}).status_code == 403


def test_the_statistician_and_the_enterprise_itself_see_the_return(
    client: Client, personas: Personas, record: Return
) -> None:
    for persona in (personas.statistician, personas.reporter):
        client.force_login(persona)
        detail = client.get(reverse("returns:return-detail", args=[record.pk]))
        assert detail.status_code == 200, persona.username
        listed = client.get(reverse("returns:return-list"))
        assert listed.status_code == 200
        api = token_client(persona).get(f"/api/returns/{record.pk}/")
        assert api.status_code == 200 and api.json()["gross_output"].startswith("7654.32")


def test_the_menu_leads_the_other_offices_to_their_working_lists_not_to_the_returns(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("returns:return-list")}"' not in home
    assert f'href="{reverse("returns:gap-list")}"' in home
    client.force_login(personas.statistician)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("returns:return-list")}"' in home


def test_the_queryset_itself_gives_nobody_else_a_return_or_a_tax_figure(
    personas: Personas, record: Return, world: World
) -> None:
    # Whatever page, export or job asks: for_user is where rows are chosen (统计法).
    stored_tax(world.ent_a1, Month(2025, 3), "12.5")
    for persona in refused_personas(personas):
        assert not Return.objects.for_user(persona).exists(), persona.username
        assert not ProxyFigure.objects.for_user(persona).exists(), persona.username
    assert list(Return.objects.for_user(personas.statistician)) == [record]
    assert list(Return.objects.for_user(personas.reporter)) == [record]
    assert ProxyFigure.objects.for_user(personas.statistician).count() == 1
    # The firm's own reporter sees its returns, not the other offices' figures on it.
    assert not ProxyFigure.objects.for_user(personas.reporter).exists()
