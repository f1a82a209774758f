"""The reporting month's API: months with their progress, open, close (400 with the reasons),
reopen, deadline, a month's firms, 未报 records and reminders, publications; each persona the
permission table keeps out gets a 403 with the reason, another zone's month a 404."""

from typing import Any

import pytest

from kaifaqu.conftest import Personas, World
from kaifaqu.core.permissions import Role
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.indicators.models import Publication
from kaifaqu.returns.models import NonResponse, Reminder, ReportingMonthStatus
from kaifaqu.returns.services import return_accept
from kaifaqu.returns.tests.month_fixtures import extra_user, make_march, march_month, the_return

pytestmark = pytest.mark.django_db
MONTHS = "/api/reporting-months/"


@pytest.fixture
def march(world: World, personas: Personas) -> dict[str, Any]:
    return make_march(world, personas)


def test_the_list_and_the_detail_give_the_hand_worked_progress(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = token_client(personas.statistician)
    listed = client.get(MONTHS, {"zone": str(world.zone_a.pk), "period": "2025-03"}).json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["period"], row["status"], row["phase"], row["deadline"]) == (
        "2025-03",
        "open",
        "reporting",
        "2025-04-10",
    )
    progress = row["progress"]
    assert (progress["expected"], progress["reached"], progress["accepted"]) == (5, 3, 1)
    assert (progress["response_rate"], progress["acceptance_rate"]) == ("60.0", "20.0")
    detail = client.get(f"{MONTHS}{march['month'].pk}/").json()
    parks = {park["park_name"]: park["progress"] for park in detail["parks"]}
    assert parks["一园"]["response_rate"] == "33.3" and parks["二园"]["response_rate"] == "100.0"
    assert any(march["silent"].name in line for line in detail["blockers"])
    assert client.get(MONTHS, {"status": "closed"}).json()["count"] == 0


def test_the_firms_of_a_month_with_contacts_and_reporter_accounts(
    personas: Personas, march: dict[str, Any]
) -> None:
    client = token_client(personas.statistician)
    url = f"{MONTHS}{march['month'].pk}/firms/"
    firms = {line["enterprise_name"]: line for line in client.get(url).json()}
    assert len(firms) == 5
    assert firms[march["accepted"].name]["reporter_accounts"] == ["reporter"]
    silent = firms[march["silent"].name]
    assert (silent["state"], silent["statistics_phone"]) == ("not_started", "0349-1234567")
    drafts = client.get(url, {"state": "draft"}).json()
    assert [line["enterprise_name"] for line in drafts] == [march["draft"].name]


