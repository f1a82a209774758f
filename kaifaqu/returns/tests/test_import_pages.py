"""The import page: who may use it, the result counts, the table of errors, the template."""

import io

from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.conftest import Personas, World
from kaifaqu.returns.models import Return
from kaifaqu.returns.tests.import_helpers import xlsx

URL = "returns:return-import"
HEADERS = ["统一社会信用代码", "报告期", "工业总产值(当年价格)"]


def post(client: Client, rows: list[list[object]], unit: str = "千元"):  # type: ignore[no-untyped-def]
    upload = xlsx(HEADERS, rows)
    upload.name = "returns.xlsx"  # type: ignore[attr-defined]
    return client.post(reverse(URL), {"file": upload, "unit": unit})


def test_reporters_and_park_users_get_403(client: Client, personas: Personas) -> None:
    for persona in (personas.reporter, personas.park_user, personas.auditor):
        client.force_login(persona)
        assert client.get(reverse(URL)).status_code == 403
        assert client.get(reverse("returns:return-import-template")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client: Client, world: World) -> None:
    assert client.get(reverse(URL)).status_code == 302


def test_a_statistician_sees_the_form_and_the_template_link(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse(URL))
    assert page.status_code == 200
    assert reverse("returns:return-import-template").encode() in page.content
    assert b"all or nothing" in page.content


def test_the_template_is_a_workbook_with_the_national_headers(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    response = client.get(reverse("returns:return-import-template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    first = [cell.value for cell in workbook.worksheets[0][1]]
    assert first[:4] == ["统一社会信用代码", "单位详细名称", "报告期", "工业总产值(当年价格)(万元)"]
    # The unit is explicit in every figure's header; the notes say how to write another.
    assert "用电量(万千瓦时)" in first and "从业人员期末人数(人)" in first
    assert "千元" in workbook["说明"]["A1"].value


def test_an_import_shows_its_counts(client: Client, world: World, personas: Personas) -> None:
    client.force_login(personas.statistician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = post(client, [[world.ent_a1.uscc, "2025-03", 1500]])
    assert response.status_code == 200
    assert b"1 rows read: 1 returns created, 0 updated, 0 unchanged." in response.content
    assert Return.objects.count() == 1


def test_a_rejected_file_lists_every_error_in_chinese(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    response = post(
        client, [[world.ent_a1.uscc, "2025-03", "abc"], [world.ent_b.uscc, "2025-03", 1]]
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="import-errors"' in body
    assert "<td>2</td>" in body and "<td>3</td>" in body
    assert world.ent_b.uscc in body  # zone 乙's enterprise is outside the statistician's scope
    assert Return.objects.count() == 0
