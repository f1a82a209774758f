"""The enterprise reporter's monthly return: comparisons, draft, submission, errors, sending back."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import Role
from kaifaqu.returns.models import Return, ReturnStatus, ReviewDecision, ReviewDecisionKind
from kaifaqu.returns.tests.helpers import month, stored_return

MY_RETURN = reverse("returns:my-return")

FIGURES = {
    "gross_output": "110",
    "sales_output": "105",
    "export_delivery": "0",
    "revenue": "108",
    "total_profit": "6.5",
    "vat_payable": "3.2",
    "taxes": "4.1",
    "electricity": "20",
    "employees": "120",
}


@pytest.fixture
def history(world: World) -> None:
    """甲一's figures typed by hand: January 90, February 100, March 2024 80 (万元 of output)."""
    accepted = ReturnStatus.ACCEPTED
    common = {"sales_output": 0, "revenue": 0, "electricity": 20, "employees": 118}
    stored_return(world.ent_a1, month(2024, 3), status=accepted, gross_output=80, **common)
    stored_return(world.ent_a1, month(2025, 1), status=accepted, gross_output=90, **common)
    stored_return(world.ent_a1, month(2025, 2), status=accepted, gross_output=100, **common)


def row_of(response: Any, name: str) -> Any:
    return next(row for row in response.context["rows"] if row["field"].name == name)


def post(client: Client, action: str, **changes: str) -> Any:
    return client.post(MY_RETURN, {"month": "2025-03", "action": action, **FIGURES, **changes})


@pytest.mark.django_db
def test_the_reporter_sees_last_month_and_the_same_month_last_year_beside_each_field(
    client: Client, personas: Personas, history: None
) -> None:
    client.force_login(personas.reporter)
    response = client.get(MY_RETURN, {"month": "2025-03"})
    assert response.status_code == 200
    gross = row_of(response, "gross_output")
    assert gross["figures"].last_month == "100.00"
    assert gross["figures"].last_year == "80.00"
    body = response.content.decode()
    assert "甲一水泥有限公司" in body
    assert "100.00" in body and "80.00" in body
    assert 'name="gross_output"' in body and 'value="save"' in body and 'value="submit"' in body


@pytest.mark.django_db
def test_the_cumulative_column_adds_the_months_of_the_year_including_this_one(
    client: Client, personas: Personas, history: None
) -> None:
    client.force_login(personas.reporter)
    post(client, "save")
    response = client.get(MY_RETURN, {"month": "2025-03"})
    # 1–3月: 90 + 100 + 110 = 300 万元; 1–2月 of 2024 had no return but March's 80 is last year.
    assert row_of(response, "gross_output")["figures"].cumulative == "300.00"


@pytest.mark.django_db
def test_the_reporter_saves_a_draft(client: Client, world: World, personas: Personas) -> None:
    client.force_login(personas.reporter)
    response = post(client, "save")
    assert response.status_code == 302
    record = Return.objects.get(enterprise=world.ent_a1, period=date(2025, 3, 1))
    assert record.status == ReturnStatus.DRAFT
    assert record.gross_output == Decimal("110")
    assert record.employees == 120
    page = client.get(response["Location"])
    assert page.context["form"]["gross_output"].value() == "110"


@pytest.mark.django_db
def test_the_reporter_submits_a_return(client: Client, world: World, personas: Personas) -> None:
    client.force_login(personas.reporter)
    response = post(client, "submit")
    assert response.status_code == 302
    record = Return.objects.get(enterprise=world.ent_a1, period=date(2025, 3, 1))
    assert record.status == ReturnStatus.SUBMITTED
    assert record.submitted_by == personas.reporter
    page = client.get(response["Location"])
    assert page.context["editable"] is False
    assert 'value="submit"' not in page.content.decode()


