"""What the writes of 专班陪跑 share: the fields each takes, the issue transitions, who may write."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import can_write
from kaifaqu.projects.models import (
    IssueStatus,
    Project,
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


def ensure_writer(by: User | None, model: type[models.Model], project: Project) -> None:
    """The user may keep this kind of record, on a project their scope shows them."""
    if by is None:
        return
    if not can_write(by, model):
        raise PermissionDenied(_("You may not change this record."))
    if not Project.objects.for_user(by).filter(pk=project.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))


def not_in_future(on: date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
