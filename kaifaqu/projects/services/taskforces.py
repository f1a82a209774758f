"""Writes for 专班陪跑: a project's task force (formed, changed, dissolved), its service visits,
its issue list (问题清单) and its documents (项目文件).

Who may write: the roles of `WRITERS` for each model, on projects their scope shows them (a
park's service centre: its park's projects). Every write is audited as the person who made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.audit import acting_as
from kaifaqu.core.permissions import can_write
from kaifaqu.projects.models import (
    DOCUMENT_EXTENSIONS,
    IssueStatus,
    MemberRole,
    Project,
    ProjectDocument,
    ProjectIssue,
    ServiceVisit,
    TaskForce,
    TaskForceMember,
    task_force_staff,
)

VISIT_FIELDS = ("visited_on", "others", "met_with", "summary", "follow_up", "is_illustrative")
ISSUE_FIELDS = ("problem", "department", "owner", "raised_on", "due_on", "is_illustrative")
DOCUMENT_FIELDS = ("title", "kind", "dated", "is_illustrative")

# Where an issue may go from where it stands; a settled issue can be taken up again.
ISSUE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    IssueStatus.OPEN: (IssueStatus.IN_PROGRESS, IssueStatus.RESOLVED, IssueStatus.UNRESOLVABLE),
    IssueStatus.IN_PROGRESS: (IssueStatus.RESOLVED, IssueStatus.UNRESOLVABLE),
    IssueStatus.RESOLVED: (IssueStatus.IN_PROGRESS,),
    IssueStatus.UNRESOLVABLE: (IssueStatus.IN_PROGRESS,),
}


def _ensure_writer(by: Any, model: type[models.Model], project: Project) -> None:
    """The user may keep this kind of record, on a project their scope shows them."""
    if by is None:
        return
    if not can_write(by, model):
        raise PermissionDenied(_("You may not change this record."))
    if not Project.objects.for_user(by).filter(pk=project.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))


def _not_in_future(on: date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


# --- the task force ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Who sits on a task force: a user of the zone's staff, or a named outside person."""

    user: Any = None
    name: str = ""
    department: str = ""

    def key(self) -> tuple[Any, ...]:
        if self.user is not None:
            return ("user", self.user.pk)
        return ("person", self.name.strip(), self.department.strip())


def _seat_key(member: TaskForceMember) -> tuple[Any, ...]:
    if member.user_id is not None:
        return ("user", member.user_id)
    return ("person", member.name.strip(), member.department.strip())


