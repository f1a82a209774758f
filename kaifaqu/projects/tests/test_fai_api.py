"""The database's API: registration, reports, eligible projects, zone totals; refusals are 400
or 403 and write nothing; other zones' users see nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from kaifaqu.conftest import Personas, World
from kaifaqu.projects.models import FaiRegistration, FaiReport, Project, Stage
from kaifaqu.projects.services import project_create

pytestmark = pytest.mark.django_db
URL = "/api/fai-registrations/"


def api(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def project(world: World) -> Project:
    return project_create(
        by=None,
        data={
            "name": "接口项目",
            "zone": world.zone_a,
            "park": world.park_a1,
            "total_investment": Decimal("1000"),
            "planned_investment": Decimal("1000"),
        },
        stage=Stage.STARTED,
        stage_on=date(2025, 1, 6),
    )


def test_registration_and_reports_through_the_api(
    world: World, personas: Personas, project: Project
) -> None:
    zone = api(personas.zone_admin)
    eligible = zone.get(f"{URL}eligible/").json()
    assert [row["name"] for row in eligible] == ["接口项目"]
    assert (
        api(personas.outsider)
        .post(URL, {"project": project.pk, "registered_on": "2025-01-10"}, format="json")
        .status_code
        == 400
    )  # the project is not one the outsider can name
    created = zone.post(URL, {"project": project.pk, "registered_on": "2025-01-10"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    again = zone.post(URL, {"project": project.pk, "registered_on": "2025-01-10"}, format="json")
    assert again.status_code == 400
    first = zone.post(
        f"{URL}{pk}/reports/", {"month": "2025-01", "month_amount": "300"}, format="json"
    )
    assert first.status_code == 201, first.content
    assert Decimal(first.json()["cumulative"]) == Decimal("300")
    wrong = zone.post(
        f"{URL}{pk}/reports/",
        {"month": "2025-02", "month_amount": "100", "cumulative": "500"},
        format="json",
    )
    assert wrong.status_code == 400
    above = zone.post(
        f"{URL}{pk}/reports/", {"month": "2025-02", "month_amount": "800"}, format="json"
    )
    assert above.status_code == 400 and "above_plan_note" in above.json()
    assert FaiReport.objects.count() == 1
    listed = zone.get(URL, {"month": "2025-01"}).json()["results"]
    assert listed[0]["reported"] and Decimal(listed[0]["cumulative"]) == Decimal("300")
    totals = zone.get("/api/fai-totals/", {"month": "2025-01"}).json()
    assert Decimal(totals["ytd_value"]) == Decimal("300") and totals["projects"] == 1
    assert zone.patch(f"{URL}{pk}/", {"stats_code": "S-1"}, format="json").status_code == 200
    assert FaiRegistration.objects.get().stats_code == "S-1"


def test_others_see_nothing_and_may_not_write(
    world: World, personas: Personas, project: Project
) -> None:
    api(personas.zone_admin).post(
        URL, {"project": project.pk, "registered_on": "2025-01-10"}, format="json"
    )
    pk = FaiRegistration.objects.get().pk
    outsider = api(personas.outsider)
    assert outsider.get(URL).json()["results"] == []
    assert outsider.get(f"{URL}{pk}/reports/").status_code == 404
    assert outsider.get("/api/fai-totals/", {"zone": world.zone_a.pk}).status_code == 404
    # The database is the zone's work, as on its pages: an enterprise is refused, not shown
    # its own project's registration.
    reporter = api(personas.reporter)
    assert reporter.get(URL).status_code == 403
    assert reporter.get("/api/fai-totals/").status_code == 403
    viewer = api(personas.province_viewer)
    assert viewer.get(URL).json()["results"][0]["id"] == pk
    denied = viewer.post(
        f"{URL}{pk}/reports/", {"month": "2025-01", "month_amount": "1"}, format="json"
    )
    assert denied.status_code == 403
    assert not FaiReport.objects.exists()
