"""The statistics office's pages: the returns list and detail, the review queue, the settings."""

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.registry_pages import column, xlsx_rows
from kaifaqu.returns.models import (
    Return,
    ReturnStatus,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewFinding,
    Severity,
    StatisticsSettings,
)
from kaifaqu.returns.tests.helpers import firm, month, stored_return

LIST = reverse("returns:return-list")
EXPORT = reverse("returns:return-export")
QUEUE = reverse("returns:review-queue")
SETTINGS = reverse("returns:settings")
LIST_QUERIES = 6
# One more than the list: the count of clean returns the bulk acceptance offers.
QUEUE_QUERIES = 8
DETAIL_QUERIES = 8


def decide(pk: int, action: str) -> str:
    return reverse("returns:review-decide", args=[pk, action])


def swing_finding(record: Return) -> ReviewFinding:
    return ReviewFinding.objects.create(
        return_record=record,
        rule="month_on_month_swing",
        severity=Severity.SOFT,
        field="gross_output",
        params={
            "field": "gross_output",
            "value": 200.0,
            "before": 100.0,
            "change_pct": 100.0,
            "limit_pct": 50.0,
        },
    )


@pytest.fixture
def returns(world: World) -> dict[str, Return]:
    return {
        "a1": stored_return(world.ent_a1, month(2025, 3), gross_output=110, revenue=108),
        "a2": stored_return(
            world.ent_a2,
            month(2025, 3),
            status=ReturnStatus.ACCEPTED,
            gross_output="2345.5",
            revenue=2000,
        ),
        "b": stored_return(world.ent_b, month(2025, 3), gross_output=70, revenue=60),
    }


