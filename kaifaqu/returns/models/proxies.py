"""Figures from other offices that stand in for revenue when a firm does not report (上规入统).

The tax bureau gives a firm's tax (应纳税额) and the grid its electricity (用电量); a firm's revenue
is estimated from them with the ratios of reporting firms of the same industry.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Self

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import IsFirstOfMonth
from kaifaqu.core.models import TimeStampedModel
from kaifaqu.core.permissions import AskingUser, ScopedQuerySet, user_may

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone


class ProxyKind(models.TextChoices):
    TAX = "tax", _("Tax payable, from the tax bureau (万元)")
    ELECTRICITY = "electricity", _("Electricity consumed, from the grid (万千瓦时)")


# The Return field each proxy is compared with to estimate revenue.
PROXY_RETURN_FIELD: dict[str, str] = {ProxyKind.TAX: "taxes", ProxyKind.ELECTRICITY: "electricity"}


class ProxyFigureQuerySet(ScopedQuerySet["ProxyFigure"]):
    def for_user(self, user: AskingUser) -> Self:
        """Firms' tax and electricity figures: none unless the user may read the zone's firms'
        figures (统计法), then those of the user's scope."""
        if not user_may(user, "returns.see_zone_figures"):
            return self.none()
        return super().for_user(user)

    def in_region(self, region: Region) -> ProxyFigureQuerySet:
        return self.filter(enterprise__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> ProxyFigureQuerySet:
        return self.filter(enterprise__zone=zone)

    def in_park(self, park: Park) -> ProxyFigureQuerySet:
        return self.filter(enterprise__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> ProxyFigureQuerySet:
        # Other offices' data on a firm is the statistics office's working material.
        return self.none()


class ProxyFigure(TimeStampedModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="proxy_figures",
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    kind = models.CharField(_("kind"), max_length=12, choices=ProxyKind.choices)
    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    source = models.CharField(_("source"), max_length=200)

    objects = ProxyFigureQuerySet.as_manager()

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_proxyfigure"
        verbose_name = _("proxy figure")
        verbose_name_plural = _("proxy figures")
        ordering = ["-period", "enterprise__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "kind"],
                name="stat_proxy_one_per_month",
                violation_error_message=_("This figure is already entered for the month."),
            ),
            models.CheckConstraint(
                name="stat_proxy_period_first_of_month",
                condition=IsFirstOfMonth("period"),
                violation_error_message=_("A month is stored as its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period:%Y-%m} {self.get_kind_display()}"
