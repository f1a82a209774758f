"""Writes of value-added rates (audited): a province's own, or the national reference.

A rate entered names its source. Changing a rate changes value added in every year it is in
force (its year and the later years without a rate of their own): those months of the indicator
table are rebuilt in the background.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.services import model_create, model_update
from kaifaqu.geo.models import Region
from kaifaqu.indicators.models import ValueAddedRate
from kaifaqu.indicators.services.provinces import default_province, ensure_writes_province
from kaifaqu.indicators.services.rollups import all_counted_months

RATE_FIELDS = ("region", "division", "year", "rate", "source", "note")
RATE_WRITE = "indicators.valueaddedrate.change"


@transaction.atomic
def value_added_rate_create(
    *, by: User | None, data: dict[str, Any], rebuild: bool = True
) -> ValueAddedRate:
    """A rate of a province (a statistician's own where `data` names none) or, for the system
    administrator, a national one (no province). `rebuild` False: the caller (an import)
    rebuilds the months once for all its rows."""
    data = default_province(by, {key: value for key, value in data.items() if key in RATE_FIELDS})
    region = data.get("region")
    ensure_writes_province(by, RATE_WRITE, region if isinstance(region, Region) else None)
    _require_source(data.get("source"))
    rate = model_create(model=ValueAddedRate, data=data, by=by)
    if rebuild:
        revalue_from(rate.year)
    return rate


@transaction.atomic
def value_added_rate_update(
    *,
    by: User | None,
    valueaddedrate: ValueAddedRate,
    data: dict[str, Any],
    rebuild: bool = True,
) -> ValueAddedRate:
    """`valueaddedrate`: the record under its model's name, as the registry pages call updates."""
    ensure_writes_province(by, RATE_WRITE, valueaddedrate.region)
    if "region" in data:
        ensure_writes_province(by, RATE_WRITE, data["region"])
    # Checked before the record is touched: a refused change leaves it as it was.
    _require_source(data.get("source", valueaddedrate.source))
    before = valueaddedrate.year
    rate, changed = model_update(instance=valueaddedrate, fields=RATE_FIELDS, data=data, by=by)
    if changed and rebuild:
        revalue_from(min(before, rate.year))
    return rate


def _require_source(source: object) -> None:
    if not str(source or "").strip():
        raise ValidationError(
            {"source": _("Name the source of the rate (e.g. the statistics bureau's table).")}
        )


def revalue_from(year: int) -> None:
    """Rebuild, in the background, the months of `year` and after: the rate may be in force in
    any later year without a rate of its own."""
    # tasks.py imports the services package: imported here, not at the top.
    from kaifaqu.indicators.tasks import rollup_months_task

    months = [month for month in all_counted_months() if month.year >= year]
    if months:
        rollup_months_task.enqueue(months=[str(month) for month in months])
