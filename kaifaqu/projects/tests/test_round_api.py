"""The rounds' API: the province opens a round, a zone picks through it, the summary reads as on
the page; refusals are 400 or 403 and write nothing."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kaifaqu.conftest import Personas, World
from kaifaqu.projects.models import Round, RoundEntry

pytestmark = pytest.mark.django_db
ROUNDS = "/api/project-rounds/"


def api(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)  # type: ignore[arg-type]
    return client


def test_a_round_through_the_api(world: World, personas: Personas) -> None:
    data = {
        "province": "140000",
        "year": 2025,
        "number": 1,
        "window_start": "2025-01-01",
        "held_on": "2025-02-18",
    }
    assert api(personas.zone_admin).post(ROUNDS, data, format="json").status_code == 403
    created = api(personas.province_viewer).post(ROUNDS, data, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    zone = api(personas.zone_admin)
    added = zone.post(
        f"{ROUNDS}{pk}/entries/",
        {"list": "signed", "project": world.project_a1.pk, "expected_annual_output": "9000"},
        format="json",
    )
    assert added.status_code == 201, added.content
    assert added.json()["amount"] == "45000.0000"
    # Another zone's project, and an ineligible list: refused, nothing written.
    other = zone.post(
        f"{ROUNDS}{pk}/entries/", {"list": "signed", "project": world.project_b.pk}, format="json"
    )
    assert other.status_code == 400
    wrong = zone.post(
        f"{ROUNDS}{pk}/entries/", {"list": "started", "project": world.project_a2.pk}, format="json"
    )
    assert wrong.status_code == 400 and "project" in wrong.json()
    assert RoundEntry.objects.count() == 1
    summary = api(personas.province_viewer).get(f"{ROUNDS}{pk}/summary/").json()
    assert summary[0]["level"] == "province" and summary[0]["lists"][0]["count"] == 1
    assert summary[0]["lists"][0]["amount_yi"] == "4.50"
    assert api(personas.outsider).get(f"{ROUNDS}{pk}/entries/").json() == []
    assert api(personas.reporter).get(f"{ROUNDS}{pk}/").status_code == 404
    closed = api(personas.province_viewer).post(f"{ROUNDS}{pk}/close/")
    assert closed.json()["status"] == "closed"
    entry = RoundEntry.objects.get()
    assert (
        zone.post(f"{ROUNDS}{pk}/remove-entry/", {"entry": entry.pk}, format="json").status_code
        == 400
    )
    api(personas.province_viewer).post(f"{ROUNDS}{pk}/reopen/")
    assert (
        zone.post(f"{ROUNDS}{pk}/remove-entry/", {"entry": entry.pk}, format="json").status_code
        == 204
    )
    assert Round.objects.get().entries.count() == 0
