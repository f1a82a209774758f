"""The task force (专班) of a project and its seats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TimeStampedModel

if TYPE_CHECKING:
    pass


from kaifaqu.projects.models.taskforces.scope import ProjectWorkQuerySet, TaskForceMemberQuerySet


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
