"""The issue list (问题清单): raising, editing and moving issues along their transitions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.projects.models import (
    IssueStatus,
    Project,
    ProjectIssue,
    ServiceVisit,
    task_force_staff,
)
from kaifaqu.projects.services.taskforces.common import (
    ISSUE_FIELDS,
    ISSUE_TRANSITIONS,
    ensure_writer,
    not_in_future,
)


def _check_owner(project: Project, owner: Any) -> None:
    if owner is not None and not task_force_staff(project).filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": _("The owner must be a member of the staff of the project's zone.")}
        )


@transaction.atomic
def issue_raise(
    *,
    by: User | None,
    project: Project,
    data: dict[str, Any],
    visit: ServiceVisit | None = None,
) -> ProjectIssue:
    """Put a problem on the project's issue list, open, with its responsible department and due
    date (raised today unless given)."""
    ensure_writer(by, ProjectIssue, project)
    fields = {key: value for key, value in data.items() if key in ISSUE_FIELDS}
    fields.setdefault("raised_on", timezone.localdate())
    issue = ProjectIssue(
        project=project, visit=visit, status=IssueStatus.OPEN, raised_by=by, **fields
    )
    issue.full_clean()
    not_in_future(issue.raised_on, "raised_on")
    _check_owner(project, issue.owner)
    with acting_as(by):
        issue.save()
    return issue


@transaction.atomic
def issue_update(*, by: User, issue: ProjectIssue, data: dict[str, Any]) -> ProjectIssue:
    """Change an issue's problem, department, owner or dates (its status moves only through
    `issue_transition`)."""
    issue = ProjectIssue.objects.select_for_update().get(pk=issue.pk)
    ensure_writer(by, ProjectIssue, issue.project)
    for key, value in data.items():
        if key in ISSUE_FIELDS:
            setattr(issue, key, value)
    issue.full_clean()
    not_in_future(issue.raised_on, "raised_on")
    _check_owner(issue.project, issue.owner)
    with acting_as(by):
        issue.save()
    return issue


def allowed_issue_statuses(issue: ProjectIssue) -> tuple[str, ...]:
    return ISSUE_TRANSITIONS.get(issue.status, ())


@transaction.atomic
def issue_transition(
    *,
    by: User | None,
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
    ensure_writer(by, ProjectIssue, issue.project)
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
