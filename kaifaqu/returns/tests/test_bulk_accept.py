"""Accepting many returns without findings at once: all or nothing, scoped, audited, marked."""

from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.hooks import on_returns_changed
from kaifaqu.core.permissions import Role
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.returns.models import (
    ChangedMonth,
    ExplanationSource,
    ReportingMonth,
    Return,
    ReturnStatus,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewFinding,
    Severity,
)
from kaifaqu.returns.services import BulkAcceptError, return_accept, returns_bulk_accept
from kaifaqu.returns.tests.helpers import firm, month, stored_return

pytestmark = pytest.mark.django_db

MARCH, APRIL = month(2025, 3), month(2025, 4)
QUEUE = reverse("returns:review-queue")
API = "/api/returns/bulk-accept/"


def bulk(selection: str) -> str:
    return reverse("returns:review-bulk-accept", args=[selection])


def warned(record: Return) -> Return:
    ReviewFinding.objects.create(
        return_record=record, rule="month_on_month_swing", severity=Severity.SOFT, field="revenue"
    )
    return record


@pytest.fixture
def zone_a(world: World) -> dict[str, Return]:
    """Zone 甲: three clean March returns (one in April), one with a warning, one draft."""
    extra = firm(world.zone_a, 11, park=world.park_a1)
    return {
        "a1": stored_return(world.ent_a1, MARCH, gross_output=100),
        "a2": stored_return(world.ent_a2, MARCH, gross_output=200),
        "x": stored_return(extra, MARCH, gross_output=300),
        "x_april": stored_return(extra, APRIL, gross_output=310),
        "warned": warned(stored_return(world.ent_a1, APRIL, gross_output=900)),
        "draft": stored_return(world.ent_a2, APRIL, status=ReturnStatus.DRAFT),
        "b": stored_return(world.ent_b, MARCH, gross_output=70),
    }


def statuses(records: dict[str, Return]) -> dict[str, str]:
    return {key: Return.objects.get(pk=r.pk).status for key, r in records.items()}


def officer(world: World) -> User:
    return user_create(
        username="officer", password=PASSWORD, role=Role.INVESTMENT_OFFICER, scope_zone=world.zone_a
    )


