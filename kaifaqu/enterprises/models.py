from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.crypto.fields import EncryptedCharField
from kaifaqu.core.fields import UsccField
from kaifaqu.core.models import IndustryClass, IndustryLevel, TimeStampedModel
from kaifaqu.core.permissions import ScopedQuerySet
from kaifaqu.core.validators import validate_uscc

if TYPE_CHECKING:
    from kaifaqu.geo.models import Park, Region, Zone


class EnterpriseStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class EnterpriseKind(models.TextChoices):
    ORDINARY = "ordinary", _("Enterprise")
    PLATFORM_COMPANY = "platform_company", _("Platform company (区属国有)")


class StatCategory(models.TextChoices):
    """四上 categories of the statistical rosters (名录)."""

    INDUSTRY = "industry", _("Above-scale industry (规上工业)")
    WHOLESALE = "wholesale", _("Above-limit wholesale (限上批发)")
    RETAIL = "retail", _("Above-limit retail (限上零售)")
    ACCOMMODATION = "accommodation", _("Above-limit accommodation (限上住宿)")
    CATERING = "catering", _("Above-limit catering (限上餐饮)")
    CONSTRUCTION = "construction", _("Qualified construction (有资质建筑业)")
    REAL_ESTATE = "real_estate", _("Real-estate development (房地产开发经营)")
    SERVICES = "services", _("Above-scale services (规上服务业)")


class ThresholdBasis(models.TextChoices):
    MAIN_BUSINESS_REVENUE = "main_business_revenue", _("Main business revenue (主营业务收入)")
    OPERATING_REVENUE = "operating_revenue", _("Operating revenue (营业收入)")
    ANNUAL_MAIN_BUSINESS_REVENUE = (
        "annual_main_business_revenue",
        _("Annual main business revenue (年主营业务收入)"),
    )


class CategoryThreshold(models.Model):
    """One version of the national entry threshold of a roster category (versioned data)."""

    category = models.CharField(_("category"), max_length=20, choices=StatCategory.choices)
    industry_scope = models.CharField(
        _("industry scope"),
        max_length=4,
        blank=True,
        help_text=_(
            "Blank for the whole category, a GB/T 4754 section letter, or a code prefix "
            "such as a 2-digit division."
        ),
    )
    valid_from = models.PositiveSmallIntegerField(_("valid from (year)"))
    valid_to = models.PositiveSmallIntegerField(_("valid to (year)"), null=True, blank=True)
    threshold_wan = models.DecimalField(
        _("threshold (万元)"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Blank where entry does not depend on revenue."),
    )
    basis = models.CharField(_("basis"), max_length=32, choices=ThresholdBasis.choices, blank=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("category threshold")
        verbose_name_plural = _("category thresholds")
        ordering = ["category", "industry_scope", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "industry_scope", "valid_from"],
                name="ent_threshold_one_version",
                violation_error_message=_("This version of the threshold exists."),
            ),
            models.CheckConstraint(
                name="ent_threshold_valid_range",
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                violation_error_message=_("A threshold ends no earlier than it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.industry_scope} {self.valid_from}"


class EnterpriseQuerySet(ScopedQuerySet["Enterprise"]):
    def in_region(self, region: Region) -> EnterpriseQuerySet:
        return self.filter(zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> EnterpriseQuerySet:
        return self.filter(zone=zone)

    def in_park(self, park: Park) -> EnterpriseQuerySet:
        return self.filter(park=park)

    def in_enterprise(self, enterprise: Enterprise) -> EnterpriseQuerySet:
        return self.filter(pk=enterprise.pk)


class Enterprise(TimeStampedModel):
    uscc = UsccField(
        _("unified social credit code"),
        unique=True,
        validators=[validate_uscc],
        error_messages={"unique": _("An enterprise with this unified social credit code exists.")},
    )
    name = models.CharField(_("name"), max_length=200)
    industry = models.ForeignKey(
        IndustryClass,
        verbose_name=_("industry (GB/T 4754-2017)"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": IndustryLevel.CLASS},
        related_name="+",
    )
    zone = models.ForeignKey(
        "geo.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="enterprises"
    )
    park = models.ForeignKey(
        "geo.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=EnterpriseKind.choices, default=EnterpriseKind.ORDINARY
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    land_mu = models.DecimalField(
        _("land (亩)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Whom the statistics office calls about the monthly return (统计联系人): the reporting
    # month's list of firms not yet reported shows them.
    statistics_contact = models.CharField(_("statistics contact"), max_length=60, blank=True)
    # Encrypted at rest (personal data of the contact; core/crypto).
    statistics_phone = EncryptedCharField(_("contact phone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_(
            "A plausible record added so published totals can be reproduced; not a real firm."
        ),
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["zone", "park"], name="ent_zone_park"),
            models.Index(fields=["name"], name="ent_name"),
            # A zone's list in name order, a page at a time: through the name index alone
            # PostgreSQL walked the province's firms by name until it had found a page of the
            # zone's (45 ms for a zone of 3,000 firms among 200,000).
            models.Index(fields=["zone", "name", "id"], name="ent_zone_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.park is not None and self.zone_id and self.park.zone_id != self.zone_id:
            errors["park"] = _("The park %(park)s is not in the zone %(zone)s.") % {
                "park": self.park,
                "zone": self.zone,
            }
        if self.industry_id is not None and self.industry.level != IndustryLevel.CLASS:
            errors["industry"] = _("Choose a 4-digit industry class, not a broader heading.")
        if errors:
            raise ValidationError(errors)


class RosterEntryKind(models.TextChoices):
    ANNUAL = "annual", _("Annual entry (年度)")
    MONTHLY = "monthly", _("Newly commissioned, monthly entry (新开业月度入库)")


class RosterEntryQuerySet(ScopedQuerySet["RosterEntry"]):
    def in_region(self, region: Region) -> RosterEntryQuerySet:
        return self.filter(enterprise__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> RosterEntryQuerySet:
        return self.filter(enterprise__zone=zone)

    def in_park(self, park: Park) -> RosterEntryQuerySet:
        return self.filter(enterprise__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> RosterEntryQuerySet:
        return self.filter(enterprise=enterprise)


class RosterEntry(TimeStampedModel):
    """An enterprise on a year's statistical roster (名录) in one category."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="roster_entries",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=20, choices=StatCategory.choices)
    entry_kind = models.CharField(
        _("kind of entry"),
        max_length=8,
        choices=RosterEntryKind.choices,
        default=RosterEntryKind.ANNUAL,
    )
    entered_on = models.DateField(_("entered on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("reason for exit"), max_length=300, blank=True)

    objects = RosterEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["-year", "category", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "category"],
                name="ent_roster_unique_entry",
                violation_error_message=_("The enterprise is already on this roster."),
            ),
            models.CheckConstraint(
                name="ent_roster_exit_has_reason",
                condition=models.Q(exited_on__isnull=True) | ~models.Q(exit_reason=""),
                violation_error_message=_("An exit from the roster gives its reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_category_display()} {self.enterprise}"

    def get_absolute_url(self) -> str:
        return f"{reverse('enterprises:roster-list')}?year={self.year}"
