"""What indicators are measured against: price indexes (PPI) and the targets of each zone.

Indicator codes are the catalogue's (statistics/indicators/): the figures computed from returns,
and the zone figures other offices publish (ReportedFigure's Indicator, except its
industrial_value_added, which is `value_added` computed from the returns).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import IsFirstOfMonth
from kaifaqu.core.models import IndustryClass, IndustryLevel, TimeStampedModel
from kaifaqu.core.permissions import ScopedQuerySet
from kaifaqu.indicators.models.figures import Indicator
from kaifaqu.indicators.models.provinces import ProvinceQuerySet, check_province, province_field

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone


class IndicatorCode(models.TextChoices):
    """The indicators a target can be set for; the codes are the indicator catalogue's."""

    GROSS_OUTPUT = "gross_output", _("Gross output of above-scale industry (规上工业总产值)")
    SALES_OUTPUT = "sales_output", _("Industrial sales output (工业销售产值)")
    SALES_RATE = "sales_rate", _("Product sales rate (产品销售率)")
    VALUE_ADDED = "value_added", _("Value added of above-scale industry (规上工业增加值)")
    REVENUE = "revenue", _("Operating revenue (营业收入)")
    TOTAL_PROFIT = "total_profit", _("Total profit (利润总额)")
    TAXES = "taxes", _("Total taxes (税金总额)")
    ELECTRICITY = "electricity", _("Electricity consumption (用电量)")
    EMPLOYEES = "employees", _("Persons employed (从业人员)")
    GDP = Indicator.GDP.value, Indicator.GDP.label
    FISCAL_REVENUE = Indicator.FISCAL_REVENUE.value, Indicator.FISCAL_REVENUE.label
    BUDGET_REVENUE = Indicator.BUDGET_REVENUE.value, Indicator.BUDGET_REVENUE.label
    FIXED_ASSET_INVESTMENT = (
        Indicator.FIXED_ASSET_INVESTMENT.value,
        Indicator.FIXED_ASSET_INVESTMENT.label,
    )
    RETAIL_SALES = Indicator.RETAIL_SALES.value, Indicator.RETAIL_SALES.label


# The unit of a target's value; every indicator not named here is money in 万元.
_OTHER_UNITS: dict[str, Promise | str] = {
    IndicatorCode.SALES_RATE: "%",
    IndicatorCode.ELECTRICITY: _("10,000 kWh"),
    IndicatorCode.EMPLOYEES: _("persons"),
}


def indicator_unit(code: str) -> Promise | str:
    return _OTHER_UNITS.get(code, _("10,000 yuan"))


# A producer price index covers industry: mining (B), manufacturing (C) and utilities (D).
INDUSTRY_SECTIONS = ("B", "C", "D")
TWO_DIGITS = re.compile(r"^\d{2}$")


def industrial_divisions() -> models.QuerySet[IndustryClass]:
    return IndustryClass.objects.filter(
        level=IndustryLevel.DIVISION, parent_id__in=INDUSTRY_SECTIONS
    ).order_by("code")


class PriceIndexQuerySet(ProvinceQuerySet["PriceIndex"]):
    # Each office user reads the indexes of its own province (every one has a province).
    pass


