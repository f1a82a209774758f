from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TimeStampedModel
from kaifaqu.core.permissions import ScopedQuerySet
from kaifaqu.core.validators import validate_region_code

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


def region_level_of(code: str) -> str:
    """GB/T 2260: 140000 is a province, 140600 a city, 140602 a county."""
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


def region_prefix(code: str) -> str:
    """The leading digits every region inside this one shares."""
    level = region_level_of(code)
    return (
        code[:2]
        if level == RegionLevel.PROVINCE
        else code[:4]
        if level == RegionLevel.CITY
        else code
    )


class RegionQuerySet(ScopedQuerySet["Region"]):
    # Administrative codes are public reference data: every signed-in user may read them all.
    def in_region(self, region: Region) -> RegionQuerySet:
        return self.all()

    def in_zone(self, zone: Zone) -> RegionQuerySet:
        return self.all()

    def in_park(self, park: Park) -> RegionQuerySet:
        return self.all()

    def in_enterprise(self, enterprise: Enterprise) -> RegionQuerySet:
        return self.all()

    def within(self, region: Region) -> RegionQuerySet:
        return self.filter(code__startswith=region.prefix)


class Region(TimeStampedModel):
    """A province, city or county by its GB/T 2260 code."""

    code = models.CharField(_("code"), max_length=6, unique=True, validators=[validate_region_code])
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("geo:region-detail", args=[self.pk])

    @property
    def prefix(self) -> str:
        return region_prefix(self.code)

    def clean(self) -> None:
        if not self.code or len(self.code) != 6 or not self.code.isdigit():
            return
        self.level = region_level_of(self.code)
        expected_parent: str | None
        if self.level == RegionLevel.PROVINCE:
            expected_parent = None
        elif self.level == RegionLevel.CITY:
            expected_parent = self.code[:2] + "0000"
        else:
            expected_parent = self.code[:4] + "00"
        if expected_parent is None and self.parent_id is not None:
            raise ValidationError({"parent": _("A province has no parent region.")})
        if expected_parent is not None:
            if self.parent is None:
                raise ValidationError(
                    {
                        "parent": _("Choose the parent region (code %(code)s).")
                        % {"code": expected_parent}
                    }
                )
            # Municipalities and province-administered counties skip a level (e.g. 419001 under 410000).
            if self.parent.code not in {expected_parent, self.code[:2] + "0000"}:
                raise ValidationError(
                    {
                        "parent": _("Region %(code)s cannot lie under %(parent)s.")
                        % {"code": self.code, "parent": self.parent.code}
                    }
                )


class ZoneLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")


class ZoneQuerySet(ScopedQuerySet["Zone"]):
    def in_region(self, region: Region) -> ZoneQuerySet:
        return self.filter(region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> ZoneQuerySet:
        return self.filter(pk=zone.pk)

    def in_park(self, park: Park) -> ZoneQuerySet:
        return self.filter(pk=park.zone_id)

    def in_enterprise(self, enterprise: Enterprise) -> ZoneQuerySet:
        return self.filter(pk=enterprise.zone_id)


class Zone(TimeStampedModel):
    """A development zone (开发区) and the institutions of its management committee."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=ZoneLevel.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="zones"
    )
    area_km2 = models.DecimalField(
        _("planned area (km²)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    established_year = models.PositiveSmallIntegerField(
        _("year established"), null=True, blank=True
    )
    internal_departments = models.PositiveSmallIntegerField(
        _("internal departments (内设机构)"), null=True, blank=True
    )
    public_institutions = models.PositiveSmallIntegerField(
        _("public institutions (事业单位)"), null=True, blank=True
    )
    park_service_centres = models.PositiveSmallIntegerField(
        _("park service centres (园区服务中心)"), null=True, blank=True
    )
    governance_model = models.CharField(_("governance model"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("geo:zone-detail", args=[self.pk])

    def clean(self) -> None:
        if self.region_id and self.region.level == RegionLevel.PROVINCE:
            raise ValidationError({"region": _("A zone lies in a city or county, not a province.")})


class ParkQuerySet(ScopedQuerySet["Park"]):
    def in_region(self, region: Region) -> ParkQuerySet:
        return self.filter(zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> ParkQuerySet:
        return self.filter(zone=zone)

    def in_park(self, park: Park) -> ParkQuerySet:
        return self.filter(pk=park.pk)

    def in_enterprise(self, enterprise: Enterprise) -> ParkQuerySet:
        return self.filter(pk=enterprise.park_id) if enterprise.park_id else self.none()


class Park(TimeStampedModel):
    """A park (园区) of a zone, with its planned area and its role in the zone's layout."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="parks"
    )
    name = models.CharField(_("name"), max_length=100)
    area_km2 = models.DecimalField(
        _("planned area (km²)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    area_is_illustrative = models.BooleanField(
        _("area is illustrative"),
        default=False,
        help_text=_("The area is a plausible figure, not one published by the zone."),
    )
    role = models.CharField(_("role in the zone"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ParkQuerySet.as_manager()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["zone", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "name"],
                name="geo_park_unique_name_in_zone",
                violation_error_message=_("The zone already has a park of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("geo:park-detail", args=[self.pk])
