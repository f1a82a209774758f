"""Value-added rates (增加值率) by industry division and year: reference data, not business data."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ValueAddedRate(models.Model):
    """The share of gross output at current prices that is value added, for a division and year."""

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
    note = models.CharField(_("source or note"), max_length=200, blank=True)

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_valueaddedrate"
        verbose_name = _("value-added rate")
        verbose_name_plural = _("value-added rates")
        ordering = ["year", "division"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year"],
                name="stat_va_rate_once_per_year",
                violation_error_message=_("This division already has a rate for the year."),
            ),
            models.CheckConstraint(
                name="stat_va_rate_between_0_and_1",
                condition=models.Q(rate__gte=0, rate__lte=1),
                violation_error_message=_("A value-added rate lies between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.year} {self.rate}"