class PriceIndex(TimeStampedModel):
    """A province's producer price index (PPI, 工业生产者出厂价格指数) of a month, same month
    last year = 100.

    Value added at comparable prices divides each month's value added of an enterprise by the
    index of its province and division, or by its province's all-industry index (blank division)
    where the division has none; with neither, it is not computed (never deflated by 100).
    """

    region = province_field(
        required=True,
        help_text=_("The province whose statistics office publishes the index."),
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    division = models.CharField(
        _("industry division"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(TWO_DIGITS, _("Write the 2-digit division code, e.g. 30."))],
        help_text=_("GB/T 4754-2017 division (2 digits); blank for the index of all industry."),
    )
    value = models.DecimalField(
        _("index (same month last year = 100)"),
        max_digits=7,
        decimal_places=2,
        help_text=_("E.g. 104.30: prices 4.3 per cent above the same month of last year."),
    )
    source = models.CharField(_("source"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = PriceIndexQuerySet.as_manager()

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_priceindex"
        verbose_name = _("price index")
        verbose_name_plural = _("price indexes")
        ordering = ["-period", "division"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period", "division"],
                name="stat_price_index_once_per_province_month",
                violation_error_message=_("This index is already entered for the month."),
            ),
            models.CheckConstraint(
                name="stat_price_index_period_first_of_month",
                condition=IsFirstOfMonth("period"),
                violation_error_message=_("A month is stored as its first day."),
            ),
            models.CheckConstraint(
                name="stat_price_index_positive",
                condition=Q(value__gt=0),
                violation_error_message=_("A price index is above zero."),
            ),
        ]

    def __str__(self) -> str:
        division = self.division or gettext("all industry")
        return f"PPI {self.region.name} {self.period:%Y-%m} {division}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:priceindex-detail", args=[self.pk])

    def clean(self) -> None:
        if self.region_id is not None:
            check_province(self.region)
        # The format is the field validator's; here, whether the code names an industrial division.
        if (
            TWO_DIGITS.match(self.division)
            and not industrial_divisions().filter(code=self.division).exists()
        ):
            raise ValidationError(
                {
                    "division": _(
                        "“%(code)s” is not a division of mining, manufacturing or utilities "
                        "in GB/T 4754-2017."
                    )
                    % {"code": self.division}
                }
            )


class TargetKind(models.TextChoices):
    ANNUAL = "annual", _("Annual target (年度目标)")
    PLAN = "plan", _("Plan target (规划目标)")


class TargetQuerySet(ScopedQuerySet["Target"]):
    # Scoped like the zone figures they are compared with (ReportedFigure).
    def in_region(self, region: Region) -> TargetQuerySet:
        return self.filter(zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> TargetQuerySet:
        return self.filter(zone=zone)

    def in_park(self, park: Park) -> TargetQuerySet:
        return self.filter(zone_id=park.zone_id)

    def in_enterprise(self, enterprise: Enterprise) -> TargetQuerySet:
        return self.none()


class Target(TimeStampedModel):
    """A zone's target for an indicator: for a year (年度目标) or for a plan such as 十四五."""

    zone = models.ForeignKey(
        "geo.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="targets"
    )
    indicator = models.CharField(_("indicator"), max_length=32, choices=IndicatorCode.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), help_text=_("The year the target is for; for a plan, usually its last year.")
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=TargetKind.choices, default=TargetKind.ANNUAL
    )
    plan_name = models.CharField(
        _("plan"), max_length=50, blank=True, help_text=_("For a plan target, e.g. 十四五.")
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year of the plan"), null=True, blank=True
    )
    end_year = models.PositiveSmallIntegerField(_("last year of the plan"), null=True, blank=True)
    value = models.DecimalField(
        _("target value"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "In the indicator's unit: 万元 for money, 万千瓦时 for electricity, persons for "
            "employees, per cent for the sales rate."
        ),
    )
    growth_pct = models.DecimalField(
        _("target growth (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "8.00 means growth of 8 per cent: over the year before for an annual target, on "
            "average per year for a plan."
        ),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_target"
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["zone", "-year", "indicator", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "indicator", "year", "kind"],
                name="stat_target_once_per_year",
                violation_error_message=_(
                    "The zone already has a target of this kind for the indicator and year."
                ),
            ),
            models.CheckConstraint(
                name="stat_target_value_or_growth",
                condition=Q(value__isnull=False) | Q(growth_pct__isnull=False),
                violation_error_message=_("Give a target value, a target growth or both."),
            ),
            models.CheckConstraint(
                name="stat_target_plan_fields",
                condition=(
                    Q(
                        kind=TargetKind.ANNUAL,
                        plan_name="",
                        start_year__isnull=True,
                        end_year__isnull=True,
                    )
                    | (
                        Q(kind=TargetKind.PLAN, start_year__isnull=False, end_year__isnull=False)
                        & ~Q(plan_name="")
                    )
                ),
                violation_error_message=_(
                    "A plan target names its plan and its first and last years; an annual "
                    "target names none of them."
                ),
            ),
            models.CheckConstraint(
                name="stat_target_plan_end_after_start",
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                violation_error_message=_("A plan ends in or after the year it starts."),
            ),
            models.CheckConstraint(
                name="stat_target_year_in_plan",
                condition=Q(kind=TargetKind.ANNUAL)
                | Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(year__gte=F("start_year"), year__lte=F("end_year")),
                violation_error_message=_("The year of a plan target lies within the plan."),
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.plan_name} {self.year}" if self.plan_name else str(self.year)
        return f"{self.zone} {period} {self.get_indicator_display()}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:target-detail", args=[self.pk])

    @property
    def unit(self) -> Promise | str:
        return indicator_unit(self.indicator)
