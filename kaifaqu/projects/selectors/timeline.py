"""A project's whole story on one timeline: the follow-ups of the lead it came from, its stage
changes (with corrections), its task force formed, changed and dissolved, service visits, issues
raised and settled, documents, its registration in the fixed-asset investment database.

`project_timeline` composes one small function per source (`SOURCES`); another source (lead
follow-ups, FAI reports…) is one more function returning `TimelineEvent`s, added to the list.
Each source reads with a fixed number of queries, so the whole timeline does too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.projects.models import (
    FaiRegistration,
    IssueStatus,
    MemberRole,
    Project,
    ProjectDocument,
    ProjectIssue,
    ServiceVisit,
    StageChange,
    TaskForce,
    TaskForceMember,
)
from kaifaqu.projects.selectors.leads import lead_follow_ups_for_project


@dataclass(frozen=True)
class TimelineEvent:
    """One dated thing that happened to a project."""

    on: date
    kind: str  # stage, correction, task_force, visit, issue_raised, issue_settled, document
    label: str  # the kind, in words (for the badge)
    title: str
    detail: str = ""
    who: str = ""
    url: str = ""
    # Within a day: the order the events happened in (a source's own order, e.g. record ids).
    order: tuple[int, int] = (0, 0)
    illustrative: bool = False

    @property
    def badge(self) -> str:
        return KIND_STYLE.get(self.kind, ("bg-secondary-lt", "•"))[0]

    @property
    def icon(self) -> str:
        return KIND_STYLE.get(self.kind, ("bg-secondary-lt", "•"))[1]


# Each kind's colour and a glyph drawn in its dot (no icon font: the platform runs offline).
KIND_STYLE: dict[str, tuple[str, str]] = {
    "stage": ("bg-blue-lt", "▲"),
    "task_force": ("bg-purple-lt", "◆"),
    "visit": ("bg-azure-lt", "●"),
    "issue_raised": ("bg-orange-lt", "!"),
    "issue_settled": ("bg-green-lt", "✓"),
    "document": ("bg-secondary-lt", "▤"),
    "follow_up": ("bg-cyan-lt", "◇"),
    "fai": ("bg-teal-lt", "¥"),
}


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _scoped(model: Any, user: User | None) -> QuerySet[Any]:
    """All records (the platform's own reads), or the user's."""
    manager = model._default_manager
    rows: QuerySet[Any] = manager.all() if user is None else manager.for_user(user)
    return rows


# --- the sources ------------------------------------------------------------------------------


def stage_events(project: Project, user: User | None) -> list[TimelineEvent]:
    """Each stage change; a corrected date says so, with the reason."""
    url = reverse("projects:project-detail", args=[project.pk]) + "#stage-history"
    events = []
    for change in StageChange.objects.filter(project=project).select_related("by"):
        if change.from_stage:
            title = _("%(from)s → %(to)s") % {
                "from": change.get_from_stage_display(),
                "to": change.get_to_stage_display(),
            }
        else:
            title = _("Registered as %(stage)s") % {"stage": change.get_to_stage_display()}
        detail = change.note
        if change.corrected_reason:
            corrected = _("Date corrected: %(reason)s") % {"reason": change.corrected_reason}
            detail = f"{detail} · {corrected}" if detail else corrected
        events.append(
            TimelineEvent(
                on=change.on,
                kind="stage",
                label=_("Stage"),
                title=title,
                detail=detail,
                who=_name(change.by),
                url=url,
                order=(0, change.pk),
            )
        )
    return events


def task_force_events(project: Project, user: User | None) -> list[TimelineEvent]:
    """The task force formed (with its first seats), changed (seats taken and left on a day)
    and dissolved."""
    task_force = (
        _scoped(TaskForce, user)
        .filter(project=project)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=TaskForceMember.objects.select_related("user").order_by("role", "id"),
            )
        )
        .first()
    )
    if task_force is None:
        return []
    url = reverse("projects:project-task-force", args=[project.pk])
    joined: dict[date, list[TaskForceMember]] = defaultdict(list)
    left: dict[date, list[TaskForceMember]] = defaultdict(list)
    for seat in task_force.members.all():
        joined[seat.joined_on].append(seat)
        if seat.left_on is not None and seat.left_on != task_force.dissolved_on:
            left[seat.left_on].append(seat)
    events = []
    for day in sorted(set(joined) | set(left)):
        came = ", ".join(_seat_text(seat) for seat in joined.get(day, []))
        went = ", ".join(seat.display_name for seat in left.get(day, []))
        parts = []
        if came:
            parts.append(_("joined: %(names)s") % {"names": came})
        if went:
            parts.append(_("left: %(names)s") % {"names": went})
        formed = day == task_force.formed_on
        events.append(
            TimelineEvent(
                on=day,
                kind="task_force",
                label=_("Task force"),
                title=(
                    _("Task force formed: %(name)s") % {"name": task_force}
                    if formed
                    else _("Task force changed")
                ),
                detail="; ".join(parts),
                url=url,
                order=(1, 0),
            )
        )
    if task_force.dissolved_on is not None:
        events.append(
            TimelineEvent(
                on=task_force.dissolved_on,
                kind="task_force",
                label=_("Task force"),
                title=_("Task force dissolved"),
                detail=task_force.dissolved_reason,
                url=url,
                order=(1, 1),
            )
        )
    return events


def _seat_text(seat: TaskForceMember) -> str:
    if seat.role == MemberRole.LEAD:
        return _("%(name)s (lead)") % {"name": seat.display_name}
    return seat.display_name


def visit_events(project: Project, user: User | None) -> list[TimelineEvent]:
    visits = (
        _scoped(ServiceVisit, user)
        .filter(project=project)
        .select_related("recorded_by")
        .prefetch_related("participants")
    )
    events = []
    for visit in visits:
        who = "、".join(_name(person) for person in visit.participants.all())
        if visit.others:
            who = f"{who}、{visit.others}" if who else visit.others
        events.append(
            TimelineEvent(
                on=visit.visited_on,
                kind="visit",
                label=_("Visit"),
                title=_("Service visit: met %(whom)s") % {"whom": visit.met_with},
                detail=visit.summary,
                who=who or _name(visit.recorded_by),
                url=visit.get_absolute_url(),
                order=(2, visit.pk),
                illustrative=visit.is_illustrative,
            )
        )
    return events


def issue_events(project: Project, user: User | None) -> list[TimelineEvent]:
    """Each issue raised and, once settled, resolved or closed."""
    issues = _scoped(ProjectIssue, user).filter(project=project).select_related("owner")
    events = []
    for issue in issues:
        url = issue.get_absolute_url()
        events.append(
            TimelineEvent(
                on=issue.raised_on,
                kind="issue_raised",
                label=_("Issue"),
                title=_("Issue raised: %(problem)s") % {"problem": issue},
                detail=_("Responsible: %(department)s; due %(date)s")
                % {"department": issue.department, "date": issue.due_on.isoformat()},
                who=_name(issue.owner),
                url=url,
                order=(3, issue.pk),
                illustrative=issue.is_illustrative,
            )
        )
        if issue.resolved_on is not None:
            resolved = issue.status == IssueStatus.RESOLVED
            events.append(
                TimelineEvent(
                    on=issue.resolved_on,
                    kind="issue_settled" if resolved else "issue_raised",
                    label=_("Issue"),
                    title=(
                        _("Issue resolved: %(problem)s")
                        if resolved
                        else _("Issue closed unresolved: %(problem)s")
                    )
                    % {"problem": issue},
                    detail=issue.resolution,
                    who=issue.department,
                    url=url,
                    order=(4, issue.pk),
                    illustrative=issue.is_illustrative,
                )
            )
    return events


def document_events(project: Project, user: User | None) -> list[TimelineEvent]:
    documents = _scoped(ProjectDocument, user).filter(project=project).select_related("uploaded_by")
    return [
        TimelineEvent(
            on=document.dated,
            kind="document",
            label=_("Document"),
            title=_("%(kind)s: %(title)s")
            % {"kind": document.get_kind_display(), "title": document.title},
            detail=document.original_name,
            who=_name(document.uploaded_by),
            url=document.get_absolute_url(),
            order=(5, document.pk),
            illustrative=document.is_illustrative,
        )
        for document in documents
    ]


def follow_up_events(project: Project, user: User | None) -> list[TimelineEvent]:
    """How the zone courted the investor before the project was registered (招商线索跟进)."""
    return [
        TimelineEvent(
            on=follow_up.on,
            kind="follow_up",
            label=_("Lead follow-up"),
            title=_("%(method)s: %(content)s")
            % {"method": follow_up.get_method_display(), "content": follow_up.content},
            detail=follow_up.next_step,
            who=_name(follow_up.by),
            url=follow_up.lead.get_absolute_url(),
            order=(0, follow_up.pk),
        )
        for follow_up in lead_follow_ups_for_project(project, user=user)
    ]


def fai_events(project: Project, user: User | None) -> list[TimelineEvent]:
    """The project's registration in the fixed-asset investment database (入库)."""
    registrations = (
        _scoped(FaiRegistration, user).filter(project=project).select_related("registered_by")
    )
    return [
        TimelineEvent(
            on=registration.registered_on,
            kind="fai",
            label=_("Investment database"),
            title=_("Registered in the fixed-asset investment database (入库)"),
            detail=registration.stats_code,
            who=_name(registration.registered_by),
            url=reverse("projects:fai-detail", args=[registration.pk]),
            order=(6, registration.pk),
            illustrative=registration.is_illustrative,
        )
        for registration in registrations
    ]


Source = Callable[[Project, User | None], Iterable[TimelineEvent]]

SOURCES: list[Source] = [
    follow_up_events,
    stage_events,
    task_force_events,
    visit_events,
    issue_events,
    document_events,
    fai_events,
]


def project_timeline(project: Project, *, user: User | None = None) -> list[TimelineEvent]:
    """Everything that happened to the project, newest first (within a day, the latest
    recorded first). With a user, only what the user may see: the zone's work on a project
    (task force, visits, issues, documents) is not shown to an enterprise's reporter."""
    events = [event for source in SOURCES for event in source(project, user)]
    return sorted(events, key=lambda event: (event.on, event.order), reverse=True)
