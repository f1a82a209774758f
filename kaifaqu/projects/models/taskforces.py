"""专班陪跑: the task force that runs alongside a project (its lead and members), its service
visits (服务走访), the project's issue list (问题清单) and the project's documents (项目文件).

Everything here belongs to a project and is seen by whoever sees the project in the zone's work
(province, zone, the project's park); an enterprise's reporter does not see the zone's working
notes on its project.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TimeStampedModel
from kaifaqu.core.permissions import Role, ScopedQuerySet

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone
    from kaifaqu.projects.models.projects import Project


class ProjectWorkQuerySet(ScopedQuerySet):
    """The records of the zone's work on a project: scoped through the project, never shown to
    an enterprise (its reporter sees its project, not the zone's notes and files on it)."""

    def in_region(self, region: Region) -> ProjectWorkQuerySet:
        return self.filter(project__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> ProjectWorkQuerySet:
        return self.filter(project__zone=zone)

    def in_park(self, park: Park) -> ProjectWorkQuerySet:
        return self.filter(project__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> ProjectWorkQuerySet:
        return self.none()


class TaskForceMemberQuerySet(ScopedQuerySet):
    def in_region(self, region: Region) -> TaskForceMemberQuerySet:
        return self.filter(task_force__project__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> TaskForceMemberQuerySet:
        return self.filter(task_force__project__zone=zone)

    def in_park(self, park: Park) -> TaskForceMemberQuerySet:
        return self.filter(task_force__project__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> TaskForceMemberQuerySet:
        return self.none()


# Who of a zone's users may sit on a project's task force: its leadership and the staff who run
# projects (a park's service centre only for projects of its park).
TASK_FORCE_ROLES = frozenset(
    {Role.ZONE_LEADER, Role.ZONE_ADMIN, Role.INVESTMENT_OFFICER, Role.PARK_SERVICE}
)


def task_force_staff(project: Project) -> Any:
    """The active users who may sit on the project's task force: its zone's leadership and
    project staff, and the service centre of the project's own park."""
    from kaifaqu.accounts.models import User

    in_park = Q(scope_park=project.park_id) if project.park_id else Q(pk__in=[])
    return User.objects.filter(
        Q(scope_zone=project.zone_id) | in_park,
        is_active=True,
        role__in=TASK_FORCE_ROLES,
    ).order_by("first_name", "username")


class TaskForce(TimeStampedModel):
    """The task force (专班) of a project: one per project, formed on a day, dissolved when its
    work is done (it can be formed again)."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="task_force",
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("For example 淮海钠电项目服务专班; left blank, the project's name is used."),
    )
    formed_on = models.DateField(_("formed on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    dissolved_reason = models.CharField(_("reason of the dissolution"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ProjectWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("task force (专班)")
        verbose_name_plural = _("task forces (专班)")
        ordering = ["project"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("formed_on")),
                name="proj_taskforce_dissolved_after_formed",
                violation_error_message=_("A task force cannot be dissolved before it was formed."),
            )
        ]

    def __str__(self) -> str:
        return self.name or str(_("Task force of %(project)s") % {"project": self.project})

    def get_absolute_url(self) -> str:
        return reverse("projects:project-task-force", args=[self.project_id])

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Lead (专班长)")
    MEMBER = "member", _("Member (成员)")


class TaskForceMember(models.Model):
    """A seat on a task force, from the day it was taken to the day it was left: a user of the
    zone's staff, or a person from outside (another office: 市发改委, 县自然资源局…)."""

    task_force = models.ForeignKey(
        TaskForce, verbose_name=_("task force"), on_delete=models.CASCADE, related_name="members"
    )
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_force_seats",
    )
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("For a person who is not a user.")
    )
    department = models.CharField(
        _("department"), max_length=100, blank=True, help_text=_("For example 市发改委.")
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = TaskForceMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("task force member")
        verbose_name_plural = _("task force members")
        ordering = ["task_force", "role", "joined_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="proj_tfmember_user_or_name",
                violation_error_message=_("A member is a user or a named person."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="proj_tfmember_left_after_joined",
                violation_error_message=_("A member cannot leave before joining."),
            ),
            models.UniqueConstraint(
                fields=["task_force"],
                condition=Q(role="lead", left_on__isnull=True),
                name="proj_tfmember_one_lead",
                violation_error_message=_("A task force has one lead at a time."),
            ),
            models.UniqueConstraint(
                fields=["task_force", "user"],
                condition=Q(left_on__isnull=True, user__isnull=False),
                name="proj_tfmember_user_once",
                violation_error_message=_("The user already sits on the task force."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id is not None and self.user is not None:
            person = self.user.get_full_name() or self.user.get_username()
        else:
            person = self.name
        return f"{person}（{self.department}）" if self.department else person

    @property
    def is_current(self) -> bool:
        return self.left_on is None


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


class DocumentKind(models.TextChoices):
    CONTRACT = "contract", _("Contract (合同)")
    APPROVAL = "approval", _("Approval (批复)")
    FILING = "filing", _("Filing (备案)")
    DRAWING = "drawing", _("Drawing (图纸)")
    OTHER = "other", _("Other (其他)")


# What a project document may be: office documents, PDF/OFD and pictures; nothing a browser
# would run (html, svg) and no archives.
DOCUMENT_EXTENSIONS = ("pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png")


def document_path(instance: ProjectDocument, filename: str) -> str:
    """Where an upload is stored under MEDIA_ROOT: the zone's folder and a random name that
    cannot be guessed (the original name is kept on the record, for the download)."""
    suffix = PurePosixPath(filename).suffix.lower()
    zone = instance.project.zone_id if instance.project_id else "unknown"
    return f"projects/{zone}/{uuid.uuid4().hex}{suffix}"


class ProjectDocument(TimeStampedModel):
    """A file of the project (项目文件): contract, approval, filing, drawing. Stored under
    MEDIA_ROOT, never served publicly: downloaded through a view that checks the user's scope."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    dated = models.DateField(_("date of the document"))
    file = models.FileField(
        _("file"),
        upload_to=document_path,
        max_length=200,
        validators=[FileExtensionValidator(list(DOCUMENT_EXTENSIONS))],
    )
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProjectWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("project document (项目文件)")
        verbose_name_plural = _("project documents (项目文件)")
        ordering = ["-dated", "-id"]
        indexes = [models.Index(fields=["project", "-dated"], name="proj_document_project_on")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project-document-download", args=[self.project_id, self.pk])