@pytest.mark.django_db
def test_a_hard_error_is_shown_on_its_field_in_chinese(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.reporter)
    # 工业销售产值 200 is above 工业总产值 100 × 1.20 = 120: the return cannot be submitted.
    response = post(client, "submit", gross_output="100", sales_output="200")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "gross_output" not in errors
    # Pages default to Chinese: the rule's message comes from the catalogue, figures as typed.
    (message,) = errors["sales_output"]
    assert message == "工业销售产值 200.00 万元 超过工业总产值 100.00 万元 的 1.2 倍。"
    assert message in response.content.decode()
    record = Return.objects.get(enterprise=world.ent_a1, period=date(2025, 3, 1))
    assert record.status == ReturnStatus.DRAFT


@pytest.mark.django_db
def test_a_return_within_the_sales_limit_is_submitted(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.reporter)
    # 120 is exactly 100 × 1.20: allowed.
    response = post(client, "submit", gross_output="100", sales_output="120")
    assert response.status_code == 302
    record = Return.objects.get(enterprise=world.ent_a1, period=date(2025, 3, 1))
    assert record.status == ReturnStatus.SUBMITTED


@pytest.mark.django_db
def test_the_reporter_sees_why_the_return_was_sent_back(
    client: Client, world: World, personas: Personas
) -> None:
    record = stored_return(
        world.ent_a1, month(2025, 3), status=ReturnStatus.RETURNED, gross_output=110
    )
    ReviewDecision.objects.create(
        return_record=record,
        kind=ReviewDecisionKind.SENT_BACK,
        comment="用电量与产值不匹配，请核实后重报",
        by=personas.statistician,
    )
    client.force_login(personas.reporter)
    response = client.get(MY_RETURN, {"month": "2025-03"})
    body = response.content.decode()
    assert 'id="sent-back"' in body
    assert "用电量与产值不匹配，请核实后重报" in body
    # A return sent back can be corrected and submitted again.
    assert response.context["editable"] is True
    assert post(client, "submit").status_code == 302
    record.refresh_from_db()
    assert record.status == ReturnStatus.SUBMITTED


@pytest.mark.django_db
def test_an_accepted_return_is_read_only(client: Client, world: World, personas: Personas) -> None:
    stored_return(world.ent_a1, month(2025, 3), status=ReturnStatus.ACCEPTED, gross_output=110)
    client.force_login(personas.reporter)
    response = client.get(MY_RETURN, {"month": "2025-03"})
    assert response.context["editable"] is False
    assert response.context["form"]["gross_output"].field.disabled
    assert 'value="save"' not in response.content.decode()
    post(client, "save", gross_output="999")
    assert Return.objects.get(period=date(2025, 3, 1)).gross_output == Decimal("110")


@pytest.mark.django_db
def test_the_page_reads_in_english_when_asked(
    client: Client, personas: Personas, history: None
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.reporter)
    body = client.get(MY_RETURN, {"month": "2025-03"}).content.decode()
    assert "Same month last year" in body and "Save draft" in body


