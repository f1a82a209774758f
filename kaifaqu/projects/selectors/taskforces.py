"""Reads of 专班陪跑: a project's task force, visits, issues and documents; the overdue issues of
everything the user sees. Every read starts from for_user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet

from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import user_may
from kaifaqu.geo.models import Zone
from kaifaqu.projects.models import (
    PENDING,
    Project,
    ProjectDocument,
    ProjectIssue,
    ServiceVisit,
    TaskForce,
    TaskForceMember,
)


def may_see_project_work(user: User) -> bool:
    """Whether the user sees the zone's work on the projects it sees (task force, visits, issues,
    documents): everyone but an enterprise's reporter, as `ProjectWorkQuerySet.for_user` has it;
    for the tabs and links of the pages, which must not offer what would be empty."""
    return user_may(user, "projects.see_zone_work")


def zone_staff(*, user: User) -> QuerySet[User]:
    """The active users working in the zones this user sees (a zone's office or one of its
    parks'): whom a task force, a visit or an issue of those zones may name. The services check
    the project's own zone; a user outside these is not even looked at (its name stays unsaid)."""
    zones = Zone.objects.for_user(user).values("pk")
    return User.objects.filter(
        Q(scope_zone__in=zones) | Q(scope_park__zone__in=zones), is_active=True
    ).order_by("first_name", "username")


def project_task_force(*, user: User, project: Project) -> TaskForce | None:
    """The project's task force with its seats (current first, then past), if the user may see
    it."""
    # Current seats (no leaving day) first on every database: PostgreSQL sorts nulls last.
    seats = TaskForceMember.objects.select_related("user").order_by(
        F("left_on").asc(nulls_first=True), "role", "joined_on", "id"
    )
    return (
        TaskForce.objects.for_user(user)
        .filter(project=project)
        .prefetch_related(Prefetch("members", queryset=seats))
        .first()
    )


def project_visits(*, user: User, project: Project) -> QuerySet[ServiceVisit]:
    return (
        ServiceVisit.objects.for_user(user)
        .filter(project=project)
        .select_related("recorded_by")
        .prefetch_related("participants", "issues")
        .order_by("-visited_on", "-id")
    )


def project_issues(*, user: User, project: Project) -> QuerySet[ProjectIssue]:
    """The project's issue list: pending ones first, by due date; then the settled ones."""
    return (
        ProjectIssue.objects.for_user(user)
        .filter(project=project)
        .select_related("owner", "visit")
        # Pending (not resolved) first on every database: PostgreSQL sorts nulls last.
        .order_by(F("resolved_on").asc(nulls_first=True), "due_on", "id")
    )


def project_documents(*, user: User, project: Project) -> QuerySet[ProjectDocument]:
    return (
        ProjectDocument.objects.for_user(user)
        .filter(project=project)
        .select_related("uploaded_by")
        .order_by("-dated", "-id")
    )


def overdue_q(today: date) -> Q:
    """An issue overdue on `today`: pending (open or in progress) and due before it."""
    return Q(status__in=PENDING, due_on__lt=today)


def overdue_issues(user: User, today: date) -> QuerySet[ProjectIssue]:
    """The issues the user may see that are overdue on `today`: not resolved or closed, and due
    before `today` (an issue due today is not yet overdue). Most overdue first (earliest due
    date); `issue.days_overdue(today)` gives the days."""
    return (
        ProjectIssue.objects.for_user(user)
        .filter(overdue_q(today))
        .select_related("project", "project__zone", "project__park", "owner")
        .order_by("due_on", "project__name", "id")
    )


def overdue_issue_count(user: User, today: date) -> int:
    return overdue_issues(user, today).order_by().count()


@dataclass(frozen=True)
class IssueCounts:
    pending: int
    overdue: int
    settled: int


def project_issue_counts(*, user: User, project: Project, today: date) -> IssueCounts:
    """One query: the project's pending, overdue and settled issues."""
    row = (
        ProjectIssue.objects.for_user(user)
        .filter(project=project)
        .aggregate(
            pending=Count("pk", filter=Q(status__in=PENDING)),
            overdue=Count("pk", filter=overdue_q(today)),
            settled=Count("pk", filter=~Q(status__in=PENDING)),
        )
    )
    return IssueCounts(pending=row["pending"], overdue=row["overdue"], settled=row["settled"])


def overdue_departments(issues: QuerySet[ProjectIssue]) -> list[str]:
    """The responsible departments that have overdue issues, for the page's filter."""
    return sorted(set(issues.order_by().values_list("department", flat=True).distinct()))
