"""The reporting month (报告期) of a zone: its window, the firms chased and those closed without a
return, and its close.

A zone's month is opened by the statistics office (or by the first return of the month, or by
`kfq month open-due` from the reporting calendar) with a deadline, and closed by the statistician
when every roster firm is accepted or recorded as not reported (未报) with a reason and a treatment.
A closed month takes no more returns; a correction after publication reopens it as a revision
(its `revision` counts them), which is closed and published again. Publication itself belongs to
the indicators (indicators.Publication): what is published is the month's indicator table.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import IsFirstOfMonth
from kaifaqu.core.models import TimeStampedModel
from kaifaqu.core.permissions import ScopedQuerySet
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Park, Region, Zone


class ReportingMonthStatus(models.TextChoices):
    OPEN = "open", _("Open for reporting")
    CLOSED = "closed", _("Closed")


class ReportingMonthQuerySet(ScopedQuerySet["ReportingMonth"]):
    def in_region(self, region: Region) -> Self:
        return self.filter(zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> Self:
        return self.filter(zone=zone)

    def in_park(self, park: Park) -> Self:
        return self.filter(zone=park.zone_id)

    def in_enterprise(self, enterprise: Enterprise) -> Self:
        # The month's progress is the statistics office's work; a firm sees its own return.
        return self.none()


class ReportingMonth(TimeStampedModel):
    zone = models.ForeignKey(
        "geo.Zone", verbose_name=_("zone"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ReportingMonthStatus.choices,
        default=ReportingMonthStatus.OPEN,
    )
    deadline = models.DateField(
        _("returns due by"),
        help_text=_("By default the zone's working day of the next month (reporting calendar)."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # 0 until a correction after publication reopens the month; each reopening adds one.
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    revision_reason = models.TextField(_("reason for the revision"), blank=True)

    objects = ReportingMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting month")
        verbose_name_plural = _("reporting months")
        ordering = ["-period", "zone__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "period"],
                name="returns_reporting_month_once",
                violation_error_message=_("The zone already has this reporting month."),
            ),
            models.CheckConstraint(
                name="returns_reporting_month_first_of_month",
                condition=IsFirstOfMonth("period"),
                violation_error_message=_("A month is stored as its first day."),
            ),
            models.CheckConstraint(
                name="returns_reporting_month_closed_has_time",
                condition=models.Q(status="open") | models.Q(closed_at__isnull=False),
                violation_error_message=_("A closed month records when it was closed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.period:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("returns:month-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == ReportingMonthStatus.OPEN

    @property
    def in_revision(self) -> bool:
        return self.is_open and self.revision > 0


class NonResponseReason(models.TextChoices):
    SUSPENDED = "suspended", _("Production suspended (停产)")
    DEREGISTERED = "deregistered", _("Deregistered or licence revoked (注销/吊销)")
    UNREACHABLE = "unreachable", _("Cannot be reached (联系不上)")
    REFUSED = "refused", _("Refused to report (拒报)")
    OTHER = "other", _("Other reason")


class NonResponseTreatment(models.TextChoices):
    """How the month counts a firm closed without a return (documented in the catalogue)."""

    ESTIMATE = "estimate", _("Estimated (估算), replaced by the return when it arrives")
    ZERO = "zero", _("Counted as nothing this month (its base of last year stays)")


# The treatment each reason takes unless the statistician chooses the other one: a firm that
# produced nothing adds nothing; a firm that produced but did not report is estimated.
DEFAULT_TREATMENT: dict[str, str] = {
    NonResponseReason.SUSPENDED: NonResponseTreatment.ZERO,
    NonResponseReason.DEREGISTERED: NonResponseTreatment.ZERO,
    NonResponseReason.UNREACHABLE: NonResponseTreatment.ESTIMATE,
    NonResponseReason.REFUSED: NonResponseTreatment.ESTIMATE,
    NonResponseReason.OTHER: NonResponseTreatment.ESTIMATE,
}


class NonResponse(models.Model):
    """A roster firm recorded as not reported (未报) for a month, with the reason and treatment."""

    reporting_month = models.ForeignKey(
        ReportingMonth,
        verbose_name=_("reporting month"),
        on_delete=models.CASCADE,
        related_name="non_responses",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=NonResponseReason.choices)
    treatment = models.CharField(_("treatment"), max_length=8, choices=NonResponseTreatment.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("firm not reported")
        verbose_name_plural = _("firms not reported")
        ordering = ["reporting_month", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_month", "enterprise"],
                name="returns_non_response_once",
                violation_error_message=_("The firm is already recorded as not reported."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reporting_month} {self.enterprise}"


class ReminderChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("Text message")
    VISIT = "visit", _("Visit")
    NOTICE = "notice", _("Written notice (催报通知)")


class Reminder(models.Model):
    """A reminder (催报) sent to a firm that has not reported: the chasing is on record."""

    reporting_month = models.ForeignKey(
        ReportingMonth,
        verbose_name=_("reporting month"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("how"), max_length=8, choices=ReminderChannel.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["reporting_month", "enterprise"], name="returns_reminder_firm")
        ]

    def __str__(self) -> str:
        return f"{self.reporting_month} {self.enterprise} {self.get_channel_display()}"


class MonthTally(models.Model):
    """A zone's month's firms counted by state, as `month_progress` counts them, and when
    (returns/selectors/tallies.py). Derived data, no one's record: the provincial office's page
    of every zone reads it instead of counting 200,000 firms at each request. A closed month's
    tally counted after its close stands (its returns cannot change); an open month's is counted
    again once older than a few seconds."""

    zone = models.ForeignKey(
        "geo.Zone", verbose_name=_("zone"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.DateField(_("month"))
    counted_at = models.DateTimeField(_("counted at"))
    expected = models.PositiveIntegerField(_("firms that report"), default=0)
    # state → firms (FirmState values).
    states = models.JSONField(_("firms by state"), default=dict)
    # Counted after the month was read as closed (so after the close's transaction committed).
    final = models.BooleanField(_("counted closed"), default=False)

    class Meta:
        verbose_name = _("month tally")
        verbose_name_plural = _("month tallies")
        constraints = [
            models.UniqueConstraint(fields=["zone", "period"], name="returns_month_tally_once")
        ]

    def __str__(self) -> str:
        return f"{self.zone_id} {self.period:%Y-%m}"
