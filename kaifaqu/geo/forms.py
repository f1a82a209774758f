"""Forms of regions, zones and parks; the services in geo.services save them."""

from typing import Any, ClassVar

from django import forms

from kaifaqu.core.forms import ScopedModelForm
from kaifaqu.geo.models import Park, Region, RegionLevel, Zone
from kaifaqu.geo.services import PARK_FIELDS, REGION_FIELDS, ZONE_FIELDS


class RegionForm(ScopedModelForm):
    class Meta:
        model = Region
        fields = REGION_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        # Counties have no regions under them.
        parent.queryset = parent.queryset.exclude(level=RegionLevel.COUNTY)  # type: ignore[attr-defined]


class ZoneForm(ScopedModelForm):
    moves: ClassVar[dict[str, str]] = {"region": "geo.zone.move"}

    class Meta:
        model = Zone
        fields = ZONE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        # A zone lies in a city or county.
        region.queryset = region.queryset.exclude(level=RegionLevel.PROVINCE)  # type: ignore[attr-defined]


class ParkForm(ScopedModelForm):
    moves: ClassVar[dict[str, str]] = {"zone": "geo.park.move"}

    class Meta:
        model = Park
        fields = PARK_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