def test_open_close_reopen_deadline_and_publish_through_the_api(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = token_client(personas.statistician)
    opened = client.post(MONTHS, {"zone": world.zone_a.pk, "period": "2025-04"}, format="json")
    assert opened.status_code == 201, opened.json()
    assert opened.json()["deadline"] > "2025-05-01"
    twice = client.post(MONTHS, {"zone": world.zone_a.pk, "period": "2025-04"}, format="json")
    assert twice.status_code == 400
    month = march["month"]
    deadline = client.post(f"{MONTHS}{month.pk}/deadline/", {"deadline": "2025-04-15"})
    assert deadline.json()["deadline"] == "2025-04-15"
    refused = client.post(f"{MONTHS}{month.pk}/close/")
    assert refused.status_code == 400
    assert "The month cannot be closed yet." in refused.json()["non_field_errors"]
    return_accept(by=personas.statistician, return_record=the_return(march["waiting"]))

    def not_reported(key: str, **extra: str) -> Any:
        body = {"reporting_month": month.pk, "enterprise": march[key].pk, **extra}
        response = client.post("/api/non-responses/", body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    # Refused to report: estimated at the close by default; the office may count it as nothing
    # (recording the firm again changes its record; these firms have no history to estimate).
    assert not_reported("silent", reason="refused")["treatment"] == "estimate"
    assert not_reported("silent", reason="refused", treatment="zero")["treatment"] == "zero"
    not_reported("sent_back", reason="suspended")
    not_reported("draft", reason="deregistered")
    withdrawn = NonResponse.objects.get(enterprise=march["draft"])
    assert client.post(f"/api/non-responses/{withdrawn.pk}/withdraw/").status_code == 204
    assert not NonResponse.objects.filter(pk=withdrawn.pk).exists()
    assert client.post(f"{MONTHS}{month.pk}/close/").status_code == 400
    not_reported("draft", reason="suspended")
    closed = client.post(f"{MONTHS}{month.pk}/close/")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["phase"] == "closed"
    published = client.post("/api/publications/", {"reporting_month": month.pk}, format="json")
    assert published.status_code == 201, published.json()
    assert published.json()["revision"] == 0
    assert client.get(f"{MONTHS}{month.pk}/").json()["phase"] == "published"
    no_reason = client.post(f"{MONTHS}{month.pk}/reopen/", {"reason": ""})
    assert no_reason.status_code == 400
    reopened = client.post(f"{MONTHS}{month.pk}/reopen/", {"reason": "更正"}).json()
    assert (reopened["status"], reopened["revision"], reopened["phase"]) == ("open", 1, "revising")
    log = client.get(
        "/api/publications/", {"zone": str(world.zone_a.pk), "period": "2025-03"}
    ).json()
    assert [entry["revision"] for entry in log["results"]] == [0]


def test_reminders_are_recorded_and_listed(personas: Personas, march: dict[str, Any]) -> None:
    client = token_client(personas.statistician)
    month, silent = march["month"], march["silent"]
    created = client.post(
        "/api/reminders/",
        {
            "reporting_month": month.pk,
            "enterprise": silent.pk,
            "channel": "message",
            "note": "短信",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert Reminder.objects.get().sent_by == personas.statistician
    listed = client.get("/api/reminders/", {"reporting_month": month.pk}).json()
    assert [row["enterprise_name"] for row in listed["results"]] == [silent.name]


def test_the_zone_admin_reads_but_every_write_is_a_403_with_the_reason(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = token_client(personas.zone_admin)
    month = march["month"]
    assert client.get(f"{MONTHS}{month.pk}/").status_code == 200
    assert client.get(f"{MONTHS}{month.pk}/firms/").status_code == 200
    for url, data in (
        (MONTHS, {"zone": world.zone_a.pk, "period": "2025-04"}),
        (f"{MONTHS}{month.pk}/close/", {}),
        (f"{MONTHS}{month.pk}/deadline/", {"deadline": "2025-04-20"}),
        ("/api/reminders/", {"reporting_month": month.pk, "enterprise": march["silent"].pk}),
        ("/api/non-responses/", {"reporting_month": month.pk, "enterprise": march["silent"].pk}),
        ("/api/publications/", {"reporting_month": month.pk}),
    ):
        response = client.post(url, data, format="json")
        assert response.status_code == 403, url
    chinese = token_client(personas.zone_admin, language="zh-hans")
    refusal = chinese.post(f"{MONTHS}{month.pk}/close/").json()["detail"]
    assert refusal == "报告期是统计机构的工作。"
    assert march_month(world).status == ReportingMonthStatus.OPEN


def test_another_zones_statistician_sees_none_of_zone_a_s_months(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = token_client(personas.statistician_b)
    month = march["month"]
    assert client.get(MONTHS).json()["count"] == 0
    assert client.get(f"{MONTHS}{month.pk}/").status_code == 404
    assert client.post(f"{MONTHS}{month.pk}/close/").status_code == 404
    assert client.get(f"{MONTHS}{month.pk}/firms/").status_code == 404
    reminder = client.post(
        "/api/reminders/",
        {"reporting_month": month.pk, "enterprise": march["silent"].pk, "channel": "phone"},
        format="json",
    )
    assert reminder.status_code == 400  # neither the month nor the firm exists for them
    published = client.post("/api/publications/", {"reporting_month": month.pk}, format="json")
    assert published.status_code == 400
    assert not Reminder.objects.exists() and not Publication.objects.exists()


def test_the_provincial_office_reads_counts_of_its_region_but_no_firm(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = token_client(personas.province_viewer)
    listed = client.get(MONTHS).json()
    assert [row["zone_name"] for row in listed["results"]] == [world.zone_a.name]
    assert listed["results"][0]["progress"]["response_rate"] == "60.0"
    assert client.get(f"{MONTHS}{march['month'].pk}/firms/").status_code == 403
    assert client.get("/api/reminders/").status_code == 403


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("reporter", None),
        ("park_user", None),
        ("auditor", None),
        ("officer", Role.INVESTMENT_OFFICER),
        ("security", Role.SECURITY_ADMIN),
    ],
)
def test_the_personas_the_table_keeps_out_get_403(
    world: World, personas: Personas, march: dict[str, Any], username: str, role: str | None
) -> None:
    from kaifaqu.accounts.models import User

    if role is not None:
        extra_user(
            username, role, **({"scope_zone": world.zone_a} if role != Role.SECURITY_ADMIN else {})
        )
    client = token_client(User.objects.get(username=username))
    month = march["month"]
    for url in (MONTHS, f"{MONTHS}{month.pk}/", "/api/non-responses/", "/api/reminders/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{MONTHS}{month.pk}/close/").status_code == 403
    assert client.post("/api/publications/", {"reporting_month": month.pk}).status_code == 403
