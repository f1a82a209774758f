"""Project warnings (项目预警): what the zone's leadership is told to push.

Three kinds, each a set-based read in the user's scope:

- **no progress** — a project on the line (not yet 达产; a stalled one too) with no stage change,
  service visit or monthly investment report for longer than its zone's norm
  (`ProjectSettings.stale_days`, 90 days unless the zone changed it);
- **overdue issue** — an issue of a project's issue list not settled by its due date
  (`overdue_issues`);
- **no investment report** — a started project of the investment database (or eligible for it)
  without its report for the last complete month (`started_without_reports`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.models import (
    LIFECYCLE,
    FaiReport,
    Project,
    ProjectIssue,
    ProjectSettings,
    ServiceVisit,
    Stage,
)
from kaifaqu.projects.selectors.fai import started_without_reports
from kaifaqu.projects.selectors.taskforces import overdue_issues

# The stages whose projects are expected to move: the line up to 投产, and stalled ones.
ACTIVE_STAGES: tuple[str, ...] = (*LIFECYCLE[:-1], Stage.STALLED)
DEFAULT_STALE_DAYS = ProjectSettings._meta.get_field("stale_days").default
# A page shows the longest-idle first, at most this many a kind; the counts are whole.
SHOWN = 200


@dataclass(frozen=True)
class StaleProject:
    project: Project
    last_progress: date
    days: int  # days since the last progress
    norm: int  # the zone's norm, in days


@dataclass(frozen=True)
class OverdueIssue:
    issue: ProjectIssue
    days: int  # days past its due date


@dataclass
class ProjectWarnings:
    today: date
    report_month: Month  # the month whose investment reports are due
    stale: list[StaleProject] = field(default_factory=list)
    stale_count: int = 0
    overdue: list[OverdueIssue] = field(default_factory=list)
    overdue_count: int = 0
    missing: list[Project] = field(default_factory=list)
    missing_count: int = 0


def report_month_of(today: date) -> Month:
    """The month whose investment reports are due on `today`: the last complete one."""
    return Month.of(today).shift(-1)


def _norms(zone_ids: QuerySet[Any]) -> dict[int, int]:
    """Zones whose norm differs from the default: zone id → days."""
    return dict(
        ProjectSettings.objects.filter(zone_id__in=zone_ids)
        .exclude(stale_days=DEFAULT_STALE_DAYS)
        .values_list("zone_id", "stale_days")
    )


def _idle_since(cutoff: date) -> Q:
    """No stage change, visit or investment report on or after `cutoff`."""
    visited = ServiceVisit.objects.filter(project=OuterRef("pk"), visited_on__gte=cutoff)
    # A report of a month counts from the month's first day (it is filed after the month).
    reported = FaiReport.objects.filter(registration__project=OuterRef("pk"), month__gte=cutoff)
    return Q(stage_since__lt=cutoff) & ~Exists(visited) & ~Exists(reported)


def stale_projects(
    *, projects: QuerySet[Project], today: date, norms: dict[int, int] | None = None
) -> QuerySet[Project]:
    """The projects (of `projects`) without progress for longer than their zone's norm,
    annotated with the day of their last progress (`last_progress`: the latest of their stage
    change, service visit and reported month); one query."""
    if norms is None:
        norms = _norms(projects.order_by().values("zone_id"))
    condition = Q(zone_id__in=list(norms)) if norms else Q(pk__in=[])
    stale = ~condition & _idle_since(today - timedelta(days=DEFAULT_STALE_DAYS))
    for zone_id, days in norms.items():
        stale |= Q(zone_id=zone_id) & _idle_since(today - timedelta(days=days))
    last_visit = (
        ServiceVisit.objects.filter(project=OuterRef("pk"))
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    last_report = (
        FaiReport.objects.filter(registration__project=OuterRef("pk"))
        .order_by("-month")
        .values("month")[:1]
    )
    return (
        projects.filter(stage__in=ACTIVE_STAGES)
        .filter(stale)
        .annotate(
            last_progress=Greatest(
                F("stage_since"),
                Coalesce(Subquery(last_visit), F("stage_since")),
                Coalesce(Subquery(last_report), F("stage_since")),
            )
        )
    )


@dataclass(frozen=True)
class _Sets:
    stale: QuerySet[Project]
    overdue: QuerySet[ProjectIssue]
    missing: QuerySet[Project]
    month: Month
    norms: dict[int, int]  # the zones' norms that differ from the default


def _sets(user: User, today: date, zone: Zone | None, park: Park | None) -> _Sets:
    projects = Project.objects.for_user(user)
    issues = overdue_issues(user, today)
    if zone is not None:
        projects = projects.filter(zone=zone)
        issues = issues.filter(project__zone=zone)
    if park is not None:
        projects = projects.filter(park=park)
        issues = issues.filter(project__park=park)
    month = report_month_of(today)
    missing = started_without_reports(user=user, month=month).filter(
        pk__in=projects.order_by().values("pk")
    )
    norms = _norms(projects.order_by().values("zone_id"))
    return _Sets(
        stale=stale_projects(projects=projects, today=today, norms=norms),
        overdue=issues,
        missing=missing,
        month=month,
        norms=norms,
    )


@dataclass(frozen=True)
class WarningCounts:
    stale: int
    overdue: int
    missing: int
    report_month: Month


def project_warning_counts(
    *, user: User, today: date, zone: Zone | None = None, park: Park | None = None
) -> WarningCounts:
    """How many warnings of each kind (for a cockpit's card): three counting queries."""
    sets = _sets(user, today, zone, park)
    return WarningCounts(
        stale=sets.stale.order_by().count(),
        overdue=sets.overdue.order_by().count(),
        missing=sets.missing.order_by().count(),
        report_month=sets.month,
    )


def project_warnings(
    *,
    user: User,
    today: date,
    zone: Zone | None = None,
    park: Park | None = None,
    limit: int | None = SHOWN,
) -> ProjectWarnings:
    """The warnings of the projects the user sees (of one zone or park, if given): the whole
    counts, and the first `limit` of each kind (the longest without progress, the most overdue;
    every one with `limit=None`, for a workbook)."""
    sets = _sets(user, today, zone, park)
    stale = sets.stale.select_related("zone", "park")
    rows = [
        StaleProject(
            project=project,
            last_progress=project.last_progress,  # type: ignore[attr-defined]
            days=(today - project.last_progress).days,  # type: ignore[attr-defined]
            norm=sets.norms.get(project.zone_id, DEFAULT_STALE_DAYS),
        )
        for project in stale.order_by("last_progress", "name")[:limit]
    ]
    return ProjectWarnings(
        today=today,
        report_month=sets.month,
        stale=rows,
        stale_count=sets.stale.order_by().count(),
        overdue=[OverdueIssue(issue, issue.days_overdue(today)) for issue in sets.overdue[:SHOWN]],
        overdue_count=sets.overdue.order_by().count(),
        missing=list(sets.missing[:limit]),
        missing_count=sets.missing.order_by().count(),
    )
