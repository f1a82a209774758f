"""A large file is imported in the background: the upload returns at once, the page shows the
progress and then the result — counts, or every error by row — to whoever uploaded it only."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.models import JobProgress
from kaifaqu.core.tests.task_helpers import DATABASE_TASKS, run_worker
from kaifaqu.returns.models import Return
from kaifaqu.returns.tests.import_helpers import xlsx

pytestmark = pytest.mark.django_db
URL = "returns:return-import"
HEADERS = ["统一社会信用代码", "报告期", "工业总产值(当年价格)"]
# Every file goes to the background.
BACKGROUND = override_settings(KFQ_IMPORT_BACKGROUND_BYTES=0)


def post(client: Client, rows: list[list[object]]):  # type: ignore[no-untyped-def]
    upload = xlsx(HEADERS, rows)
    upload.name = "returns.xlsx"  # type: ignore[attr-defined]
    return client.post(reverse(URL), {"file": upload, "unit": "千元"})


@BACKGROUND
def test_a_large_file_is_imported_in_the_background_and_its_counts_shown(
    client: Client, world: World, personas: Personas, tmp_path: Path
) -> None:
    client.force_login(personas.statistician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with override_settings(MEDIA_ROOT=tmp_path):
        response = post(client, [[world.ent_a1.uscc, "2025-03", 1500]])
    assert response.status_code == 302
    job = JobProgress.objects.get()
    assert response["Location"].endswith(f"?job={job.task_id}")
    assert job.user == personas.statistician
    # The test settings run tasks at once: the import is done, its file removed.
    assert Return.objects.count() == 1
    assert not list((tmp_path / "imports").iterdir())
    page = client.get(response["Location"])
    assert b"1 rows read: 1 returns created, 0 updated, 0 unchanged." in page.content


@BACKGROUND
def test_every_error_of_a_background_import_is_listed_by_row(
    client: Client, world: World, personas: Personas, tmp_path: Path
) -> None:
    client.force_login(personas.statistician)
    with override_settings(MEDIA_ROOT=tmp_path):
        response = post(
            client, [[world.ent_a1.uscc, "2025-03", "abc"], [world.ent_b.uscc, "2025-03", 1]]
        )
    body = client.get(response["Location"]).content.decode()
    assert 'id="import-errors"' in body
    assert "<td>2</td>" in body and "<td>3</td>" in body
    assert Return.objects.count() == 0


@BACKGROUND
def test_nobody_but_the_uploader_sees_a_background_import(
    client: Client, world: World, personas: Personas, tmp_path: Path
) -> None:
    client.force_login(personas.statistician)
    with override_settings(MEDIA_ROOT=tmp_path):
        location = post(client, [[world.ent_a1.uscc, "2025-03", 1500]])["Location"]
    for persona in (personas.statistician_b, personas.sysadmin):
        client.force_login(persona)
        # Another zone's statistician: not found; the system administrator imports nothing.
        assert client.get(location).status_code in (403, 404)
        assert client.get(location + "&partial=1").status_code in (403, 404)


@BACKGROUND
@DATABASE_TASKS
def test_the_upload_answers_before_the_import_and_the_page_follows_it(
    client: Client,
    world: World,
    personas: Personas,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client.force_login(personas.statistician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with override_settings(MEDIA_ROOT=tmp_path):
        location = post(client, [[world.ent_a1.uscc, "2025-03", 1500]])["Location"]
        # Queued, not run: nothing written yet, the page shows the progress and polls it.
        assert Return.objects.count() == 0
        page = client.get(location).content.decode()
        assert 'id="import-progress"' in page and 'hx-trigger="every 1s"' in page
        assert client.get(location + "&partial=1").status_code == 200
        run_worker(monkeypatch)
    assert Return.objects.count() == 1
    finished = client.get(location + "&partial=1")
    assert finished.status_code == 204 and finished["HX-Redirect"] == location
    assert b"1 returns created" in client.get(location).content
