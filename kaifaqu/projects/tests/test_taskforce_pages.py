"""专班陪跑 pages: the task force, visits, issues and documents tabs, in Chinese by default; the
overdue issues page and its reminder on the board; the timeline on the project's page in a
bounded number of queries; downloads refused to personas who must not see the project."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.permissions import Role
from kaifaqu.projects.models import IssueStatus, ProjectDocument, ProjectIssue, TaskForce
from kaifaqu.projects.services import (
    Person,
    document_add,
    issue_raise,
    issue_transition,
    service_visit_record,
    task_force_assign,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _document(world: World, personas: Personas) -> ProjectDocument:
    return document_add(
        by=personas.zone_admin,
        project=world.project_a1,
        data={"title": "投资协议", "kind": "contract", "dated": date(2025, 1, 10)},
        file=SimpleUploadedFile("投资协议.pdf", PDF),
    )


def test_the_tabs_are_in_chinese_and_offer_the_forms_to_writers(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    page = client.get(reverse("projects:project-task-force", args=[world.project_a1.pk]))
    assert page.status_code == 200
    assert page.context["assign_form"] is not None and page.context["visit_form"] is not None
    html = page.content.decode()
    assert 'lang="zh-hans"' in html
    assert reverse("projects:project-issues", args=[world.project_a1.pk]) in html
    client.force_login(personas.province_viewer)  # reads, does not write
    page = client.get(reverse("projects:project-issues", args=[world.project_a1.pk]))
    assert page.status_code == 200 and page.context["issue_form"] is None


def test_forming_a_task_force_and_recording_a_visit_on_the_page(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    pk = world.project_a1.pk
    response = client.post(
        reverse("projects:task-force-assign", args=[pk]),
        {
            "name": "甲一专班",
            "on": "2025-01-15",
            "lead": personas.zone_admin.pk,
            "members": [personas.park_user.pk],
            "outside_members": "王某，市发改委\n李某, 县自然资源局",
        },
    )
    assert response.status_code == 302, response.context and response.context["assign_form"].errors
    task_force = TaskForce.objects.get(project=world.project_a1)
    assert sorted(s.display_name for s in task_force.members.all()) == sorted(
        ["zone_admin", "park_user", "王某（市发改委）", "李某（县自然资源局）"]
    )
    # A member from another zone is refused with the service's reason, on the form.
    refused = client.post(
        reverse("projects:task-force-assign", args=[pk]),
        {"on": "2025-01-20", "lead_name": "某", "members": [personas.outsider.pk]},
    )
    assert refused.status_code == 400
    response = client.post(
        reverse("projects:visit-record", args=[pk]),
        {
            "visited_on": "2025-02-10",
            "participants": [personas.zone_admin.pk],
            "met_with": "企业总经理",
            "summary": "设备进场",
            "issue_problem": "电力增容",
            "issue_department": "县供电公司",
            "issue_due_on": "2025-03-10",
        },
    )
    assert response.status_code == 302
    assert ProjectIssue.objects.get().department == "县供电公司"


def test_resolving_an_issue_on_the_page_needs_the_resolution(
    client: Client, world: World, personas: Personas
) -> None:
    issue = issue_raise(
        by=personas.zone_admin,
        project=world.project_a1,
        data={
            "problem": "用地",
            "department": "县自然资源局",
            "raised_on": date(2025, 2, 1),
            "due_on": date(2025, 3, 1),
        },
    )
    client.force_login(personas.zone_admin)
    url = reverse("projects:issue-status", args=[world.project_a1.pk])
    refused = client.post(url, {"issue": issue.pk, "to_status": "resolved", "on": "2025-02-20"})
    assert refused.status_code == 400
    assert "resolution" in refused.context["status_form"].errors
    done = client.post(
        url,
        {"issue": issue.pk, "to_status": "resolved", "on": "2025-02-20", "resolution": "已落实"},
    )
    assert done.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED


def test_the_overdue_page_lists_and_filters_and_the_board_reminds(
    client: Client, world: World, personas: Personas
) -> None:
    today = timezone.localdate()

    def raise_(project: Any, by: User, days_late: int, department: str) -> ProjectIssue:
        due = today - timedelta(days=days_late)
        return issue_raise(
            by=by,
            project=project,
            data={
                "problem": f"逾期{days_late}天",
                "department": department,
                "raised_on": due - timedelta(days=30),
                "due_on": due,
            },
        )

    raise_(world.project_a1, personas.zone_admin, 3, "县供电公司")
    raise_(world.project_a2, personas.zone_admin, 12, "县自然资源局")
    raise_(world.project_b, personas.outsider, 5, "县供电公司")
    client.force_login(personas.zone_admin)
    page = client.get(reverse("projects:overdue-issues"))
    assert [(r["issue"].problem, r["days_overdue"]) for r in page.context["rows"]] == [
        ("逾期12天", 12),
        ("逾期3天", 3),
    ]
    page = client.get(reverse("projects:overdue-issues"), {"department": "县供电公司"})
    assert [r["issue"].problem for r in page.context["rows"]] == ["逾期3天"]
    page = client.get(reverse("projects:overdue-issues"), {"park": world.park_a2.pk})
    assert [r["issue"].problem for r in page.context["rows"]] == ["逾期12天"]
    board = client.get(reverse("projects:board"))
    assert board.context["overdue_issues"] == 2
    client.force_login(personas.park_user)
    page = client.get(reverse("projects:overdue-issues"))
    assert [r["issue"].problem for r in page.context["rows"]] == ["逾期3天"]
    client.force_login(personas.reporter)
    assert client.get(reverse("projects:overdue-issues")).status_code == 403


def test_the_download_is_refused_to_personas_who_must_not_see_the_project(
    client: Client, world: World, personas: Personas, media: Path
) -> None:
    document = _document(world, personas)
    url = reverse("projects:project-document-download", args=[world.project_a1.pk, document.pk])
    client.force_login(personas.zone_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]
    other_park = user_create(
        username="park2", password=PASSWORD, role=Role.PARK_SERVICE, scope_park=world.park_a2
    )
    for persona, status in (
        (personas.outsider, 404),  # another zone: as if it did not exist
        (other_park, 404),  # a park user of another park
        (personas.reporter, 403),  # the enterprise's reporter sees the project, not its files
        (personas.auditor, 403),
    ):
        client.force_login(persona)
        assert client.get(url).status_code == status, persona
    # The file is not under any public address.
    client.force_login(personas.zone_admin)
    assert client.get("/media/" + document.file.name).status_code == 404
    # The API answers as the page does.
    api = f"/api/project-documents/{document.pk}/download/"
    for persona, status in ((personas.outsider, 404), (other_park, 404), (personas.reporter, 403)):
        client.force_login(persona)
        assert client.get(api).status_code == status, persona


def test_the_project_page_tells_the_story_in_a_bounded_number_of_queries(
    client: Client,
    world: World,
    personas: Personas,
    media: Path,
    django_assert_max_num_queries: Any,
) -> None:
    project = world.project_a1
    client.force_login(personas.zone_admin)
    url = project.get_absolute_url()
    task_force_assign(
        by=personas.zone_admin,
        project=project,
        lead=Person(user=personas.zone_admin),
        members=[Person(user=personas.park_user), Person(name="王某", department="市发改委")],
        on=date(2025, 1, 15),
    )

    def visit_on(day: int) -> None:
        visit = service_visit_record(
            by=personas.zone_admin,
            project=project,
            data={"visited_on": date(2025, 2, day), "met_with": "企业", "summary": "座谈"},
            participants=[personas.zone_admin, personas.park_user],
            issues=[
                {"problem": f"问题{day}", "department": "县直部门", "due_on": date(2025, 3, 1)}
            ],
        )
        if day % 2:
            issue_transition(
                by=personas.zone_admin,
                issue=visit.issues.get(),
                to_status=IssueStatus.RESOLVED,
                on=date(2025, 2, 20),
                resolution="已解决",
            )
        _document(world, personas)

    visit_on(1)
    with django_assert_max_num_queries(TIMELINE_PAGE_QUERIES) as few:
        client.get(url)
    for day in range(2, 11):
        visit_on(day)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    events = response.context["timeline"]
    # 1 stage + 1 task force + 10 visits + 10 issues raised + 5 resolved + 10 documents.
    assert len(events) == 37
    assert events[0].on == date(2025, 2, 20) and events[-1].kind == "stage"
    html = response.content.decode()
    assert "问题1" in html and "王某（市发改委）" in html


# Details with the timeline: the page itself, the task force summary and issue counts, and
# one or two queries per timeline source; the same whatever the number of events.
TIMELINE_PAGE_QUERIES = 22


def test_an_enterprise_reporter_sees_its_projects_stages_but_not_the_zones_work(
    client: Client, world: World, personas: Personas
) -> None:
    task_force_assign(
        by=personas.zone_admin,
        project=world.project_a1,
        lead=Person(name="王某", department="市发改委"),
        on=date(2025, 1, 15),
    )
    client.force_login(personas.reporter)  # the reporter of 甲一, the project's enterprise
    page = client.get(world.project_a1.get_absolute_url())
    assert page.status_code == 200
    assert [tab["key"] for tab in page.context["tabs"]] == ["details", "history"]
    assert [event.kind for event in page.context["timeline"]] == ["stage"]
    assert "王某" not in page.content.decode()
    for name in (
        "projects:project-task-force",
        "projects:project-issues",
        "projects:project-documents",
    ):
        assert client.get(reverse(name, args=[world.project_a1.pk])).status_code == 403
    client.force_login(personas.zone_admin)
    page = client.get(world.project_a1.get_absolute_url())
    assert [tab["key"] for tab in page.context["tabs"]] == [
        "details",
        "task-force",
        "issues",
        "documents",
        "history",
    ]


def test_the_pages_read_in_english_too(client: Client, world: World, personas: Personas) -> None:
    client.force_login(personas.zone_admin)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("projects:project-task-force", args=[world.project_a1.pk])).content
    assert b"Form the task force" in html and b"Record a visit" in html
