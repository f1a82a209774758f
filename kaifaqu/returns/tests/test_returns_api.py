"""The returns API: the same rules and scoping as the services, through HTTP."""

from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.returns.models import Return, ReturnSource, ReturnStatus, ReviewDecision
from kaifaqu.returns.tests.helpers import month, stored_return

pytestmark = pytest.mark.django_db

DRAFT = {
    "period": "2025-03",
    "gross_output": "100",
    "sales_output": "95.5",
    "employees": 40,
}


def create(personas: Personas, world: World, **extra: Any) -> Any:
    body = {"enterprise": world.ent_a1.pk, **DRAFT, **extra}
    return token_client(personas.reporter).post("/api/returns/", body, format="json")


def test_a_reporter_creates_and_updates_its_draft(personas: Personas, world: World) -> None:
    response = create(personas, world)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["period"], body["status"], body["gross_output"], body["source"]) == (
        "2025-03",
        "draft",
        "100.0000",
        "api",
    )
    client = token_client(personas.reporter)
    patched = client.patch(
        f"/api/returns/{body['id']}/", {"revenue": "88", "period": "2025年3月"}, format="json"
    )
    assert patched.status_code == 200, patched.json()
    record = Return.objects.get()
    assert (record.revenue, record.gross_output, record.source) == (
        Decimal("88"),
        Decimal("100"),
        ReturnSource.API,
    )


def test_a_return_cannot_move_to_another_month(personas: Personas, world: World) -> None:
    body = create(personas, world).json()
    moved = token_client(personas.reporter).patch(
        f"/api/returns/{body['id']}/", {"period": "2025-04"}, format="json"
    )
    assert moved.status_code == 400
    assert set(moved.json()) == {"period"}


def test_a_malformed_month_is_a_clear_400(personas: Personas, world: World) -> None:
    response = create(personas, world, period="March")
    assert response.status_code == 400
    assert response.json() == {"period": ['"March" is not a month; write it as 2025-03.']}


def test_a_reporter_cannot_write_another_enterprises_return(
    personas: Personas, world: World
) -> None:
    response = token_client(personas.reporter).post(
        "/api/returns/", {"enterprise": world.ent_a2.pk, **DRAFT}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"enterprise"}
    assert not Return.objects.exists()


def test_a_reporter_cannot_read_or_change_another_enterprises_return(
    personas: Personas, world: World
) -> None:
    other = stored_return(world.ent_a2, month(2025, 3), status=ReturnStatus.DRAFT)
    client = token_client(personas.reporter)
    assert client.get(f"/api/returns/{other.pk}/").status_code == 404
    assert client.patch(f"/api/returns/{other.pk}/", {"revenue": "1"}).status_code == 404
    assert client.post(f"/api/returns/{other.pk}/submit/").status_code == 404
    assert client.get("/api/returns/").json()["count"] == 0


def test_the_outsider_sees_none_of_zone_a(personas: Personas, world: World) -> None:
    record = stored_return(world.ent_a1, month(2025, 3))
    stored_return(world.ent_b, month(2025, 3))
    client = token_client(personas.statistician_b)
    listed = client.get("/api/returns/").json()
    assert [r["enterprise"] for r in listed["results"]] == [world.ent_b.pk]
    assert client.get(f"/api/returns/{record.pk}/").status_code == 404
    assert client.post(f"/api/returns/{record.pk}/accept/", {}).status_code == 404
    assert client.get("/api/returns/", {"enterprise": world.ent_a1.pk}).status_code == 400


def test_the_list_filters_by_month_status_and_park(personas: Personas, world: World) -> None:
    stored_return(world.ent_a1, month(2025, 2), status=ReturnStatus.ACCEPTED)
    march_a1 = stored_return(world.ent_a1, month(2025, 3))
    march_a2 = stored_return(world.ent_a2, month(2025, 3))
    client = token_client(personas.statistician)

    def ids(**query: Any) -> set[int]:
        response = client.get("/api/returns/", query)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids(period="2025-03") == {march_a1.pk, march_a2.pk}
    assert ids(period="202503", park=world.park_a2.pk) == {march_a2.pk}
    assert len(ids(status="accepted")) == 1
    assert client.get("/api/returns/", {"period": "soon"}).status_code == 400


