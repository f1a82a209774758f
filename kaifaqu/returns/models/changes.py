"""Months of a zone whose counted returns changed since the indicator table last followed.

Written by the returns services in the transaction that changes the returns (an acceptance, an
import that changes accepted returns): one row per (zone, month), upserted with the time of the
latest change. The roll-up task (indicators/tasks.py) rolls the marked zones up and then removes
the marks it handled: only those whose `marked_at` it read, so a month marked again meanwhile stays
marked for the next run.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import IsFirstOfMonth


class ChangedMonth(models.Model):
    zone = models.ForeignKey(
        "geo.Zone", verbose_name=_("zone"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.DateField(_("month"))
    marked_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("changed month")
        verbose_name_plural = _("changed months")
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "period"],
                name="returns_changed_month_one_per_zone",
                violation_error_message=_("The month of this zone is already marked."),
            ),
            models.CheckConstraint(
                name="returns_changed_month_first_of_month",
                condition=IsFirstOfMonth("period"),
                violation_error_message=_("A month is stored as its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone_id} {self.period:%Y-%m}"
