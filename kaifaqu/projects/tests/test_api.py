"""/api/projects/: scoping, writes through the services, stage moves only through advance."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.projects.models import Project, Stage, StageChange
from kaifaqu.projects.services import project_create

pytestmark = pytest.mark.django_db

LIST = "/api/projects/"


def detail(project: Project) -> str:
    return f"/api/projects/{project.pk}/"


def advance(project: Project) -> str:
    return f"/api/projects/{project.pk}/advance/"


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def new_project(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "甲三储能电池项目",
        "zone": world.zone_a.pk,
        "park": world.park_a2.pk,
        "investor": "国润储能",
        "industry": "3841",
        "total_investment": "20000.5",
        "signed_investment": "18000",
        "land_mu": "150",
        "expected_annual_output": "60000",
        "expected_annual_tax": "3000",
        "expected_jobs": 300,
        **overrides,
    }


# Reading, scoped by for_user


def test_it_lists_and_retrieves_projects_with_money_as_decimal_strings(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin)
    assert names(client.get(LIST)) == {"甲一扩建项目", "甲二新建项目"}
    row = client.get(detail(world.project_a1)).json()
    assert row["total_investment"] == "45000.0000"
    assert row["signed_investment"] == "45000.0000"
    assert row["planned_investment"] == "45000.0000"
    assert row["stage"] == "signed"
    assert row["stage_since"] == "2025-01-10"
    assert row["zone"] == world.zone_a.pk
    assert row["park"] == world.park_a1.pk
    assert row["enterprise"] == world.ent_a1.pk
    assert row["industry"] is None
    assert row["industry_name"] is None
    assert row["stage_changes"] == [
        {"from_stage": "", "to_stage": "signed", "on": "2025-01-10", "note": ""}
    ]


def test_the_outsider_sees_no_project_of_zone_a(world: World, personas: Personas) -> None:
    client = token_client(personas.outsider)
    assert names(client.get(LIST)) == {"乙储能项目"}
    assert client.get(detail(world.project_a1)).status_code == 404
    assert (
        client.post(
            advance(world.project_a1), {"to_stage": "started", "on": "2025-02-01"}
        ).status_code
        == 404
    )
    world.project_a1.refresh_from_db()
    assert world.project_a1.stage == Stage.SIGNED


def test_the_park_user_sees_only_the_projects_of_its_park(world: World, personas: Personas) -> None:
    client = token_client(personas.park_user)
    assert names(client.get(LIST)) == {"甲一扩建项目"}
    assert client.get(detail(world.project_a2)).status_code == 404


def test_the_reporter_and_the_provincial_viewer_read_but_cannot_write(
    world: World, personas: Personas
) -> None:
    reporter = token_client(personas.reporter)
    assert names(reporter.get(LIST)) == {"甲一扩建项目"}
    viewer = token_client(personas.province_viewer)
    assert names(viewer.get(LIST)) == {"甲一扩建项目", "甲二新建项目", "乙储能项目"}
    assert viewer.get(detail(world.project_c)).status_code == 404
    for client in (reporter, viewer):
        assert client.post(LIST, new_project(world), format="json").status_code == 403
        assert (
            client.patch(detail(world.project_a1), {"investor": "x"}, format="json").status_code
            == 403
        )
        assert (
            client.post(
                advance(world.project_a1), {"to_stage": "started", "on": "2025-02-01"}
            ).status_code
            == 403
        )
    assert not Project.objects.filter(name="甲三储能电池项目").exists()
    world.project_a1.refresh_from_db()
    assert (world.project_a1.investor, world.project_a1.stage) == ("", Stage.SIGNED)


# Filters, ordering, pagination


def test_it_filters_orders_and_pages(world: World, personas: Personas) -> None:
    # The provincial office sees the projects of 山西's zones 甲 and 乙, not 丙's of 河北.
    client = token_client(personas.province_viewer)
    assert names(client.get(LIST, {"zone": world.zone_a.pk})) == {"甲一扩建项目", "甲二新建项目"}
    assert names(client.get(LIST, {"min_investment": "5000"})) == {"甲一扩建项目", "乙储能项目"}
    assert names(client.get(LIST, {"stage": ["lead", "negotiating"]})) == set()
    assert len(names(client.get(LIST, {"stage": ["signed", "lead"]}))) == 3
    assert names(client.get(LIST, {"search": "储能"})) == {"乙储能项目"}
    assert names(client.get(LIST, {"search": "物流"})) == set()

    by_investment = client.get(LIST, {"ordering": "-total_investment", "page_size": "2"}).json()
    assert [row["name"] for row in by_investment["results"]] == ["甲一扩建项目", "乙储能项目"]
    assert by_investment["count"] == 3
    second = client.get(by_investment["next"]).json()
    assert [row["name"] for row in second["results"]] == ["甲二新建项目"]
    assert second["next"] is None


def test_the_project_list_does_not_grow_queries_with_rows(
    world: World, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        project_create(
            by=None,
            data={
                "name": f"甲批量项目{number}",
                "zone": world.zone_a,
                "park": world.park_a1,
                "total_investment": Decimal("100"),
                "signed_investment": Decimal("100"),
            },
            stage=Stage.SIGNED,
            stage_on=date(2025, 1, 5),
        )
    client = token_client(personas.zone_admin)
    # the token with its user, whether its account is locked, the token's time of use (at most
    # once a minute), the user's zone, the count, the page, the stage changes
    with django_assert_max_num_queries(7):
        response = client.get(LIST)
    assert response.json()["count"] == 32
    assert all(len(row["stage_changes"]) == 1 for row in response.json()["results"])


# Writes


def test_an_investment_officer_registers_a_project_in_a_given_stage(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin)
    response = client.post(
        LIST, new_project(world, stage="signed", stage_since="2025-03-01"), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total_investment"] == "20000.5000"
    assert body["stage"] == "signed"
    assert body["stage_changes"] == [
        {"from_stage": "", "to_stage": "signed", "on": "2025-03-01", "note": ""}
    ]
    project = Project.objects.get(pk=body["id"])
    assert project.total_investment == Decimal("20000.5")
    assert project.industry_id == "3841"
    assert project.stage_since == date(2025, 3, 1)


def test_a_new_project_starts_as_a_lead_today_by_default(world: World, personas: Personas) -> None:
    response = token_client(personas.zone_admin).post(LIST, new_project(world), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["stage"] == "lead"
    assert response.json()["stage_since"] == timezone.localdate().isoformat()


def test_it_rejects_a_project_in_a_foreign_zone_and_writes_nothing(
    world: World, personas: Personas
) -> None:
    response = token_client(personas.zone_admin).post(
        LIST,
        new_project(world, zone=world.zone_b.pk, park=None, enterprise=world.ent_b.pk),
        format="json",
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["zone"][0]
    assert "does not exist" in response.json()["enterprise"][0]
    assert not Project.objects.filter(name="甲三储能电池项目").exists()
    assert not StageChange.objects.filter(project__name="甲三储能电池项目").exists()


def test_it_reports_mismatched_park_and_enterprise_on_their_fields(
    world: World, personas: Personas
) -> None:
    # Whoever registers projects sees one zone's parks and firms: another zone's are refused on
    # their fields without being named.
    response = token_client(personas.zone_admin).post(
        LIST, new_project(world, park=world.park_b.pk, enterprise=world.ent_b.pk), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"park", "enterprise"}
    assert "乙" not in response.content.decode()
    # Behind the scoped choices the record itself refuses the mismatch, field by field (a job of
    # the platform, by=None, sees every zone).
    with pytest.raises(ValidationError) as refused:
        project_create(
            by=None,
            data={
                "name": "甲三储能电池项目",
                "zone": world.zone_a,
                "park": world.park_b,
                "enterprise": world.ent_b,
                "total_investment": Decimal("1"),
            },
        )
    assert refused.value.message_dict == {
        "park": ["The park 乙园 is not in the zone 甲开发区."],
        "enterprise": ["The enterprise is registered in another zone."],
    }
    assert not Project.objects.filter(name="甲三储能电池项目").exists()


def test_it_rejects_negative_money_and_a_non_class_industry(
    world: World, personas: Personas
) -> None:
    response = token_client(personas.zone_admin).post(
        LIST, new_project(world, total_investment="-1", industry="38"), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"total_investment", "industry"}
    assert "broader heading" in response.json()["industry"][0]


def test_it_updates_with_put_and_patch_but_not_the_stage(world: World, personas: Personas) -> None:
    client = token_client(personas.zone_admin)
    url = detail(world.project_a2)
    full = {**client.get(url).json(), "investor": "某集团", "signed_investment": "2800"}
    assert client.put(url, full, format="json").status_code == 200
    assert client.patch(url, {"expected_jobs": 120}, format="json").status_code == 200

    moved = client.patch(url, {"stage": "commissioned", "expected_jobs": 5}, format="json")
    assert moved.status_code == 400
    assert moved.json() == {"stage": ["A project changes stage only through its advance action."]}

    world.project_a2.refresh_from_db()
    assert world.project_a2.investor == "某集团"
    assert world.project_a2.signed_investment == Decimal("2800")
    assert world.project_a2.expected_jobs == 120
    assert world.project_a2.stage == Stage.SIGNED


def test_it_advances_a_project_and_returns_it_with_its_history(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin, remote_addr="10.9.8.7")
    response = client.post(
        advance(world.project_a1),
        {"to_stage": "started", "on": "2025-04-15", "note": "从立项到落地仅用了三个月"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stage"], body["stage_since"]) == ("started", "2025-04-15")
    assert body["stage_changes"][-1] == {
        "from_stage": "signed",
        "to_stage": "started",
        "on": "2025-04-15",
        "note": "从立项到落地仅用了三个月",
    }
    world.project_a1.refresh_from_db()
    assert world.project_a1.stage == Stage.STARTED
    # Stalling needs its reason, and the error says which field.
    refused = client.post(
        advance(world.project_a1), {"to_stage": "stalled", "on": "2025-04-20"}, format="json"
    )
    assert refused.status_code == 400 and "note" in refused.json()
    # A figure the stage needs comes with the move.
    client.post(
        advance(world.project_a1),
        {"to_stage": "commissioned", "on": "2025-05-01", "total_investment": "46000"},
        format="json",
    )
    world.project_a1.refresh_from_db()
    assert (world.project_a1.stage, world.project_a1.total_investment) == (
        Stage.COMMISSIONED,
        Decimal("46000"),
    )

    entry = LogEntry.objects.get_for_object(world.project_a1).latest("timestamp")
    assert entry.actor == personas.zone_admin
    assert entry.remote_addr == "10.9.8.7"


def test_it_rejects_moving_a_project_backwards_or_into_the_future(
    world: World, personas: Personas
) -> None:
    client = token_client(personas.zone_admin)
    backwards = client.post(
        advance(world.project_a1), {"to_stage": "negotiating", "on": "2025-02-01"}, format="json"
    )
    assert backwards.status_code == 400
    assert backwards.json() == {
        "to_stage": ["A project cannot move from Signed (签约) to Negotiating (洽谈)."]
    }
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    later = client.post(advance(world.project_a1), {"to_stage": "started", "on": future})
    assert later.status_code == 400
    assert later.json() == {"on": ["A stage change cannot be dated in the future."]}
    unknown = client.post(advance(world.project_a1), {"to_stage": "done", "on": "2025-02-01"})
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["to_stage"]

    world.project_a1.refresh_from_db()
    assert world.project_a1.stage == Stage.SIGNED
    assert world.project_a1.stage_changes.count() == 1


def test_every_api_write_is_audited_with_the_token_user(world: World, personas: Personas) -> None:
    client = token_client(personas.zone_admin, remote_addr="10.1.2.3")
    created = client.post(LIST, new_project(world), format="json").json()
    client.patch(f"{LIST}{created['id']}/", {"capacity": "2GWh"}, format="json")
    client.post(
        f"{LIST}{created['id']}/advance/",
        {"to_stage": "negotiating", "on": timezone.localdate().isoformat()},
        format="json",
    )
    project = Project.objects.get(pk=created["id"])
    entries = LogEntry.objects.get_for_object(project)
    assert entries.count() == 3
    assert {entry.actor for entry in entries} == {personas.zone_admin}
    assert {entry.remote_addr for entry in entries} == {"10.1.2.3"}
    changes = LogEntry.objects.filter(
        content_type__model="stagechange",
        object_pk__in=[str(pk) for pk in project.stage_changes.values_list("pk", flat=True)],
    )
    assert changes.count() == 2
    assert {entry.actor for entry in changes} == {personas.zone_admin}


def test_a_stage_date_is_corrected_through_the_api(world: World, personas: Personas) -> None:
    client = token_client(personas.zone_admin)
    signed = world.project_a1.stage_changes.get()
    url = f"/api/projects/{world.project_a1.pk}/correct-stage-change/"
    response = client.post(
        url, {"change": signed.pk, "on": "2025-01-09", "reason": "合同落款日"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage_since"] == "2025-01-09"
    # A change of another project is refused, as is another zone's administrator.
    other = world.project_a2.stage_changes.get()
    wrong = client.post(url, {"change": other.pk, "on": "2025-01-09", "reason": "x"}, format="json")
    assert wrong.status_code == 400
    outsider = token_client(personas.outsider)
    payload = {"change": signed.pk, "on": "2025-01-08", "reason": "x"}
    assert outsider.post(url, payload, format="json").status_code == 404