def test_submit_send_back_resubmit_accept(personas: Personas, world: World) -> None:
    stored_return(world.ent_a1, month(2025, 2), gross_output="100")
    reporter, statistician = token_client(personas.reporter), token_client(personas.statistician)
    record_id = create(personas, world, gross_output="151", sales_output="150").json()["id"]

    submitted = reporter.post(f"/api/returns/{record_id}/submit/")
    assert submitted.status_code == 200, submitted.json()
    body = submitted.json()
    assert body["status"] == "submitted"
    assert [(f["rule"], f["field"]) for f in body["findings"]] == [
        ("month_on_month_swing", "gross_output")
    ]
    assert body["findings"][0]["message"] == (
        "gross industrial output at current prices (万元) changed by 51% from last month "
        "(100.00 万元 to 151.00 万元), beyond ±50%."
    )
    assert reporter.patch(f"/api/returns/{record_id}/", {"revenue": "1"}).status_code == 400

    assert reporter.post(f"/api/returns/{record_id}/accept/", {}).status_code == 403
    assert statistician.post(f"/api/returns/{record_id}/send-back/", {}).status_code == 400
    sent_back = statistician.post(
        f"/api/returns/{record_id}/send-back/", {"comment": "请说明产值增长原因"}
    )
    assert sent_back.json()["status"] == "returned"
    seen = reporter.get(f"/api/returns/{record_id}/").json()
    assert [(d["kind"], d["comment"], d["by"]) for d in seen["decisions"]] == [
        ("sent_back", "请说明产值增长原因", "statistician")
    ]

    reporter.patch(f"/api/returns/{record_id}/", {"explanation": "新产线投产"}, format="json")
    assert reporter.post(f"/api/returns/{record_id}/submit/").status_code == 200
    accepted = statistician.post(f"/api/returns/{record_id}/accept/", {"comment": "同意"})
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    for decision in ReviewDecision.objects.all():
        assert LogEntry.objects.get_for_object(decision).get().actor == personas.statistician


def test_accepting_an_unexplained_warning_is_refused(personas: Personas, world: World) -> None:
    stored_return(world.ent_a1, month(2025, 2), gross_output="100")
    record_id = create(personas, world, gross_output="151", sales_output="150").json()["id"]
    token_client(personas.reporter).post(f"/api/returns/{record_id}/submit/")
    refused = token_client(personas.statistician).post(f"/api/returns/{record_id}/accept/", {})
    assert refused.status_code == 400
    assert set(refused.json()) == {"explanation"}
    assert Return.objects.get(pk=record_id).status == ReturnStatus.SUBMITTED


def test_a_hard_rule_refuses_submission_with_its_message(personas: Personas, world: World) -> None:
    record_id = create(personas, world, gross_output="100", sales_output="121").json()["id"]
    refused = token_client(personas.reporter).post(f"/api/returns/{record_id}/submit/")
    assert refused.status_code == 400
    assert refused.json() == {
        "sales_output": [
            "Industrial sales output 121.00 万元 is more than 1.2 times gross industrial output "
            "100.00 万元."
        ]
    }


def test_review_decisions_are_listed_within_scope(personas: Personas, world: World) -> None:
    record_id = create(personas, world).json()["id"]
    token_client(personas.reporter).post(f"/api/returns/{record_id}/submit/")
    token_client(personas.statistician).post(f"/api/returns/{record_id}/accept/", {})
    mine = token_client(personas.reporter).get("/api/review-decisions/").json()
    assert [(d["return_record"], d["kind"]) for d in mine["results"]] == [(record_id, "accepted")]
    assert token_client(personas.statistician_b).get("/api/review-decisions/").json()["count"] == 0
    assert token_client(personas.statistician).post("/api/review-decisions/", {}).status_code == 405
