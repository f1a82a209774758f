"""The industry picker's search: 4-digit classes by code prefix or part of the name, 20 at most."""

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas

SEARCH = reverse("enterprises:industry-search")


def codes(client: Client, query: str) -> list[str]:
    body = client.get(SEARCH, {"q": query}).content.decode()
    return [part.split('"')[0] for part in body.split('data-industry-code="')[1:]]


@pytest.mark.django_db
def test_it_finds_3011_by_code_and_by_part_of_its_name(client: Client, personas: Personas) -> None:
    client.force_login(personas.zone_admin)
    assert codes(client, "3011") == ["3011"]
    assert codes(client, "301") == ["3011", "3012"]
    assert "3011" in codes(client, "水泥制")
    # What the picker shows once a class is chosen finds that class again.
    assert codes(client, "3011 水泥制造") == ["3011"]


@pytest.mark.django_db
def test_it_offers_classes_only_and_at_most_twenty(client: Client, personas: Personas) -> None:
    client.force_login(personas.zone_admin)
    # Division 30 has 30-odd classes; its heading (30) and groups (301…) are never offered.
    found = codes(client, "30")
    assert len(found) == 20
    assert all(len(code) == 4 and code.startswith("30") for code in found)
    assert codes(client, "") == []
    assert codes(client, "不存在的行业") == []


@pytest.mark.django_db
def test_it_needs_a_signed_in_user(client: Client) -> None:
    response = client.get(SEARCH, {"q": "3011"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
