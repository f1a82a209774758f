"""Writes of what indicators are measured against: price indexes and zone targets (audited)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from kaifaqu.accounts.models import User
from kaifaqu.core.services import model_create, model_update
from kaifaqu.geo.models import Region
from kaifaqu.indicators.models import PriceIndex, Target
from kaifaqu.indicators.services.provinces import default_province, ensure_writes_province
from kaifaqu.indicators.services.rollups import counted_months

PRICE_INDEX_FIELDS = ("region", "period", "division", "value", "source", "note")
TARGET_FIELDS = (
    "zone",
    "indicator",
    "year",
    "kind",
    "plan_name",
    "start_year",
    "end_year",
    "value",
    "growth_pct",
    "source",
    "note",
)


PRICE_INDEX_WRITE = "indicators.priceindex.change"


@transaction.atomic
def price_index_create(
    *, by: User | None, data: dict[str, Any], rebuild: bool = True
) -> PriceIndex:
    """A province's index; a statistician's own province where `data` names none. `rebuild`
    False: the caller (an import) rebuilds the months once for all its rows."""
    data = default_province(by, _pick(data, PRICE_INDEX_FIELDS))
    region = data.get("region")
    ensure_writes_province(by, PRICE_INDEX_WRITE, region if isinstance(region, Region) else None)
    index = model_create(model=PriceIndex, data=data, by=by)
    if rebuild:
        deflate_again(index.period)
    return index


@transaction.atomic
def price_index_update(
    *, by: User | None, priceindex: PriceIndex, data: dict[str, Any], rebuild: bool = True
) -> PriceIndex:
    """`priceindex`: the record under its model's name, as the registry pages call updates."""
    ensure_writes_province(by, PRICE_INDEX_WRITE, priceindex.region)
    if "region" in data:
        ensure_writes_province(by, PRICE_INDEX_WRITE, data["region"])
    before = priceindex.period
    index = model_update(instance=priceindex, fields=PRICE_INDEX_FIELDS, data=data, by=by)[0]
    if rebuild:
        deflate_again(min(before, index.period))
    return index


def deflate_again(period: date) -> None:
    """Value added at comparable prices of the index's month and the 1–N月 after it changes in
    the province's zones: those months of the indicator table are rebuilt (the cells above zones
    add up every zone), in the background."""
    # tasks.py imports the services package: imported here, not at the top.
    from kaifaqu.indicators.tasks import rollup_months_task

    months = [month for month in counted_months(period.year) if month.first_day >= period]
    if months:
        rollup_months_task.enqueue(months=[str(month) for month in months])


def target_create(*, by: User | None, data: dict[str, Any]) -> Target:
    return model_create(model=Target, data=_pick(data, TARGET_FIELDS), by=by)


def target_update(*, by: User, target: Target, data: dict[str, Any]) -> Target:
    return model_update(instance=target, fields=TARGET_FIELDS, data=data, by=by)[0]


def _pick(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key in fields}