@pytest.mark.django_db
def test_the_reporter_only_ever_reaches_its_own_enterprise(
    client: Client, world: World, personas: Personas
) -> None:
    other = stored_return(world.ent_a2, month(2025, 3), gross_output=555)
    client.force_login(personas.reporter)
    assert client.get(reverse("returns:return-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("returns:return-history", args=[other.pk])).status_code == 404
    # The form is always the reporter's own enterprise, whatever is asked for.
    response = client.get(MY_RETURN, {"month": "2025-03", "enterprise": str(world.ent_a2.pk)})
    assert response.context["enterprise"] == world.ent_a1
    assert "555" not in response.content.decode()
    post(client, "save")
    other.refresh_from_db()
    assert other.gross_output == Decimal("555")


@pytest.mark.django_db
def test_users_without_an_enterprise_cannot_open_the_reporters_form(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    assert client.get(MY_RETURN).status_code == 403


@pytest.mark.django_db
def test_a_platform_company_working_for_an_enterprise_cannot_open_its_return(
    client: Client, world: World
) -> None:
    # Its scope is an enterprise, as a reporter's is; its figures are not its (统计法).
    platform = user_create(
        username="platform",
        password="persona-password-1",
        role=Role.PLATFORM_COMPANY,
        scope_enterprise=world.ent_a1,
    )
    client.force_login(platform)
    assert client.get(MY_RETURN).status_code == 403
    assert client.post(MY_RETURN, {"month": "2025-01"}).status_code == 403


@pytest.mark.django_db
def test_the_month_defaults_to_the_latest_one_not_yet_submitted(
    client: Client, world: World, personas: Personas
) -> None:
    from django.utils import timezone

    last = Month.of(timezone.localdate()).shift(-1)
    before = last.shift(-2)
    stored_return(world.ent_a1, last.first_day, status=ReturnStatus.SUBMITTED, gross_output=1)
    stored_return(world.ent_a1, before.first_day, status=ReturnStatus.ACCEPTED, gross_output=1)
    client.force_login(personas.reporter)
    response = client.get(MY_RETURN)
    assert response.context["month"] == last.shift(-1)


def test_the_default_month_is_last_month_for_a_new_reporter() -> None:
    from kaifaqu.returns.forms.returns import default_period

    assert default_period(today=date(2025, 4, 8), statuses={}) == Month(2025, 3)


def test_the_default_month_goes_back_to_a_month_missing_or_sent_back() -> None:
    from kaifaqu.returns.forms.returns import default_period

    statuses: dict[date, str] = {
        date(2025, 1, 1): ReturnStatus.ACCEPTED,
        date(2025, 2, 1): ReturnStatus.RETURNED,
        date(2025, 3, 1): ReturnStatus.SUBMITTED,
    }
    assert default_period(today=date(2025, 4, 8), statuses=statuses) == Month(2025, 2)
    statuses[date(2025, 2, 1)] = ReturnStatus.ACCEPTED
    # January to March are all in; December 2024 is before the first return: last month.
    assert default_period(today=date(2025, 4, 8), statuses=statuses) == Month(2025, 3)
    del statuses[date(2025, 2, 1)]
    assert default_period(today=date(2025, 4, 8), statuses=statuses) == Month(2025, 2)


@pytest.mark.django_db
def test_the_reporter_explains_a_warning_with_a_text_and_a_document(
    client: Client, world: World, personas: Personas, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaifaqu.returns.models import ReviewFinding, Severity

    settings.MEDIA_ROOT = tmp_path
    record = stored_return(world.ent_a1, month(2025, 3), gross_output=200)
    ReviewFinding.objects.create(
        return_record=record,
        rule="month_on_month_swing",
        severity=Severity.SOFT,
        field="gross_output",
        params={
            "field": "gross_output",
            "value": 200,
            "before": 100,
            "change_pct": 100.0,
            "limit_pct": 50,
        },
    )
    client.force_login(personas.reporter)
    page = client.get(MY_RETURN, {"month": "2025-03"})
    assert page.context["document_form"] is not None
    assert page.context["findings"][0].is_hard is False
    response = client.post(
        MY_RETURN,
        {
            "month": "2025-03",
            "action": "explain",
            "explanation": "新生产线3月投产",
            "supporting_document": SimpleUploadedFile("投产证明.pdf", b"%PDF-1.4 test"),
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.explanation == "新生产线3月投产"
    assert record.supporting_document.name.endswith(".pdf")
    download = client.get(reverse("returns:return-document", args=[record.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]
    # Another zone's statistics office never gets the document.
    client.force_login(personas.statistician_b)
    assert client.get(reverse("returns:return-document", args=[record.pk])).status_code == 404


@pytest.mark.django_db
def test_a_document_of_an_unexpected_kind_is_refused(
    client: Client, world: World, personas: Personas, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    record = stored_return(world.ent_a1, month(2025, 3), gross_output=200)
    client.force_login(personas.reporter)
    response = client.post(
        MY_RETURN,
        {
            "month": "2025-03",
            "action": "explain",
            "explanation": "见附件",
            "supporting_document": SimpleUploadedFile("run.exe", b"MZ"),
        },
    )
    assert response.status_code == 200
    assert "supporting_document" in response.context["document_form"].errors
    record.refresh_from_db()
    assert not record.supporting_document
