"""专班陪跑 API: task forces, visits, issues (with overdue and transitions), documents (upload,
scoped download, removal) and the timeline, through the same services; refusals write nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from kaifaqu.conftest import Personas, World
from kaifaqu.projects.models import ProjectDocument, ProjectIssue, TaskForce

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def api(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_task_force_through_the_api(world: World, personas: Personas) -> None:
    body = {
        "project": world.project_a1.pk,
        "name": "甲一专班",
        "on": "2025-01-15",
        "lead": {"user": personas.zone_admin.pk},
        "members": [{"user": personas.park_user.pk}, {"name": "王某", "department": "市发改委"}],
    }
    created = api(personas.zone_admin).post("/api/task-forces/", body, format="json")
    assert created.status_code == 201, created.content
    seats = {(s["role"], s["display_name"]) for s in created.json()["seats"]}
    assert seats == {
        ("lead", "zone_admin"),
        ("member", "park_user"),
        ("member", "王某（市发改委）"),
    }
    # Another zone's user as a member: 400; a statistician: 403; another zone's project: 400.
    bad = {**body, "members": [{"user": personas.outsider.pk}]}
    assert api(personas.zone_admin).post("/api/task-forces/", bad, format="json").status_code == 400
    assert (
        api(personas.statistician).post("/api/task-forces/", body, format="json").status_code == 403
    )
    assert api(personas.outsider).post("/api/task-forces/", body, format="json").status_code == 400
    pk = created.json()["id"]
    dissolved = api(personas.zone_admin).post(
        f"/api/task-forces/{pk}/dissolve/", {"on": "2025-06-01", "reason": "已投产"}, format="json"
    )
    assert dissolved.status_code == 200 and dissolved.json()["dissolved_on"] == "2025-06-01"
    assert api(personas.outsider).get("/api/task-forces/").json()["results"] == []
    # The zone's work on its projects, as on the pages: the enterprise is refused.
    assert api(personas.reporter).get("/api/task-forces/").status_code == 403
    assert TaskForce.objects.count() == 1


def test_visits_and_issues_through_the_api(world: World, personas: Personas) -> None:
    zone = api(personas.zone_admin)
    visit = zone.post(
        "/api/project-visits/",
        {
            "project": world.project_a1.pk,
            "visited_on": "2025-02-10",
            "participants": [personas.zone_admin.pk],
            "met_with": "企业总经理",
            "summary": "设备进场",
            "raise_issues": [
                {"problem": "电力增容", "department": "县供电公司", "due_on": "2025-03-10"}
            ],
        },
        format="json",
    )
    assert visit.status_code == 201, visit.content
    issue_id = visit.json()["issues"][0]
    today = timezone.localdate()
    overdue = zone.get("/api/project-issues/", {"overdue": "true"}).json()["results"]
    assert [row["id"] for row in overdue] == [issue_id]
    # Due 2025-03-10: overdue by (today - 2025-03-10) days.
    assert overdue[0]["days_overdue"] == (today - date(2025, 3, 10)).days
    url = f"/api/project-issues/{issue_id}/transition/"
    refused = zone.post(url, {"to_status": "resolved", "on": "2025-03-01"}, format="json")
    assert refused.status_code == 400 and "resolution" in refused.json()
    done = zone.post(
        url, {"to_status": "resolved", "on": "2025-03-01", "resolution": "已增容"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert zone.get("/api/project-issues/", {"overdue": "true"}).json()["results"] == []
    # The status is not written by a plain update.
    zone.patch(f"/api/project-issues/{issue_id}/", {"status": "open"}, format="json")
    assert ProjectIssue.objects.get().status == "resolved"
    assert api(personas.outsider).get(f"/api/project-issues/{issue_id}/").status_code == 404
    assert api(personas.park_user).get(f"/api/project-issues/{issue_id}/").status_code == 200
    assert api(personas.reporter).get(f"/api/project-issues/{issue_id}/").status_code == 403
    # Raised directly, with a due date a week ahead.
    raised = zone.post(
        "/api/project-issues/",
        {
            "project": world.project_a2.pk,
            "problem": "规划许可",
            "department": "县自然资源局",
            "due_on": (today + timedelta(days=7)).isoformat(),
        },
        format="json",
    )
    assert raised.status_code == 201, raised.content
    assert raised.json()["raised_on"] == today.isoformat()


def test_documents_through_the_api(
    world: World, personas: Personas, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    zone = api(personas.zone_admin)
    created = zone.post(
        "/api/project-documents/",
        {
            "project": world.project_a1.pk,
            "title": "投资协议",
            "kind": "contract",
            "dated": "2025-01-10",
            "file": SimpleUploadedFile("投资协议.pdf", PDF),
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    download = zone.get(f"/api/project-documents/{pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    refused = zone.post(
        "/api/project-documents/",
        {
            "project": world.project_a1.pk,
            "title": "脚本",
            "dated": "2025-01-10",
            "file": SimpleUploadedFile("x.html", b"<script></script>"),
        },
        format="multipart",
    )
    assert refused.status_code == 400 and "file" in refused.json()
    remove = f"/api/project-documents/{pk}/remove/"
    assert api(personas.statistician).post(remove).status_code == 403  # not a writer
    assert api(personas.outsider).post(remove).status_code == 404  # another zone
    assert ProjectDocument.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        assert zone.post(remove).status_code == 204
    assert not ProjectDocument.objects.exists()
    assert not any(media.rglob("*.pdf"))


def test_the_timeline_through_the_api(world: World, personas: Personas) -> None:
    url = f"/api/project-timelines/{world.project_a1.pk}/"
    events = api(personas.zone_admin).get(url).json()
    assert [event["kind"] for event in events] == ["stage"]
    assert events[0]["on"] == "2025-01-10"
    assert api(personas.outsider).get(url).status_code == 404


def test_a_user_of_another_zone_is_answered_as_an_id_that_does_not_exist(
    world: World, personas: Personas
) -> None:
    # An issue's owner, a visit's participant, a task force's lead: another zone's staff gets
    # the answer of a missing id, and its name is never said.
    zone = api(personas.zone_admin)
    bodies = {
        "/api/project-issues/": lambda user: {
            "project": world.project_a1.pk,
            "problem": "用地",
            "department": "县自然资源局",
            "due_on": "2025-03-01",
            "owner": user,
        },
        "/api/project-visits/": lambda user: {
            "project": world.project_a1.pk,
            "visited_on": "2025-02-01",
            "met_with": "企业负责人",
            "summary": "了解进度",
            "participants": [user],
        },
        "/api/task-forces/": lambda user: {
            "project": world.project_a1.pk,
            "on": "2025-01-15",
            "lead": {"user": user},
        },
    }
    for url, body in bodies.items():
        outside = zone.post(url, body(personas.outsider.pk), format="json")
        missing = zone.post(url, body(987654321), format="json")
        assert outside.status_code == missing.status_code == 400, url
        assert str(outside.json()) == str(missing.json()).replace(
            "987654321", str(personas.outsider.pk)
        )
        assert personas.outsider.username not in outside.content.decode()
    assert not ProjectIssue.objects.exists() and not TaskForce.objects.exists()
