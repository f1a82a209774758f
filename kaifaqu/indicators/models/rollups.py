"""The stored indicator table (roll-ups): the engine's output, kept so any slice reads in one query.

Derived data, rebuilt by `kfq rollup` and brought up to date zone by zone when returns counted in
statistics change (statistics/services/rollups.py); never edited by a person, so not audited.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SliceKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    ZONE = "zone", _("Zone")
    PARK = "park", _("Park")
    SECTION = "section", _("Industry section")
    DIVISION = "division", _("Industry division")
    ZONE_DIVISION = "zone_division", _("Industry division in a zone")
    # 四上 rosters (StatCategory): all enterprises on one, whatever else they are on.
    CATEGORY = "category", _("Statistical category")
    ZONE_CATEGORY = "zone_category", _("Statistical category in a zone")


# Kinds computed from one zone's enterprises; the others are sums over zones.
ZONE_KINDS = (SliceKind.ZONE, SliceKind.PARK, SliceKind.ZONE_DIVISION, SliceKind.ZONE_CATEGORY)


class IndicatorCell(models.Model):
    """One indicator of one slice in one month, in whole units (yuan, kWh, persons)."""

    month = models.DateField(_("month"))
    slice_kind = models.CharField(_("slice"), max_length=16, choices=SliceKind.choices)
    slice_key = models.CharField(_("slice key"), max_length=32)
    # The zone a zone, park or zone-division cell belongs to (null above zones): what a rebuild of
    # one zone replaces, and how the cells are scoped.
    zone = models.ForeignKey(
        "geo.Zone",
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    indicator = models.CharField(_("indicator"), max_length=32)
    month_value = models.BigIntegerField(null=True)
    month_base = models.BigIntegerField(null=True)
    ytd_value = models.BigIntegerField(null=True)
    ytd_base = models.BigIntegerField(null=True)
    ytd_comparable = models.BigIntegerField(null=True)
    month_comparable = models.BigIntegerField(null=True)
    enterprises = models.IntegerField(default=0)
    # Enterprises of the cell whose figure or base includes an estimate (估算): shown as 含估算.
    estimated = models.IntegerField(default=0)
    top_value = models.BigIntegerField(null=True)
    abs_value = models.BigIntegerField(null=True)
    # Disclosure control, decided for the whole month when the roll-up writes it
    # (indicators/masking.py): shown as 保密 outside the statistics office. Hidden until decided.
    suppressed = models.BooleanField(default=True)

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_indicatorcell"
        verbose_name = _("indicator cell")
        verbose_name_plural = _("indicator cells")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "slice_kind", "slice_key", "indicator"],
                name="stat_cell_once",
                violation_error_message=_("This cell is already computed for the month."),
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "month"], name="stat_cell_zone_month"),
            # A slice's months, latest first (the month a page opens on): the unique index leads
            # with the month, and PostgreSQL read every cell of the table for the province's 88
            # (61 ms at 400,000 cells; the load benchmark, session 12).
            models.Index(fields=["slice_kind", "slice_key", "month"], name="stat_cell_slice_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.slice_kind}:{self.slice_key} {self.indicator}"