def texts(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_the_list_shows_status_figures_and_findings_of_the_zone(
    client: Client, personas: Personas, returns: dict[str, Return]
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    swing_finding(returns["a1"])
    client.force_login(personas.statistician)
    response = client.get(LIST, {"sort": "enterprise"})
    assert response.status_code == 200
    rows = [row[:6] for row in _rows(response)]
    assert rows == [
        ["甲一水泥有限公司", "2025-03", "Submitted, awaiting review", "110.00", "108.00", "1"],
        ["甲二新材料有限公司", "2025-03", "Accepted", "2,345.50", "2,000.00", "0"],
    ]


def _rows(response: Any) -> list[list[str]]:
    from kaifaqu.core.tests.registry_pages import table_rows

    return table_rows(response)


@pytest.mark.django_db
def test_the_list_filters_by_month_status_park_findings_and_name(
    client: Client, world: World, personas: Personas, returns: dict[str, Return]
) -> None:
    swing_finding(returns["a1"])
    stored_return(world.ent_a1, month(2025, 2), gross_output=100)
    client.force_login(personas.statistician)

    def names(**query: Any) -> list[str]:
        return column(client.get(LIST, {"sort": "enterprise", **query}), 0)

    assert names(month="2025-02") == ["甲一水泥有限公司"]
    assert names(status="accepted") == ["甲二新材料有限公司"]
    assert names(park=world.park_a2.pk) == ["甲二新材料有限公司"]
    assert names(findings="soft") == ["甲一水泥有限公司"]
    assert names(findings="hard") == []
    assert names(month="2025-03", findings="none") == ["甲二新材料有限公司"]
    assert names(q="新材料") == ["甲二新材料有限公司"]


@pytest.mark.django_db
def test_the_outsider_sees_none_of_zone_a_returns(
    client: Client, personas: Personas, returns: dict[str, Return]
) -> None:
    client.force_login(personas.statistician_b)
    response = client.get(LIST)
    assert column(response, 0) == ["乙一储能有限公司"]
    body = response.content.decode()
    assert "甲一水泥有限公司" not in body and "甲二新材料有限公司" not in body
    detail = reverse("returns:return-detail", args=[returns["a1"].pk])
    assert client.get(detail).status_code == 404


@pytest.mark.django_db
def test_the_export_holds_the_filtered_returns_only(
    client: Client, personas: Personas, returns: dict[str, Return]
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    response = client.get(EXPORT, {"status": "accepted"})
    assert response.status_code == 200
    rows = xlsx_rows(response.content)
    assert len(rows) == 2  # the header and one return
    assert rows[1][1:6] == ("甲二新材料有限公司", "2025-03", "Accepted", "Filled in online", 2345.5)


@pytest.mark.django_db
def test_the_detail_shows_figures_findings_decisions_and_explanation(
    client: Client, world: World, personas: Personas, returns: dict[str, Return]
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    stored_return(world.ent_a1, month(2025, 2), status=ReturnStatus.ACCEPTED, gross_output=100)
    stored_return(world.ent_a1, month(2024, 3), status=ReturnStatus.ACCEPTED, gross_output=80)
    record = returns["a1"]
    swing_finding(record)
    Return.objects.filter(pk=record.pk).update(explanation="新生产线投产")
    ReviewDecision.objects.create(
        return_record=record,
        kind=ReviewDecisionKind.SENT_BACK,
        comment="请补充说明",
        by=personas.statistician,
    )
    client.force_login(personas.statistician)
    response = client.get(reverse("returns:return-detail", args=[record.pk]))
    assert response.status_code == 200
    gross = next(row for row in response.context["figures"] if row.name == "gross_output")
    assert (gross.this_month, gross.last_month, gross.last_year) == (
        "110.00",
        "100.00",
        "80.00",
    )
    body = response.content.decode()
    assert "新生产线投产" in body and "请补充说明" in body
    assert response.context["findings"][0].message in body
    history = client.get(reverse("returns:return-history", args=[record.pk]))
    assert history.status_code == 200


@pytest.mark.django_db
def test_the_statistician_accepts_a_clean_return(
    client: Client, personas: Personas, returns: dict[str, Return]
) -> None:
    client.force_login(personas.statistician)
    response = client.post(
        decide(returns["a1"].pk, "accept"), {f"decide-{returns['a1'].pk}-comment": ""}
    )
    assert response.status_code == 302
    returns["a1"].refresh_from_db()
    assert returns["a1"].status == ReturnStatus.ACCEPTED
    decision = ReviewDecision.objects.get(return_record=returns["a1"])
    assert (decision.kind, decision.by) == (ReviewDecisionKind.ACCEPTED, personas.statistician)
    assert len(texts(response)) == 1


@pytest.mark.django_db
def test_the_statistician_cannot_accept_a_return_with_an_unexplained_warning(
    client: Client, personas: Personas, returns: dict[str, Return]
) -> None:
    record = returns["a1"]
    swing_finding(record)
    client.force_login(personas.statistician)
    queue = client.get(QUEUE)
    item = next(item for item in queue.context["items"] if item["record"].pk == record.pk)
    assert item["unexplained"] is True
    # The queue asks with htmx and gets itself back, with the refusal above it.
    response = client.post(
        decide(record.pk, "accept"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="review-queue"
    )
    record.refresh_from_db()
    assert record.status == ReturnStatus.SUBMITTED
    assert not ReviewDecision.objects.filter(return_record=record).exists()
    body = response.content.decode()
    assert "<html" not in body
    assert "alert-danger" in body and "甲一水泥有限公司 2025-03" in body
    assert f'id="queue-item-{record.pk}"' in body


@pytest.mark.django_db
def test_an_explained_warning_lets_the_statistician_accept(
    client: Client, personas: Personas, returns: dict[str, Return]
) -> None:
    record = returns["a1"]
    swing_finding(record)
    Return.objects.filter(pk=record.pk).update(explanation="新生产线3月投产，产量翻番")
    client.force_login(personas.statistician)
    queue = client.get(QUEUE)
    item = next(item for item in queue.context["items"] if item["record"].pk == record.pk)
    assert item["unexplained"] is False
    client.post(decide(record.pk, "accept"))
    record.refresh_from_db()
    assert record.status == ReturnStatus.ACCEPTED


@pytest.mark.django_db
def test_sending_back_needs_a_comment_and_the_comment_is_kept(
    client: Client, personas: Personas, returns: dict[str, Return]
) -> None:
    record = returns["a1"]
    client.force_login(personas.statistician)
    client.post(decide(record.pk, "send-back"), {f"decide-{record.pk}-comment": ""})
    record.refresh_from_db()
    assert record.status == ReturnStatus.SUBMITTED
    client.post(decide(record.pk, "send-back"), {f"decide-{record.pk}-comment": "请核实用电量"})
    record.refresh_from_db()
    assert record.status == ReturnStatus.RETURNED
    decision = ReviewDecision.objects.get(return_record=record)
    assert (decision.kind, decision.comment) == (ReviewDecisionKind.SENT_BACK, "请核实用电量")


@pytest.mark.django_db
def test_the_queue_holds_submitted_returns_of_the_zone_only(
    client: Client, personas: Personas, returns: dict[str, Return]
) -> None:
    client.force_login(personas.statistician)
    response = client.get(QUEUE)
    assert [item["record"].pk for item in response.context["items"]] == [returns["a1"].pk]
    htmx = client.get(QUEUE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="review-queue")
    assert "<html" not in htmx.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["reporter", "park_user", "province_viewer", "auditor"])
def test_only_the_statistics_office_opens_the_queue_and_decides(
    client: Client, personas: Personas, returns: dict[str, Return], persona: str
) -> None:
    client.force_login(getattr(personas, persona))
    assert client.get(QUEUE).status_code == 403
    assert client.post(decide(returns["a1"].pk, "accept")).status_code == 403
    returns["a1"].refresh_from_db()
    assert returns["a1"].status == ReturnStatus.SUBMITTED


@pytest.mark.django_db
def test_the_outsider_cannot_decide_on_zone_a_returns(
    client: Client, personas: Personas, returns: dict[str, Return]
) -> None:
    client.force_login(personas.statistician_b)
    assert client.post(decide(returns["a1"].pk, "accept")).status_code == 404
    returns["a1"].refresh_from_db()
    assert returns["a1"].status == ReturnStatus.SUBMITTED


@pytest.mark.django_db
def test_list_and_queue_queries_do_not_grow_with_the_returns(
    client: Client,
    world: World,
    personas: Personas,
    returns: dict[str, Return],
    django_assert_max_num_queries: Any,
) -> None:
    swing_finding(returns["a1"])
    client.force_login(personas.statistician)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(LIST)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        client.get(QUEUE)
    for serial in range(30):
        record = stored_return(
            firm(world.zone_a, 100 + serial, park=world.park_a1), month(2025, 3), gross_output=5
        )
        swing_finding(record)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert len(client.get(LIST).context["rows"]) == 31 + 1
    with django_assert_max_num_queries(QUEUE_QUERIES):
        assert len(client.get(QUEUE).context["items"]) == 31
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(reverse("returns:return-detail", args=[returns["a1"].pk]))


@pytest.mark.django_db
def test_a_zone_statistician_changes_the_review_thresholds(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    page = client.get(SETTINGS)
    assert page.status_code == 200
    data = {
        "month_on_month_swing_pct": "30",
        "year_on_year_swing_pct": "40",
        "sales_over_output_max": "1.10",
        "own_history_factor": "2.00",
        "industry_factor": "3.00",
        "candidate_share_pct": "80",
        "deadline_working_day": "6",
    }
    assert client.post(SETTINGS, data).status_code == 302
    stored = StatisticsSettings.objects.get(zone=world.zone_a)
    assert stored.month_on_month_swing_pct == Decimal("30")
    assert stored.deadline_working_day == 6
    bad = client.post(SETTINGS, {**data, "sales_over_output_max": "0.5"})
    assert "sales_over_output_max" in bad.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["reporter", "park_user", "province_viewer", "auditor"])
def test_others_cannot_open_the_review_settings(
    client: Client, personas: Personas, persona: str
) -> None:
    client.force_login(getattr(personas, persona))
    assert client.get(SETTINGS).status_code == 403


@pytest.mark.django_db
def test_the_exports_headers_carry_the_units_and_excel_shows_the_pages_format(
    client: Client, personas: Personas, returns: dict[str, Return]
) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(personas.statistician)  # Chinese, the default
    response = client.get(EXPORT, {"status": "accepted"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[5:14] == [
        "工业总产值（当年价格）（万元）",
        "工业销售产值（万元）",
        "出口交货值（万元）",
        "营业收入（万元）",
        "利润总额（万元）",
        "应交增值税（万元）",
        "税金总额（万元）",
        "用电量（万千瓦时）",
        "从业人员期末人数（人）",
    ]
    # The value stays exact; Excel shows it as the pages do (2 places, grouped; persons whole).
    money = sheet.cell(row=2, column=6)
    assert money.value == 2345.5 and money.number_format == "#,##0.00"
    persons = sheet.cell(row=2, column=14)
    assert persons.value is None or persons.number_format == "#,##0"
