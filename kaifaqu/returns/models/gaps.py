"""应统尽统: enterprises that should be counted and are not, each followed up by a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TimeStampedModel
from kaifaqu.core.permissions import ScopedQuerySet
from kaifaqu.enterprises.models import StatCategory

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone


class GapKind(models.TextChoices):
    NOT_REPORTED = "not_reported", _("On the roster, no return by the deadline")
    OUTSIDE_ROSTER = "outside_roster", _("Above the threshold, not on the roster")


class GapStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class GapQuerySet(ScopedQuerySet["Gap"]):
    def in_region(self, region: Region) -> GapQuerySet:
        return self.filter(enterprise__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> GapQuerySet:
        return self.filter(enterprise__zone=zone)

    def in_park(self, park: Park) -> GapQuerySet:
        return self.filter(enterprise__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> GapQuerySet:
        # Gaps are the statistics office's follow-up list, not the enterprise's.
        return self.none()


class Gap(TimeStampedModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="statistics_gaps",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=GapKind.choices)
    period = models.DateField(
        _("month"), null=True, blank=True, help_text=_("The month not reported, for that kind.")
    )
    category = models.CharField(_("category"), max_length=20, choices=StatCategory.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=GapStatus.choices, default=GapStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = GapQuerySet.as_manager()

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_gap"
        verbose_name = _("statistics gap")
        verbose_name_plural = _("statistics gaps")
        ordering = ["status", "-period", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "period", "category"],
                name="stat_gap_once",
                violation_error_message=_("This gap is already on the list."),
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                name="stat_gap_not_reported_has_month",
                condition=~Q(kind="not_reported") | Q(period__isnull=False),
                violation_error_message=_("A missing return names its month."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()}"
