"""The leads' API: leads, follow-ups, drop, reopen, conversion and the funnel through the same
services; contacts null beyond the zone; refusals are 400, 403 or 404 and write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from kaifaqu.conftest import Personas, World
from kaifaqu.projects.models import Lead, LeadStatus, Project

pytestmark = pytest.mark.django_db
LEADS = "/api/project-leads/"
FOLLOW_UPS = "/api/project-lead-follow-ups/"
FUNNEL = "/api/project-lead-funnel/"


def api(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)  # type: ignore[arg-type]
    return client


def new_lead(client: APIClient, world: World, **more: Any) -> Any:
    return client.post(
        LEADS,
        {
            "zone": world.zone_a.pk,
            "park": world.park_a1.pk,
            "title": "年产5万吨负极材料项目",
            "investor": "某新能源科技有限公司",
            "source": "fair",
            "contact_person": "王经理",
            "contact_phone": "13800001234",
            "industry": "3011",
            "expected_investment": "30000",
            "received_on": "2025-01-06",
            **more,
        },
        format="json",
    )


def test_a_lead_from_registration_to_project_through_the_api(
    world: World, personas: Personas
) -> None:
    zone = api(personas.zone_admin)
    created = new_lead(zone, world)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["contact_phone"] == "13800001234"
    followed = zone.post(
        FOLLOW_UPS,
        {"lead": pk, "on": "2025-01-20", "method": "visit", "content": "走访"},
        format="json",
    )
    assert followed.status_code == 201, followed.content
    too_early = zone.post(
        FOLLOW_UPS,
        {"lead": pk, "on": "2025-01-01", "method": "call", "content": "早于线索"},
        format="json",
    )
    assert too_early.status_code == 400 and "on" in too_early.json()
    listed = zone.get(f"{LEADS}{pk}/follow-ups/").json()
    assert [row["content"] for row in listed] == ["走访"]
    assert zone.get(LEADS).json()["results"][0]["last_follow_up_on"] == "2025-01-20"

    signing = zone.post(
        f"{LEADS}{pk}/convert/", {"on": "2025-02-03", "stage": "signed"}, format="json"
    )
    assert signing.status_code == 400 and "signed_investment" in signing.json()
    converted = zone.post(f"{LEADS}{pk}/convert/", {"on": "2025-02-03"}, format="json")
    assert converted.status_code == 201, converted.content
    project = converted.json()
    assert (project["stage"], project["stage_since"]) == ("negotiating", "2025-02-03")
    assert [(c["to_stage"], c["on"]) for c in project["stage_changes"]] == [
        ("lead", "2025-01-06"),
        ("negotiating", "2025-02-03"),
    ]
    again = zone.post(f"{LEADS}{pk}/convert/", {"on": "2025-02-04"}, format="json")
    assert again.status_code == 400
    assert Project.objects.filter(lead__isnull=False).count() == 1
    assert zone.get(f"{LEADS}{pk}/").json()["status"] == "converted"


def test_drop_and_reopen_through_the_api(world: World, personas: Personas) -> None:
    zone = api(personas.zone_admin)
    pk = new_lead(zone, world).json()["id"]
    no_reason = zone.post(f"{LEADS}{pk}/drop/", {"on": "2025-02-01"}, format="json")
    assert no_reason.status_code == 400
    other = zone.post(f"{LEADS}{pk}/drop/", {"on": "2025-02-01", "reason": "other"}, format="json")
    assert other.status_code == 400 and "note" in other.json()
    dropped = zone.post(
        f"{LEADS}{pk}/drop/", {"on": "2025-02-01", "reason": "policy"}, format="json"
    )
    assert dropped.json()["status"] == "dropped"
    assert (
        zone.post(f"{LEADS}{pk}/convert/", {"on": "2025-02-03"}, format="json").status_code == 400
    )
    assert zone.post(f"{LEADS}{pk}/reopen/").json()["status"] == "open"


def test_personas_outside_see_no_contact_and_change_nothing(
    world: World, personas: Personas
) -> None:
    pk = new_lead(api(personas.zone_admin), world).json()["id"]
    province = api(personas.province_viewer)
    seen = province.get(f"{LEADS}{pk}/").json()
    assert seen["title"] == "年产5万吨负极材料项目"
    assert (seen["contact_person"], seen["contact_phone"], seen["contact_email"]) == (
        None,
        None,
        None,
    )
    assert "13800001234" not in province.get(LEADS).content.decode()
    assert (
        province.post(f"{LEADS}{pk}/drop/", {"on": "2025-02-01", "reason": "policy"}).status_code
        == 403
    )
    for persona in ("outsider", "reporter"):
        client = api(getattr(personas, persona))
        assert client.get(f"{LEADS}{pk}/").status_code == 404
        assert client.get(LEADS).json()["results"] == []
        assert client.get(FOLLOW_UPS).json()["results"] == []
    outsider = api(personas.outsider)
    assert outsider.post(f"{LEADS}{pk}/convert/", {"on": "2025-02-03"}).status_code == 404
    foreign = outsider.post(
        FOLLOW_UPS,
        {"lead": pk, "on": "2025-01-20", "method": "call", "content": "x"},
        format="json",
    )
    assert foreign.status_code == 400  # a lead outside the scope does not exist for it
    into_other_zone = new_lead(outsider, world)
    assert into_other_zone.status_code == 400
    assert Lead.objects.get(pk=pk).status == LeadStatus.OPEN and Lead.objects.count() == 1


def test_the_funnel_through_the_api(world: World, personas: Personas) -> None:
    zone = api(personas.zone_admin)
    pk = new_lead(zone, world).json()["id"]
    zone.post(f"{LEADS}{pk}/convert/", {"on": "2025-02-03"}, format="json")
    new_lead(zone, world, title="第二条线索", source="online")
    funnel = zone.get(FUNNEL, {"start": "2025-01-01", "end": "2025-12-31"}).json()
    # 2 received, 1 converted: 1/2 = 50.0 %.
    assert [step["count"] for step in funnel["total"]["steps"]] == [2, 1, 0, 0, 0]
    assert funnel["total"]["steps"][1]["step_rate"] == "50.0"
    assert funnel["total"]["conversion_rate"] == "50.0"
    assert {row["key"] for row in funnel["by_source"]} == {"fair", "online"}
    assert (
        api(personas.outsider)
        .get(FUNNEL, {"start": "2025-01-01"})
        .json()["total"]["steps"][0]["count"]
        == 0
    )
