"""What value-added rates and price indexes share: they belong to a province (or, for a rate,
to the nation), and each office reads those of its own province."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.permissions import ScopedQuerySet

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone

_M = TypeVar("_M", bound=models.Model)
PROVINCE_LEVEL = "province"  # geo.RegionLevel.PROVINCE (geo's models are not imported here)


def province_code(region_code: str) -> str:
    """The 2-digit province of a GB/T 2260 code: 140600 → 14."""
    return region_code[:2]


def province_region_code(region_code: str) -> str:
    """The province's own 6-digit code: 140600 → 140000."""
    return province_code(region_code) + "0000"


def province_field(*, required: bool, help_text: Any) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        "geo.Region",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        null=not required,
        blank=not required,
        limit_choices_to={"level": PROVINCE_LEVEL},
        help_text=help_text,
    )


def check_province(region: Region | None) -> None:
    """A rate or index belongs to a province, never to a city or a county."""
    if region is not None and region.level != PROVINCE_LEVEL:
        raise ValidationError({"region": _("Choose a province, not a city or a county.")})


class ProvinceQuerySet(ScopedQuerySet[_M]):
    """Reference data of a province, read by every office user of that province (and by the
    system administrator, of every province); rows without a province (the national reference)
    are read by every office user. An enterprise has no use for the office's reference data."""

    def _of_province(self, region_code: str) -> Self:
        return self.filter(
            Q(region__isnull=True) | Q(region__code=province_region_code(region_code))
        )

    def in_region(self, region: Region) -> Self:
        return self._of_province(region.code)

    def in_zone(self, zone: Zone) -> Self:
        return self._of_province(zone.region.code)

    def in_park(self, park: Park) -> Self:
        return self._of_province(park.zone.region.code)

    def in_enterprise(self, enterprise: Enterprise) -> Self:
        return self.none()
