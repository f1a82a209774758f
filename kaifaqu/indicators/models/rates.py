"""Value-added rates (增加值率) by industry division and year, of a province or national.

The rates without a province are the national reference shipped with the platform
(`data/value_added_rates.csv`); a province's statistics office enters its own, which override
the national ones for that province's zones (`indicators/engine/enterprise.py`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaifaqu.indicators.models.inputs import industrial_divisions
from kaifaqu.indicators.models.provinces import ProvinceQuerySet, check_province, province_field


class ValueAddedRateQuerySet(ProvinceQuerySet["ValueAddedRate"]):
    pass


class ValueAddedRate(models.Model):
    """The share of gross output at current prices that is value added, for a division and year."""

    region = province_field(
        required=False,
        help_text=_(
            "Blank for the national reference shipped with the platform; a province's own rate "
            "overrides it for that province's zones."
        ),
    )
    division = models.ForeignKey(
        "core.IndustryClass",
        verbose_name=_("industry division"),
        on_delete=models.PROTECT,
        related_name="value_added_rates",
        limit_choices_to={"level": "division"},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rate = models.DecimalField(
        _("value-added rate"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A decimal: 0.2850 means 28.50 per cent of gross output."),
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_(
            "Where the rate comes from, e.g. 省统计局 2025年规上工业增加值率. Required when entered."
        ),
    )
    note = models.CharField(_("source or note"), max_length=200, blank=True)

    objects = ValueAddedRateQuerySet.as_manager()

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_valueaddedrate"
        verbose_name = _("value-added rate")
        verbose_name_plural = _("value-added rates")
        ordering = ["year", "division"]
        constraints = [
            # Two conditional constraints rather than one with NULLS NOT DISTINCT, which SQLite
            # lacks: one national rate and one rate per province for a division and year.
            models.UniqueConstraint(
                fields=["division", "year"],
                condition=Q(region__isnull=True),
                name="stat_va_rate_national_once_per_year",
                violation_error_message=_(
                    "This division already has a national rate for the year."
                ),
            ),
            models.UniqueConstraint(
                fields=["region", "division", "year"],
                condition=Q(region__isnull=False),
                name="stat_va_rate_province_once_per_year",
                violation_error_message=_(
                    "This division already has a rate of the province for the year."
                ),
            ),
            models.CheckConstraint(
                name="stat_va_rate_between_0_and_1",
                condition=models.Q(rate__gte=0, rate__lte=1),
                violation_error_message=_("A value-added rate lies between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region is not None else gettext("national")
        return f"{where} {self.division_id} {self.year} {self.rate}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:valueaddedrate-detail", args=[self.pk])

    def clean(self) -> None:
        if self.region_id is not None:
            check_province(self.region)
        # A rate is of industry (mining, manufacturing, utilities), as value added is computed.
        if self.division_id and not industrial_divisions().filter(pk=self.division_id).exists():
            raise ValidationError(
                {"division": _("Choose a division of mining, manufacturing or utilities.")}
            )