def test_the_chosen_clean_returns_are_accepted_audited_and_their_months_marked(
    personas: Personas, zone_a: dict[str, Return], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The immediate backend (test settings) would roll the marks up at once: no receiver here.
    monkeypatch.setattr(on_returns_changed, "_receivers", [])
    chosen = [zone_a["a1"], zone_a["a2"], zone_a["x_april"]]
    done = returns_bulk_accept(
        by=personas.statistician, return_ids=[r.pk for r in chosen], comment=" 批量通过 "
    )
    assert (done.accepted, done.months) == (3, 2)
    assert [k for k, s in statuses(zone_a).items() if s == ReturnStatus.ACCEPTED] == [
        "a1",
        "a2",
        "x_april",
    ]
    decisions = ReviewDecision.objects.order_by("return_record_id")
    assert [(d.return_record_id, d.kind, d.by, d.comment) for d in decisions] == [
        (r.pk, ReviewDecisionKind.ACCEPTED, personas.statistician, "批量通过")
        for r in sorted(chosen, key=lambda r: r.pk)
    ]
    assert {(m.zone_id, m.period) for m in ChangedMonth.objects.all()} == {
        (zone_a["a1"].enterprise.zone_id, MARCH),
        (zone_a["a1"].enterprise.zone_id, APRIL),
    }
    for record in chosen:
        entry = LogEntry.objects.get_for_object(record).get(action=LogEntry.Action.UPDATE)
        assert entry.actor == personas.statistician
        assert entry.changes_dict == {"status": ["submitted", "accepted"]}
        assert entry.additional_data == {"bulk_accept": 3}
        assert entry.action == LogEntry.Action.UPDATE


def test_one_offending_return_accepts_nothing_and_each_offender_is_listed(
    personas: Personas, zone_a: dict[str, Return]
) -> None:
    before = statuses(zone_a)
    ids = [zone_a[k].pk for k in ("a1", "a2", "warned", "draft", "b")] + [999_999]
    with pytest.raises(BulkAcceptError) as refused:
        returns_bulk_accept(by=personas.statistician, return_ids=ids)
    reasons = {o.return_id: o.reason for o in refused.value.offenders}
    assert reasons == {
        zone_a["warned"].pk: "findings",
        zone_a["draft"].pk: "status",
        zone_a["b"].pk: "unknown",  # another zone's: said as of an unknown id
        999_999: "unknown",
    }
    labels = {o.return_id: o.label for o in refused.value.offenders}
    assert labels[zone_a["warned"].pk] == "甲一水泥有限公司 2025-04"
    # Nothing of another zone's return is told: not even its enterprise.
    assert "乙一储能有限公司" not in str(refused.value.messages)
    assert statuses(zone_a) == before
    assert not ReviewDecision.objects.exists()
    assert not ChangedMonth.objects.exists()


def test_a_filter_accepts_every_clean_return_of_its_month_and_leaves_the_rest(
    personas: Personas, world: World, zone_a: dict[str, Return]
) -> None:
    done = returns_bulk_accept(
        by=personas.statistician, filters={"zone": world.zone_a.pk, "period": "2025-04"}
    )
    assert done.accepted == 1
    assert statuses(zone_a) == {
        "a1": "submitted",
        "a2": "submitted",
        "x": "submitted",
        "x_april": "accepted",
        "warned": "submitted",
        "draft": "draft",
        "b": "submitted",
    }
    done = returns_bulk_accept(by=personas.statistician, filters={"park": world.park_a1.pk})
    # The park's clean March returns: 甲一 and the extra firm (甲二 is in park 二园).
    assert done.accepted == 2
    assert statuses(zone_a)["a2"] == "submitted"


def test_another_zones_statistician_cannot_accept_zone_a_returns(
    personas: Personas, world: World, zone_a: dict[str, Return]
) -> None:
    with pytest.raises(BulkAcceptError) as refused:
        returns_bulk_accept(by=personas.statistician_b, return_ids=[zone_a["a1"].pk])
    assert [o.reason for o in refused.value.offenders] == ["unknown"]
    with pytest.raises(PermissionDenied):
        returns_bulk_accept(by=personas.statistician_b, filters={"zone": world.zone_a.pk})
    assert returns_bulk_accept(by=personas.statistician_b, filters={}).accepted == 1
    assert statuses(zone_a)["a1"] == "submitted" and statuses(zone_a)["b"] == "accepted"


@pytest.mark.parametrize("who", ["zone_admin", "officer", "province_viewer", "reporter"])
def test_only_the_statistics_office_accepts_in_bulk(
    personas: Personas, world: World, zone_a: dict[str, Return], who: str
) -> None:
    user = officer(world) if who == "officer" else getattr(personas, who)
    with pytest.raises(PermissionDenied):
        returns_bulk_accept(by=user, return_ids=[zone_a["a1"].pk])
    assert not ReviewDecision.objects.exists()


def test_an_accepted_return_is_refused_a_second_time(
    personas: Personas, zone_a: dict[str, Return]
) -> None:
    return_accept(by=personas.statistician, return_record=zone_a["a1"])
    with pytest.raises(BulkAcceptError) as refused:
        returns_bulk_accept(by=personas.statistician, return_ids=[zone_a["a1"].pk, zone_a["a2"].pk])
    assert [(o.return_id, o.reason) for o in refused.value.offenders] == [
        (zone_a["a1"].pk, "status")
    ]
    assert statuses(zone_a)["a2"] == "submitted"


# --- the API ------------------------------------------------------------------------------------


def test_the_api_accepts_ids_or_a_filter(
    personas: Personas, world: World, zone_a: dict[str, Return]
) -> None:
    client = token_client(personas.statistician)
    response = client.post(API, {"ids": [zone_a["a1"].pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"accepted": 1, "months": 1}
    response = client.post(
        API, {"filter": {"zone": world.zone_a.pk, "period": "2025-03"}}, format="json"
    )
    assert response.json() == {"accepted": 2, "months": 1}
    assert client.post(API, {}, format="json").status_code == 400
    both = {"ids": [zone_a["x_april"].pk], "filter": {"period": "2025-04"}}
    assert client.post(API, both, format="json").status_code == 400


def test_the_api_lists_each_offender_and_accepts_nothing(
    personas: Personas, zone_a: dict[str, Return]
) -> None:
    ids = [zone_a["a1"].pk, zone_a["warned"].pk, zone_a["draft"].pk]
    response = token_client(personas.statistician).post(API, {"ids": ids}, format="json")
    assert response.status_code == 400
    assert sorted((o["id"], o["reason"]) for o in response.json()["offenders"]) == sorted(
        [(zone_a["warned"].pk, "findings"), (zone_a["draft"].pk, "status")]
    )
    assert statuses(zone_a)["a1"] == "submitted"


@pytest.mark.parametrize("who", ["zone_admin", "officer", "province_viewer", "reporter"])
def test_the_api_refuses_others(
    personas: Personas, world: World, zone_a: dict[str, Return], who: str
) -> None:
    user = officer(world) if who == "officer" else getattr(personas, who)
    response = token_client(user).post(API, {"ids": [zone_a["a1"].pk]}, format="json")
    assert response.status_code == 403
    response = token_client(user).post(API, {"filter": {"period": "2025-03"}}, format="json")
    assert response.status_code == 403
    assert statuses(zone_a)["a1"] == "submitted"


def test_the_api_records_the_offices_explanation_on_a_single_acceptance(
    personas: Personas, zone_a: dict[str, Return]
) -> None:
    record = zone_a["warned"]
    client = token_client(personas.statistician)
    refused = client.post(f"/api/returns/{record.pk}/accept/", {"explanation_source": "visit"})
    assert refused.status_code == 400 and set(refused.json()) == {"explanation_note"}
    accepted = client.post(
        f"/api/returns/{record.pk}/accept/",
        {"explanation_source": "visit", "explanation_note": "实地核查：新设备投产"},
    )
    assert accepted.status_code == 200, accepted.json()
    decision = accepted.json()["decisions"][0]
    assert (decision["explanation_source"], decision["explanation_note"]) == (
        "visit",
        "实地核查：新设备投产",
    )


# --- the review queue page ----------------------------------------------------------------------


def texts(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_queue_offers_bulk_acceptance_of_its_clean_returns(
    client: Client, personas: Personas, zone_a: dict[str, Return]
) -> None:
    client.force_login(personas.statistician)
    response = client.get(QUEUE, {"month": "2025-03"})
    assert response.context["clean_matching"] == 3
    body = response.content.decode()
    assert 'id="bulk-select-page"' in body
    assert body.count('name="ids"') == 3
    assert bulk("matching") in body and "hx-confirm" in body
    # With the warning's month, its return has no tick box.
    response = client.get(QUEUE, {"month": "2025-04"})
    assert response.context["clean_matching"] == 1
    assert f'value="{zone_a["warned"].pk}" form="bulk-accept"' not in response.content.decode()
    # Asking for warnings only: nothing to accept in bulk, no buttons.
    response = client.get(QUEUE, {"findings": "soft"})
    assert response.context["clean_matching"] == 0
    assert 'id="bulk-accept"' not in response.content.decode()


def test_the_page_accepts_the_ticked_returns_with_htmx(
    client: Client, personas: Personas, zone_a: dict[str, Return]
) -> None:
    client.force_login(personas.statistician)
    response = client.post(
        bulk("selected") + "?month=2025-03",
        {"ids": [zone_a["a1"].pk, zone_a["x"].pk]},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="review-queue",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "alert-success" in body
    assert statuses(zone_a)["a1"] == "accepted" and statuses(zone_a)["x"] == "accepted"
    assert statuses(zone_a)["a2"] == "submitted"
    # The queue redrawn for the same filter: one March return left.
    assert [item["record"].pk for item in response.context["items"]] == [zone_a["a2"].pk]


def test_the_page_accepts_nothing_when_one_ticked_return_offends(
    client: Client, personas: Personas, zone_a: dict[str, Return]
) -> None:
    client.force_login(personas.statistician)
    response = client.post(
        bulk("selected"),
        {"ids": [zone_a["a1"].pk, zone_a["warned"].pk]},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="review-queue",
    )
    body = response.content.decode()
    assert "alert-danger" in body and "甲一水泥有限公司 2025-04" in body
    assert statuses(zone_a)["a1"] == "submitted"


def test_the_page_accepts_all_clean_returns_matching_the_filters(
    client: Client, personas: Personas, world: World, zone_a: dict[str, Return]
) -> None:
    client.force_login(personas.statistician)
    response = client.post(bulk("matching") + f"?month=2025-03&park={world.park_a1.pk}")
    assert response.status_code == 302
    assert response["Location"] == QUEUE + f"?month=2025-03&park={world.park_a1.pk}"
    assert texts(response) == ["已审核通过 2 张无审核问题的报表。"]
    assert [k for k, s in statuses(zone_a).items() if s == "accepted"] == ["a1", "x"]


@pytest.mark.parametrize("who", ["zone_admin", "officer", "province_viewer", "reporter"])
def test_others_get_403_on_the_page_action(
    client: Client, personas: Personas, world: World, zone_a: dict[str, Return], who: str
) -> None:
    client.force_login(officer(world) if who == "officer" else getattr(personas, who))
    assert client.post(bulk("selected"), {"ids": [zone_a["a1"].pk]}).status_code == 403
    assert client.post(bulk("matching") + "?month=2025-03").status_code == 403
    assert client.get(QUEUE).status_code == 403
    assert statuses(zone_a)["a1"] == "submitted"


def test_the_queue_records_the_offices_explanation_of_a_warning(
    client: Client, personas: Personas, zone_a: dict[str, Return]
) -> None:
    record = zone_a["warned"]
    client.force_login(personas.statistician)
    queue = client.get(QUEUE, {"month": "2025-04"}).content.decode()
    assert f'name="decide-{record.pk}-explanation_source"' in queue
    url = reverse("returns:review-decide", args=[record.pk, "accept"])
    client.post(
        url,
        {
            f"decide-{record.pk}-explanation_source": ExplanationSource.PHONE,
            f"decide-{record.pk}-explanation_note": "电话核实：新增订单",
        },
    )
    decision = ReviewDecision.objects.get(return_record=record)
    assert (decision.explanation_source, decision.explanation_note) == (
        "phone",
        "电话核实：新增订单",
    )
    detail = client.get(record.get_absolute_url()).content.decode()
    assert "电话核实：新增订单" in detail
    history = client.get(reverse("returns:return-history", args=[record.pk])).content.decode()
    assert "电话核实：新增订单" in history


def test_a_closed_month_takes_no_bulk_acceptance(
    world: World, personas: Personas, zone_a: dict[str, Return]
) -> None:
    ReportingMonth.objects.create(
        zone=world.zone_a,
        period=MARCH,
        status="closed",
        deadline=date(2025, 4, 8),
        closed_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="2025-03"):
        returns_bulk_accept(
            by=personas.statistician, return_ids=[zone_a["a1"].pk, zone_a["x_april"].pk]
        )
    assert not Return.objects.filter(status=ReturnStatus.ACCEPTED).exists()
