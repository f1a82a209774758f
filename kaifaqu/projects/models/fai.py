"""The fixed-asset investment project database (固定资产投资项目库): a started project with a
计划总投资 of 500 万元 or more is registered (入库) and then reports, month by month, the investment
it completed (本月完成投资) and its total since the start (自开工累计完成投资). "先入库，后有数": the
zone's 固定资产投资 is the sum of those reports."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import IsFirstOfMonth
from kaifaqu.core.models import TimeStampedModel
from kaifaqu.core.permissions import ScopedQuerySet
from kaifaqu.projects.models.projects import MONEY, Stage

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone

# The national rule: projects with a planned total investment of 5 million yuan or more are
# counted (计划总投资 500 万元及以上). The one place the threshold is written.
FAI_THRESHOLD = Decimal("500")  # 万元

# The stages of a project that has started (开工) and not left the line: only these can be newly
# registered. A registered project that stalls or is terminated stays registered (its reports
# are history and count in their months).
FAI_STAGES: tuple[str, ...] = (
    Stage.STARTED,
    Stage.BUILDING,
    Stage.COMMISSIONED,
    Stage.AT_CAPACITY,
)


class FaiRegistrationQuerySet(ScopedQuerySet["FaiRegistration"]):
    def in_region(self, region: Region) -> FaiRegistrationQuerySet:
        return self.filter(project__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> FaiRegistrationQuerySet:
        return self.filter(project__zone=zone)

    def in_park(self, park: Park) -> FaiRegistrationQuerySet:
        return self.filter(project__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> FaiRegistrationQuerySet:
        # The database is the zone's statistical work, not the enterprise's.
        return self.none()


class FaiRegistration(TimeStampedModel):
    """A project registered in the fixed-asset investment database (入库), once."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="fai_registration",
    )
    registered_on = models.DateField(_("registered on (入库日期)"))
    stats_code = models.CharField(
        _("statistical project code (统计库项目代码)"),
        max_length=40,
        blank=True,
        help_text=_("The code the statistics bureau's project database gives the project."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("A plausible record added for the demo; not a real registration."),
    )

    objects = FaiRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("FAI registration (固定资产投资入库)")
        verbose_name_plural = _("FAI registrations (固定资产投资入库)")
        ordering = ["project__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["stats_code"],
                condition=~Q(stats_code=""),
                name="proj_fai_unique_stats_code",
                violation_error_message=_(
                    "Another registered project already has this statistical project code."
                ),
            )
        ]

    def __str__(self) -> str:
        return str(self.project)

    def get_absolute_url(self) -> str:
        return reverse("projects:fai-detail", args=[self.pk])


class FaiReportQuerySet(ScopedQuerySet["FaiReport"]):
    def in_region(self, region: Region) -> FaiReportQuerySet:
        return self.filter(registration__project__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> FaiReportQuerySet:
        return self.filter(registration__project__zone=zone)

    def in_park(self, park: Park) -> FaiReportQuerySet:
        return self.filter(registration__project__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> FaiReportQuerySet:
        return self.none()


class FaiReport(TimeStampedModel):
    """A registered project's investment completed in a month (月度投资完成额).

    `cumulative` (自开工累计) is the previous report's cumulative plus this month's; the first
    report's cumulative may exceed its month by what was invested before reporting began.
    """

    registration = models.ForeignKey(
        FaiRegistration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    month = models.DateField(_("month"))
    month_amount = models.DecimalField(_("completed this month (本月完成投资, 万元)"), **MONEY)  # type: ignore[arg-type]
    cumulative = models.DecimalField(
        _("completed since the start (自开工累计完成投资, 万元)"),
        **MONEY,  # type: ignore[arg-type]
    )
    # Why the cumulative is above the planned total investment: required then, kept with the report.
    above_plan_note = models.CharField(
        _("explanation of the amount above the plan"), max_length=300, blank=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("A plausible figure added for the demo; the article gives no monthly figures."),
    )

    objects = FaiReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly investment report (月度投资完成额)")
        verbose_name_plural = _("monthly investment reports (月度投资完成额)")
        ordering = ["registration", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "month"],
                name="proj_fai_report_once_a_month",
                violation_error_message=_("The project has already reported this month."),
            ),
            models.CheckConstraint(
                condition=IsFirstOfMonth("month"),
                name="proj_fai_report_month_first_day",
                violation_error_message=_("A month is stored as its first day."),
            ),
            models.CheckConstraint(
                condition=Q(cumulative__gte=models.F("month_amount")),
                name="proj_fai_report_cumulative_covers_month",
                violation_error_message=_(
                    "The investment completed since the start cannot be less than this month's."
                ),
            ),
        ]
        indexes = [
            # The zone's month and 1–N月: every report of a range of months.
            models.Index(fields=["month", "registration"], name="proj_fai_report_month"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.month:%Y-%m}"
