"""Publication (审定发布) of a zone's month, and its revisions (修订).

The statistician publishes a closed reporting month (returns.ReportingMonth); from then on its
indicator table, warnings and target progress are shown outside the statistics office. A month
reopened for a correction is a revision: its reporting month's `revision` grows, the month and
the later months of its year (whose 1–N月 include it) are withdrawn from view until the revision
is closed and published again. Each publication is a row here: together they are the revision log.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import IsFirstOfMonth
from kaifaqu.core.permissions import ScopedQuerySet
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Park, Region, Zone


class PublicationQuerySet(ScopedQuerySet["Publication"]):
    def in_region(self, region: Region) -> Self:
        return self.filter(zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> Self:
        return self.filter(zone=zone)

    def in_park(self, park: Park) -> Self:
        return self.filter(zone=park.zone_id)

    def in_enterprise(self, enterprise: Enterprise) -> Self:
        return self.none()


class Publication(models.Model):
    zone = models.ForeignKey(
        "geo.Zone", verbose_name=_("zone"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.DateField(_("month"))
    # The reporting month's revision published: 0 the first publication, 1 the first revision…
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    # The month as published: the firms that had to report, accepted, estimated, not reported.
    firms = models.PositiveIntegerField(_("firms that report"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    estimated = models.PositiveIntegerField(_("estimated"), default=0)
    not_reported = models.PositiveIntegerField(_("not reported"), default=0)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-period", "zone__name", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "period", "revision"],
                name="indicators_publication_once",
                violation_error_message=_("This revision of the month is already published."),
            ),
            models.CheckConstraint(
                name="indicators_publication_first_of_month",
                condition=IsFirstOfMonth("period"),
                violation_error_message=_("A month is stored as its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.period:%Y-%m} r{self.revision}"
