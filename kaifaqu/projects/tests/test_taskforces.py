"""专班陪跑 services: who sits on a task force, one per project, changes and dissolution; visits;
the issue list's transitions and overdue issues; documents' type and size; the timeline."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.permissions import Role
from kaifaqu.projects.models import (
    IssueStatus,
    MemberRole,
    ProjectDocument,
    ProjectIssue,
    TaskForce,
    TaskForceMember,
)
from kaifaqu.projects.selectors import overdue_issues, project_timeline
from kaifaqu.projects.services import (
    Person,
    document_add,
    issue_raise,
    issue_transition,
    service_visit_record,
    stage_change_correct,
    task_force_assign,
    task_force_dissolve,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def officer(world: World) -> User:
    return user_create(
        username="officer",
        password=PASSWORD,
        role=Role.INVESTMENT_OFFICER,
        scope_zone=world.zone_a,
        full_name="招商甲",
    )


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _issue(
    project: Any, by: User, raised: date, due: date, problem: str = "电力增容"
) -> ProjectIssue:
    return issue_raise(
        by=by,
        project=project,
        data={"problem": problem, "department": "县供电公司", "raised_on": raised, "due_on": due},
    )


# --- the task force ---------------------------------------------------------------------------


def test_a_task_force_is_formed_with_a_lead_staff_and_people_from_other_departments(
    world: World, personas: Personas, officer: User
) -> None:
    task_force = task_force_assign(
        by=personas.zone_admin,
        project=world.project_a1,
        lead=Person(user=personas.zone_admin),
        members=[Person(user=officer), Person(name="王某", department="市发改委")],
        on=date(2025, 1, 15),
        name="甲一项目服务专班",
    )
    seats = {(s.role, s.display_name) for s in task_force.members.all()}
    assert seats == {
        (MemberRole.LEAD, "zone_admin"),
        (MemberRole.MEMBER, "招商甲"),
        (MemberRole.MEMBER, "王某（市发改委）"),
    }
    assert task_force.formed_on == date(2025, 1, 15)


def test_a_project_has_one_task_force_changed_in_place(
    world: World, personas: Personas, officer: User
) -> None:
    first = task_force_assign(
        by=personas.zone_admin,
        project=world.project_a1,
        lead=Person(user=personas.zone_admin),
        members=[Person(name="王某", department="市发改委")],
        on=date(2025, 1, 15),
    )
    again = task_force_assign(
        by=personas.zone_admin,
        project=world.project_a1,
        lead=Person(user=officer),
        members=[Person(user=personas.zone_admin)],
        on=date(2025, 2, 1),
    )
    assert again.pk == first.pk
    assert TaskForce.objects.filter(project=world.project_a1).count() == 1
    current = TaskForceMember.objects.filter(task_force=first, left_on__isnull=True)
    assert {(s.role, s.user_id) for s in current} == {
        (MemberRole.LEAD, officer.pk),
        (MemberRole.MEMBER, personas.zone_admin.pk),
    }
    # The earlier seats are kept, closed on the day of the change.
    left = TaskForceMember.objects.filter(task_force=first, left_on=date(2025, 2, 1))
    assert {s.display_name for s in left} == {"zone_admin", "王某（市发改委）"}
    # The database refuses a second task force for the project, whatever the caller.
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskForce.objects.create(project=world.project_a1, formed_on=date(2025, 3, 1))


def test_it_rejects_members_outside_the_projects_zone_or_park(
    world: World, personas: Personas
) -> None:
    other_park = user_create(
        username="park2", password=PASSWORD, role=Role.PARK_SERVICE, scope_park=world.park_a2
    )
    for stranger in (personas.outsider, other_park, personas.statistician, personas.reporter):
        with pytest.raises(ValidationError) as refused:
            task_force_assign(
                by=personas.zone_admin,
                project=world.project_a1,
                lead=Person(user=personas.zone_admin),
                members=[Person(user=stranger)],
                on=date(2025, 1, 15),
            )
        assert "members" in refused.value.message_dict
    # The park user of 一园 may sit on the task force of 一园's project.
    task_force_assign(
        by=personas.zone_admin,
        project=world.project_a1,
        lead=Person(user=personas.park_user),
        on=date(2025, 1, 15),
    )


def test_it_rejects_writers_without_the_role_or_the_scope(world: World, personas: Personas) -> None:
    for user, project in (
        (personas.statistician, world.project_a1),  # not a project writer
        (personas.reporter, world.project_a1),
        (personas.outsider, world.project_a1),  # another zone
        (personas.park_user, world.project_a2),  # another park
    ):
        with pytest.raises(PermissionDenied):
            task_force_assign(
                by=user, project=project, lead=Person(name="某人"), on=date(2025, 1, 15)
            )
    assert not TaskForce.objects.exists()


def test_it_needs_a_lead_and_refuses_a_future_date(world: World, personas: Personas) -> None:
    with pytest.raises(ValidationError) as refused:
        task_force_assign(
            by=personas.zone_admin, project=world.project_a1, lead=Person(), on=date(2025, 1, 1)
        )
    # The service names the lead (the database's constraint alone would not).
    assert "lead" in refused.value.message_dict
    with pytest.raises(ValidationError):
        task_force_assign(
            by=personas.zone_admin,
            project=world.project_a1,
            lead=Person(name="某人"),
            on=date(2999, 1, 1),
        )


def test_dissolving_closes_every_seat_and_the_task_force_can_be_formed_again(
    world: World, personas: Personas
) -> None:
    task_force = task_force_assign(
        by=personas.zone_admin,
        project=world.project_a1,
        lead=Person(user=personas.zone_admin),
        members=[Person(name="王某", department="市发改委")],
        on=date(2025, 1, 15),
    )
    with pytest.raises(ValidationError):  # the reason is required
        task_force_dissolve(
            by=personas.zone_admin, task_force=task_force, on=date(2025, 6, 1), reason=" "
        )
    with pytest.raises(ValidationError) as refused:  # not before it was formed
        task_force_dissolve(
            by=personas.zone_admin, task_force=task_force, on=date(2025, 1, 1), reason="完成"
        )
    assert "on" in refused.value.message_dict
    task_force_dissolve(
        by=personas.zone_admin, task_force=task_force, on=date(2025, 6, 1), reason="项目已投产"
    )
    assert not task_force.members.filter(left_on__isnull=True).exists()
    again = task_force_assign(
        by=personas.zone_admin,
        project=world.project_a1,
        lead=Person(user=personas.zone_admin),
        on=date(2025, 7, 1),
    )
    assert again.pk == task_force.pk and again.is_active and again.formed_on == date(2025, 7, 1)


# --- visits and issues ------------------------------------------------------------------------


def test_a_visit_records_who_went_and_raises_issues(
    world: World, personas: Personas, officer: User
) -> None:
    visit = service_visit_record(
        by=officer,
        project=world.project_a1,
        data={
            "visited_on": date(2025, 2, 10),
            "met_with": "企业总经理",
            "summary": "设备进场，电力增容待批。",
        },
        participants=[officer, personas.zone_admin],
        issues=[{"problem": "电力增容", "department": "县供电公司", "due_on": date(2025, 3, 10)}],
    )
    assert set(visit.participants.all()) == {officer, personas.zone_admin}
    issue = visit.issues.get()
    assert (issue.raised_on, issue.status, issue.project_id) == (
        date(2025, 2, 10),
        IssueStatus.OPEN,
        world.project_a1.pk,
    )
    with pytest.raises(ValidationError):
        service_visit_record(
            by=officer,
            project=world.project_a1,
            data={"visited_on": date(2025, 2, 10), "met_with": "某", "summary": "某"},
            participants=[personas.outsider],
        )


def test_an_issue_moves_only_along_its_transitions(world: World, personas: Personas) -> None:
    issue = _issue(world.project_a1, personas.zone_admin, date(2025, 2, 1), date(2025, 3, 1))
    issue_transition(by=personas.zone_admin, issue=issue, to_status=IssueStatus.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:  # in progress cannot go back to open
        issue_transition(by=personas.zone_admin, issue=issue, to_status=IssueStatus.OPEN)
    assert "to_status" in refused.value.message_dict
    issue = issue_transition(
        by=personas.zone_admin,
        issue=issue,
        to_status=IssueStatus.RESOLVED,
        on=date(2025, 2, 20),
        resolution="供电公司已批复增容。",
    )
    assert (issue.status, issue.resolved_on) == (IssueStatus.RESOLVED, date(2025, 2, 20))
    # Taken up again: the resolution and its day are cleared (the change log keeps them).
    issue = issue_transition(by=personas.zone_admin, issue=issue, to_status=IssueStatus.IN_PROGRESS)
    assert (issue.resolution, issue.resolved_on) == ("", None)


def test_resolving_or_closing_needs_the_resolution_and_a_day_after_it_was_raised(
    world: World, personas: Personas
) -> None:
    issue = _issue(world.project_a1, personas.zone_admin, date(2025, 2, 1), date(2025, 3, 1))
    for to_status in (IssueStatus.RESOLVED, IssueStatus.UNRESOLVABLE):
        with pytest.raises(ValidationError) as refused:
            issue_transition(
                by=personas.zone_admin, issue=issue, to_status=to_status, on=date(2025, 2, 5)
            )
        assert "resolution" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            issue_transition(
                by=personas.zone_admin, issue=issue, to_status=to_status, resolution="已办"
            )
        assert "on" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            issue_transition(
                by=personas.zone_admin,
                issue=issue,
                to_status=to_status,
                on=date(2025, 1, 31),  # before it was raised
                resolution="已办",
            )
        assert "on" in refused.value.message_dict
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN
    # The database too refuses a settled issue without its day.
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.RESOLVED)


def test_it_rejects_a_due_date_before_the_day_raised(world: World, personas: Personas) -> None:
    with pytest.raises(ValidationError):
        _issue(world.project_a1, personas.zone_admin, date(2025, 2, 1), date(2025, 1, 31))


def test_overdue_issues_are_pending_and_past_due_most_overdue_first(
    world: World, personas: Personas
) -> None:
    today = date(2025, 4, 10)
    late = _issue(world.project_a1, personas.zone_admin, date(2025, 2, 1), date(2025, 3, 1), "甲")
    later = _issue(world.project_a2, personas.zone_admin, date(2025, 2, 1), date(2025, 4, 1), "乙")
    _issue(world.project_a1, personas.zone_admin, date(2025, 2, 1), date(2025, 4, 10), "due today")
    settled = _issue(world.project_a1, personas.zone_admin, date(2025, 2, 1), date(2025, 2, 15))
    issue_transition(
        by=personas.zone_admin,
        issue=settled,
        to_status=IssueStatus.RESOLVED,
        on=date(2025, 2, 20),
        resolution="已解决",
    )
    _issue(world.project_b, personas.outsider, date(2025, 2, 1), date(2025, 3, 1), "乙区")
    found = list(overdue_issues(personas.zone_admin, today))
    assert found == [late, later]
    # 2025-03-01 → 2025-04-10: 30 (rest of March) + 10 = 40 days; 2025-04-01 → 04-10: 9 days.
    assert [issue.days_overdue(today) for issue in found] == [40, 9]
    assert list(overdue_issues(personas.park_user, today)) == [late]  # 一园 only
    assert list(overdue_issues(personas.reporter, today)) == []
    assert [i.problem for i in overdue_issues(personas.outsider, today)] == ["乙区"]


# --- documents --------------------------------------------------------------------------------


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_document_is_stored_under_a_name_that_cannot_be_guessed(
    world: World, personas: Personas, media: Path
) -> None:
    document = document_add(
        by=personas.zone_admin,
        project=world.project_a1,
        data={"title": "投资协议", "kind": "contract", "dated": date(2025, 1, 10)},
        file=_upload("投资协议.pdf", PDF),
    )
    stored = Path(document.file.path)
    assert stored.is_relative_to(media) and stored.read_bytes() == PDF
    assert "投资协议" not in document.file.name and len(stored.stem) == 32
    assert (document.original_name, document.size) == ("投资协议.pdf", len(PDF))


def test_it_refuses_documents_of_other_types_too_large_or_not_what_they_say(
    world: World, personas: Personas, media: Path, settings: Any
) -> None:
    settings.KFQ_DOCUMENT_MAX_MB = 1
    data = {"title": "文件", "kind": "other", "dated": date(2025, 1, 10)}
    refused = [
        _upload("run.exe", b"MZ\x90\x00"),
        _upload("page.html", b"<html></html>"),
        _upload("drawing.svg", b"<svg/>"),
        _upload("big.pdf", b"%PDF" + b"0" * (1024 * 1024)),  # 1 MB + 4 bytes
        _upload("fake.pdf", b"MZ\x90\x00 not a pdf"),
        _upload("empty.png", b""),
    ]
    for upload in refused:
        with pytest.raises(ValidationError) as error:
            document_add(by=personas.zone_admin, project=world.project_a1, data=data, file=upload)
        assert "file" in error.value.message_dict, upload.name
    assert not ProjectDocument.objects.exists()
    assert not any(media.rglob("*.*"))
    # Exactly at the limit is accepted.
    document_add(
        by=personas.zone_admin,
        project=world.project_a1,
        data=data,
        file=_upload("ok.pdf", b"%PDF" + b"0" * (1024 * 1024 - 4)),
    )


def test_a_reporter_cannot_attach_documents(world: World, personas: Personas, media: Path) -> None:
    with pytest.raises(PermissionDenied):
        document_add(
            by=personas.reporter,
            project=world.project_a1,
            data={"title": "x", "kind": "other", "dated": date(2025, 1, 10)},
            file=_upload("a.pdf", PDF),
        )


# --- the timeline -----------------------------------------------------------------------------


def test_the_timeline_tells_every_source_newest_first(
    world: World, personas: Personas, media: Path
) -> None:
    project = world.project_a1  # registered as signed on 2025-01-10
    task_force_assign(
        by=personas.zone_admin,
        project=project,
        lead=Person(user=personas.zone_admin),
        on=date(2025, 1, 15),
        name="甲一专班",
    )
    visit = service_visit_record(
        by=personas.zone_admin,
        project=project,
        data={"visited_on": date(2025, 2, 10), "met_with": "企业", "summary": "座谈"},
        issues=[{"problem": "用地指标", "department": "县自然资源局", "due_on": date(2025, 3, 1)}],
    )
    issue_transition(
        by=personas.zone_admin,
        issue=visit.issues.get(),
        to_status=IssueStatus.RESOLVED,
        on=date(2025, 2, 25),
        resolution="指标已落实",
    )
    document_add(
        by=personas.zone_admin,
        project=project,
        data={"title": "备案证", "kind": "filing", "dated": date(2025, 2, 1)},
        file=_upload("备案证.pdf", PDF),
    )
    change = project.stage_changes.get()
    stage_change_correct(change=change, on=date(2025, 1, 9), reason="按合同日期", by=None)
    events = project_timeline(project)
    assert [(e.on.isoformat(), e.kind) for e in events] == [
        ("2025-02-25", "issue_settled"),
        ("2025-02-10", "issue_raised"),
        ("2025-02-10", "visit"),
        ("2025-02-01", "document"),
        ("2025-01-15", "task_force"),
        ("2025-01-09", "stage"),
    ]
    assert "按合同日期" in events[-1].detail
    # An enterprise's reporter sees the project's stages, not the zone's work on it.
    assert [e.kind for e in project_timeline(project, user=personas.reporter)] == ["stage"]


def test_the_owner_of_an_issue_is_on_the_zones_staff(world: World, personas: Personas) -> None:
    data = {
        "problem": "用地",
        "department": "县自然资源局",
        "raised_on": date(2025, 2, 1),
        "due_on": date(2025, 3, 1),
    }
    with pytest.raises(ValidationError) as refused:
        issue_raise(
            by=personas.zone_admin,
            project=world.project_a1,
            data={**data, "owner": personas.outsider},
        )
    assert "owner" in refused.value.message_dict
    issue = issue_raise(
        by=personas.zone_admin, project=world.project_a1, data={**data, "owner": personas.park_user}
    )
    assert issue.owner == personas.park_user


def test_changes_are_audited_as_the_person_who_made_them(world: World, personas: Personas) -> None:
    from auditlog.models import LogEntry

    task_force = task_force_assign(
        by=personas.park_user,
        project=world.project_a1,
        lead=Person(user=personas.park_user),
        on=date(2025, 1, 15),
    )
    issue = _issue(world.project_a1, personas.park_user, date(2025, 2, 1), date(2025, 3, 1))
    for record in (task_force, task_force.members.get(), issue):
        entry = LogEntry.objects.get_for_object(record).get()
        assert entry.actor == personas.park_user


def test_the_issue_list_shows_pending_issues_first_on_every_database(
    world: World, personas: Personas
) -> None:
    from kaifaqu.projects.selectors import project_issues

    settled = issue_raise(
        by=personas.zone_admin,
        project=world.project_a1,
        data={
            "problem": "已办问题",
            "department": "住建局",
            "raised_on": date(2025, 1, 2),
            "due_on": date(2025, 1, 10),
        },
    )
    issue_transition(
        by=personas.zone_admin,
        issue=settled,
        to_status=IssueStatus.RESOLVED,
        on=date(2025, 1, 8),
        resolution="已办结",
    )
    issue_raise(
        by=personas.zone_admin,
        project=world.project_a1,
        data={
            "problem": "待办问题",
            "department": "供电公司",
            "raised_on": date(2025, 1, 2),
            "due_on": date(2025, 3, 1),
        },
    )
    issues = project_issues(user=personas.zone_admin, project=world.project_a1)
    # The pending one first although it is due later (PostgreSQL sorts an empty day last).
    assert [issue.problem for issue in issues] == ["待办问题", "已办问题"]