def _check_people(project: Project, lead: Person, members: Sequence[Person]) -> None:
    errors: dict[str, list[str]] = {}
    staff = set(
        task_force_staff(project)
        .filter(pk__in=[p.user.pk for p in (lead, *members) if p.user is not None])
        .values_list("pk", flat=True)
    )
    for field, people in (("lead", [lead]), ("members", list(members))):
        for person in people:
            if person.user is not None and person.user.pk not in staff:
                errors.setdefault(field, []).append(
                    _(
                        "%(user)s is not on the staff of the project's zone (a park's service "
                        "centre: of the project's park)."
                    )
                    % {"user": person.user.get_full_name() or person.user.get_username()}
                )
            if person.user is None and not person.name.strip():
                errors.setdefault(field, []).append(
                    _("Name a person from outside, or choose a user.")
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def task_force_assign(
    *,
    by: Any,
    project: Project,
    lead: Person,
    members: Sequence[Person] = (),
    on: date,
    name: str = "",
    note: str = "",
) -> TaskForce:
    """Form the project's task force, or change it: its lead and members as of `on`.

    A project has one task force; a dissolved one is formed again. Members are users of the
    zone's staff (`task_force_staff`) or named outside people (another office). Those no longer
    named leave on `on`, new ones join on `on`; the seats stay on record (the project's timeline
    tells who sat when).
    """
    _ensure_writer(by, TaskForce, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _not_in_future(on, "on")
    _check_people(project, lead, members)
    task_force = TaskForce.objects.filter(project=project).first()
    with acting_as(by):
        if task_force is None:
            task_force = TaskForce(project=project, name=name.strip(), formed_on=on, note=note)
        elif not task_force.is_active:
            # Formed again: a new start (the seats of the earlier one stay, closed).
            task_force.formed_on = on
            task_force.dissolved_on = None
            task_force.dissolved_reason = ""
            task_force.name = name.strip()
            task_force.note = note
        else:
            if on < task_force.formed_on:
                raise ValidationError(
                    {
                        "on": _(
                            "The date cannot be before %(date)s, when the task force was formed."
                        )
                        % {"date": task_force.formed_on.isoformat()}
                    }
                )
            task_force.name = name.strip()
            task_force.note = note
        task_force.full_clean()
        task_force.save()
        _seat(task_force, lead, members, on)
    return task_force


def _seat(task_force: TaskForce, lead: Person, members: Sequence[Person], on: date) -> None:
    """Bring the current seats in line with the lead and members wanted as of `on`."""
    wanted: dict[tuple[Any, ...], tuple[str, Person]] = {}
    for person in members:
        wanted[person.key()] = (MemberRole.MEMBER, person)
    wanted[lead.key()] = (MemberRole.LEAD, lead)  # the lead is not also a plain member
    current = list(task_force.members.select_for_update().filter(left_on__isnull=True))
    kept: set[tuple[Any, ...]] = set()
    for seat in current:
        key = _seat_key(seat)
        if key in wanted and wanted[key][0] == seat.role:
            kept.add(key)
            continue
        if on < seat.joined_on:
            raise ValidationError(
                {
                    "on": _("%(member)s joined on %(date)s: a change cannot be dated earlier.")
                    % {"member": seat.display_name, "date": seat.joined_on.isoformat()}
                }
            )
        seat.left_on = on
        seat.save(update_fields=["left_on"])
    for key, (role, person) in wanted.items():
        if key in kept:
            continue
        seat = TaskForceMember(
            task_force=task_force,
            role=role,
            user=person.user,
            name="" if person.user is not None else person.name.strip(),
            department=person.department.strip(),
            joined_on=on,
        )
        seat.full_clean()
        seat.save()


@transaction.atomic
def task_force_dissolve(*, by: Any, task_force: TaskForce, on: date, reason: str) -> TaskForce:
    """Dissolve the task force on a day, with the reason (e.g. 项目已投产，专班任务完成); every
    seat is left on that day."""
    task_force = TaskForce.objects.select_for_update().get(pk=task_force.pk)
    _ensure_writer(by, TaskForce, task_force.project)
    if not task_force.is_active:
        raise ValidationError(_("The task force is already dissolved."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason why the task force is dissolved.")})
    _not_in_future(on, "on")
    latest_join = max(
        (seat.joined_on for seat in task_force.members.filter(left_on__isnull=True)),
        default=task_force.formed_on,
    )
    if on < max(latest_join, task_force.formed_on):
        raise ValidationError(
            {
                "on": _("The date cannot be before %(date)s, the task force's last change.")
                % {"date": max(latest_join, task_force.formed_on).isoformat()}
            }
        )
    with acting_as(by):
        task_force.dissolved_on = on
        task_force.dissolved_reason = reason.strip()[:300]
        task_force.full_clean()
        task_force.save(update_fields=["dissolved_on", "dissolved_reason", "updated_at"])
        for seat in task_force.members.filter(left_on__isnull=True):
            seat.left_on = on
            seat.save(update_fields=["left_on"])
    return task_force


# --- service visits ---------------------------------------------------------------------------


def _check_participants(project: Project, participants: Sequence[Any]) -> None:
    staff = set(
        task_force_staff(project)
        .filter(pk__in=[user.pk for user in participants])
        .values_list("pk", flat=True)
    )
    outside = [user for user in participants if user.pk not in staff]
    if outside:
        raise ValidationError(
            {
                "participants": _(
                    "Only the zone's staff can be recorded as having gone: %(names)s is not."
                )
                % {"names": "、".join(u.get_full_name() or u.get_username() for u in outside)}
            }
        )


@transaction.atomic
def service_visit_record(
    *,
    by: Any,
    project: Project,
    data: dict[str, Any],
    participants: Sequence[Any] = (),
    issues: Sequence[dict[str, Any]] = (),
) -> ServiceVisit:
    """Record a service visit to the project (who went, whom they met, what was discussed, the
    follow-up) and, optionally, the problems it raised, each put on the issue list."""
    _ensure_writer(by, ServiceVisit, project)
    fields = {key: value for key, value in data.items() if key in VISIT_FIELDS}
    visit = ServiceVisit(project=project, recorded_by=by, **fields)
    visit.full_clean()
    _not_in_future(visit.visited_on, "visited_on")
    _check_participants(project, participants)
    with acting_as(by):
        visit.save()
        visit.participants.set(participants)
    for issue in issues:
        issue_raise(
            by=by,
            project=project,
            data={"raised_on": visit.visited_on, **issue},
            visit=visit,
        )
    return visit


@transaction.atomic
def service_visit_update(
    *,
    by: Any,
    visit: ServiceVisit,
    data: dict[str, Any],
    participants: Sequence[Any] | None = None,
) -> ServiceVisit:
    _ensure_writer(by, ServiceVisit, visit.project)
    for key, value in data.items():
        if key in VISIT_FIELDS:
            setattr(visit, key, value)
    visit.full_clean()
    _not_in_future(visit.visited_on, "visited_on")
    if participants is not None:
        _check_participants(visit.project, participants)
    with acting_as(by):
        visit.save()
        if participants is not None:
            visit.participants.set(participants)
    return visit


# --- the issue list ---------------------------------------------------------------------------


def _check_owner(project: Project, owner: Any) -> None:
    if owner is not None and not task_force_staff(project).filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": _("The owner must be a member of the staff of the project's zone.")}
        )


@transaction.atomic
def issue_raise(
    *,
    by: Any,
    project: Project,
    data: dict[str, Any],
    visit: ServiceVisit | None = None,
) -> ProjectIssue:
    """Put a problem on the project's issue list, open, with its responsible department and due
    date (raised today unless given)."""
    _ensure_writer(by, ProjectIssue, project)
    fields = {key: value for key, value in data.items() if key in ISSUE_FIELDS}
    fields.setdefault("raised_on", timezone.localdate())
    issue = ProjectIssue(
        project=project, visit=visit, status=IssueStatus.OPEN, raised_by=by, **fields
    )
    issue.full_clean()
    _not_in_future(issue.raised_on, "raised_on")
    _check_owner(project, issue.owner)
    with acting_as(by):
        issue.save()
    return issue


@transaction.atomic
def issue_update(*, by: Any, issue: ProjectIssue, data: dict[str, Any]) -> ProjectIssue:
    """Change an issue's problem, department, owner or dates (its status moves only through
    `issue_transition`)."""
    issue = ProjectIssue.objects.select_for_update().get(pk=issue.pk)
    _ensure_writer(by, ProjectIssue, issue.project)
    for key, value in data.items():
        if key in ISSUE_FIELDS:
            setattr(issue, key, value)
    issue.full_clean()
    _not_in_future(issue.raised_on, "raised_on")
    _check_owner(issue.project, issue.owner)
    with acting_as(by):
        issue.save()
    return issue


def allowed_issue_statuses(issue: ProjectIssue) -> tuple[str, ...]:
    return ISSUE_TRANSITIONS.get(issue.status, ())


@transaction.atomic
def issue_transition(
    *,
    by: Any,
    issue: ProjectIssue,
    to_status: str,
    on: date | None = None,
    resolution: str = "",
) -> ProjectIssue:
    """Move an issue on: taken up (办理中), resolved or closed unresolved, or taken up again.

    Resolving or closing needs the resolution (how it was resolved, or why it cannot be) and
    the day, not before the day it was raised and not in the future; taking a settled issue up
    again clears both (the change log keeps them).
    """
    issue = ProjectIssue.objects.select_for_update().get(pk=issue.pk)
    _ensure_writer(by, ProjectIssue, issue.project)
    if to_status not in IssueStatus.values:
        raise ValidationError({"to_status": _("Unknown status.")})
    if to_status not in allowed_issue_statuses(issue):
        raise ValidationError(
            {
                "to_status": _("An issue cannot move from %(current)s to %(target)s.")
                % {"current": issue.get_status_display(), "target": IssueStatus(to_status).label}
            }
        )
    if to_status in (IssueStatus.RESOLVED, IssueStatus.UNRESOLVABLE):
        errors: dict[str, str] = {}
        if not resolution.strip():
            errors["resolution"] = _("Say how the issue was resolved, or why it cannot be.")
        if on is None:
            errors["on"] = _("Give the day the issue was resolved or closed.")
        elif on > timezone.localdate():
            errors["on"] = _("The date cannot be in the future.")
        elif on < issue.raised_on:
            errors["on"] = _("The date cannot be before %(date)s, when the issue was raised.") % {
                "date": issue.raised_on.isoformat()
            }
        if errors:
            raise ValidationError(errors)
        issue.resolution = resolution.strip()
        issue.resolved_on = on
    else:
        issue.resolution = ""
        issue.resolved_on = None
    issue.status = to_status
    issue.full_clean()
    with acting_as(by):
        issue.save(update_fields=["status", "resolution", "resolved_on", "updated_at"])
    return issue


# --- documents --------------------------------------------------------------------------------

# The first bytes each kind of file starts with: a file whose content is not what its name says
# (an executable renamed .pdf) is refused.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
}


def document_max_bytes() -> int:
    return int(settings.KFQ_DOCUMENT_MAX_MB) * 1024 * 1024


def check_document_file(file: UploadedFile) -> None:
    """Refuse a file of a type not on the list, larger than the limit, or whose content is not
    what its name says."""
    name = file.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of type “%(type)s” cannot be attached; allowed: %(allowed)s.")
                % {"type": extension or "—", "allowed": ", ".join(DOCUMENT_EXTENSIONS)}
            }
        )
    limit = document_max_bytes()
    if file.size is None or file.size > limit:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB, the most a document may be.")
                % {"mb": settings.KFQ_DOCUMENT_MAX_MB}
            }
        )
    if file.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if not head.startswith(_SIGNATURES[extension]):
        raise ValidationError(
            {"file": _("The file's content is not a %(type)s file.") % {"type": extension}}
        )


@transaction.atomic
def document_add(
    *, by: Any, project: Project, data: dict[str, Any], file: UploadedFile
) -> ProjectDocument:
    """Attach a file to the project, stored under a name that cannot be guessed."""
    _ensure_writer(by, ProjectDocument, project)
    check_document_file(file)
    fields = {key: value for key, value in data.items() if key in DOCUMENT_FIELDS}
    original = (file.name or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    document = ProjectDocument(
        project=project,
        file=file,
        original_name=original,
        size=file.size or 0,
        uploaded_by=by,
        **fields,
    )
    document.full_clean()
    _not_in_future(document.dated, "dated")
    with acting_as(by):
        document.save()
    return document


@transaction.atomic
def document_remove(*, by: Any, document: ProjectDocument) -> None:
    """Remove a document and its file (the change log keeps that it existed and who removed it)."""
    _ensure_writer(by, ProjectDocument, document.project)
    storage, name = document.file.storage, document.file.name
    with acting_as(by):
        document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
