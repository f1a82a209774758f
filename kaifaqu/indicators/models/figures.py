from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TimeStampedModel
from kaifaqu.core.permissions import ScopedQuerySet

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone


class Indicator(models.TextChoices):
    """Zone-level headline figures; those published by other offices are entered with a source."""

    GDP = "gdp", _("GDP (地区生产总值)")
    FISCAL_REVENUE = "fiscal_revenue", _("Total fiscal revenue (财政总收入)")
    BUDGET_REVENUE = "budget_revenue", _("General public budget revenue (一般公共预算收入)")
    INDUSTRIAL_VALUE_ADDED = (
        "industrial_value_added",
        _("Value added of above-scale industry (规上工业增加值)"),
    )
    FIXED_ASSET_INVESTMENT = "fixed_asset_investment", _("Fixed-asset investment (固定资产投资)")
    RETAIL_SALES = "retail_sales", _("Retail sales of consumer goods (社会消费品零售总额)")


class ReportedFigureQuerySet(ScopedQuerySet["ReportedFigure"]):
    def in_region(self, region: Region) -> ReportedFigureQuerySet:
        return self.filter(zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> ReportedFigureQuerySet:
        return self.filter(zone=zone)

    def in_park(self, park: Park) -> ReportedFigureQuerySet:
        return self.filter(zone_id=park.zone_id)

    def in_enterprise(self, enterprise: Enterprise) -> ReportedFigureQuerySet:
        # Zone aggregates are published figures, but an enterprise user has no use for them.
        return self.none()


class ReportedFigure(TimeStampedModel):
    """A zone figure for a year (or its 1–N月 part) as entered, with where it comes from."""

    zone = models.ForeignKey(
        "geo.Zone",
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        related_name="reported_figures",
    )
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    months = models.PositiveSmallIntegerField(
        _("months covered"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("12 for the whole year; N for the cumulative 1–N月 figure."),
    )
    value = models.DecimalField(_("value (万元)"), max_digits=16, decimal_places=4)
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source link"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReportedFigureQuerySet.as_manager()

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_reportedfigure"
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        ordering = ["zone", "-year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "indicator", "year", "months"],
                name="stat_figure_unique_period",
                violation_error_message=_("This figure has already been entered for the period."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.year} {self.get_indicator_display()}"
