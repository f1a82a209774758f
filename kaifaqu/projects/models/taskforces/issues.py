"""Service visits (服务走访) and the issue list (问题清单)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TimeStampedModel

if TYPE_CHECKING:
    pass


from kaifaqu.projects.models.taskforces.scope import ProjectWorkQuerySet


class ServiceVisit(TimeStampedModel):
    """A service visit (服务走访/陪跑记录): who went, whom they met, what was discussed, what
    follows."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="service_visits",
    )
    visited_on = models.DateField(_("visited on"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who went"),
        blank=True,
        related_name="service_visits",
    )
    others = models.CharField(
        _("others who went"),
        max_length=300,
        blank=True,
        help_text=_("People who are not users, e.g. 市发改委 王科长."),
    )
    met_with = models.CharField(
        _("met with"), max_length=300, help_text=_("For example 企业总经理 李某、项目经理 张某.")
    )
    summary = models.TextField(_("what was discussed"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProjectWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("service visit (服务走访)")
        verbose_name_plural = _("service visits (服务走访)")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["project", "-visited_on"], name="proj_visit_project_on")]

    def __str__(self) -> str:
        return _("Visit of %(date)s") % {"date": self.visited_on.isoformat()}

    def get_absolute_url(self) -> str:
        return reverse("projects:project-task-force", args=[self.project_id]) + f"#visit-{self.pk}"


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open (待办)")
    IN_PROGRESS = "in_progress", _("In progress (办理中)")
    RESOLVED = "resolved", _("Resolved (已解决)")
    UNRESOLVABLE = "unresolvable", _("Closed unresolved (无法解决)")


# An issue still to be dealt with; the others are settled (with a resolution and its date).
PENDING = frozenset({IssueStatus.OPEN, IssueStatus.IN_PROGRESS})
SETTLED = frozenset({IssueStatus.RESOLVED, IssueStatus.UNRESOLVABLE})


class ProjectIssue(TimeStampedModel):
    """A problem on the project's issue list (问题清单), owned by a responsible department
    (责任单位) until it is resolved or closed."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="issues",
    )
    visit = models.ForeignKey(
        ServiceVisit,
        verbose_name=_("raised at the visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issues",
    )
    problem = models.TextField(_("problem"))
    department = models.CharField(
        _("responsible department (责任单位)"),
        max_length=100,
        help_text=_("For example 县自然资源局 or 管委会规划建设部."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_issues",
        help_text=_("A member of the zone's staff who follows the issue up."),
    )
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved or closed on"), null=True, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProjectWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue (问题清单)")
        verbose_name_plural = _("issues (问题清单)")
        ordering = ["status", "due_on", "id"]
        indexes = [
            # The overdue issues of a zone: the pending ones by due date.
            models.Index(fields=["status", "due_on"], name="proj_issue_status_due"),
            models.Index(fields=["project", "status"], name="proj_issue_project_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("raised_on")),
                name="proj_issue_due_after_raised",
                violation_error_message=_("The due date cannot be before the day it was raised."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=["open", "in_progress"], resolved_on__isnull=True)
                    | Q(
                        status__in=["resolved", "unresolvable"],
                        resolved_on__isnull=False,
                        resolved_on__gte=models.F("raised_on"),
                    )
                ),
                name="proj_issue_resolved_on_when_settled",
                violation_error_message=_(
                    "A resolved or closed issue has the date it was settled (not before it was "
                    "raised); an open one has none."
                ),
            ),
        ]

    def __str__(self) -> str:
        text = " ".join(self.problem.split())
        return text if len(text) <= 40 else f"{text[:39]}…"

    def get_absolute_url(self) -> str:
        return reverse("projects:project-issues", args=[self.project_id]) + f"#issue-{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    def days_overdue(self, today: date) -> int:
        """Days past the due date of a pending issue (0 when not overdue)."""
        if not self.is_pending or self.due_on >= today:
            return 0
        return (today - self.due_on).days

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.status in SETTLED and not self.resolution.strip():
            errors["resolution"] = _("Say how the issue was resolved, or why it cannot be.")
        if self.status in SETTLED and self.resolved_on is None:
            errors["resolved_on"] = _("Give the day the issue was resolved or closed.")
        visit = self.visit if self.visit_id is not None else None
        if visit is not None and self.project_id and visit.project_id != self.project_id:
            errors["visit"] = _("The visit is one of another project.")
        if errors:
            raise ValidationError(errors)
