"""Writes of what indicators are measured against: price indexes and zone targets (audited)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import ScopeLevel
from kaifaqu.core.services import model_create, model_update
from kaifaqu.geo.models import RegionLevel
from kaifaqu.indicators.models import PriceIndex, Target
from kaifaqu.indicators.services.rollups import counted_months

PRICE_INDEX_FIELDS = ("period", "division", "value", "source", "note")
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


@transaction.atomic
def price_index_create(*, by: User | None, data: dict[str, Any]) -> PriceIndex:
    _ensure_province_wide(by)
    index = model_create(model=PriceIndex, data=_pick(data, PRICE_INDEX_FIELDS), by=by)
    _deflate_again(index.period)
    return index


@transaction.atomic
def price_index_update(
    *, by: User | None, priceindex: PriceIndex, data: dict[str, Any]
) -> PriceIndex:
    """`priceindex`: the record under its model's name, as the registry pages call updates."""
    _ensure_province_wide(by)
    before = priceindex.period
    index = model_update(instance=priceindex, fields=PRICE_INDEX_FIELDS, data=data, by=by)[0]
    _deflate_again(min(before, index.period))
    return index


def _deflate_again(period: date) -> None:
    """Value added at comparable prices of the index's month and the 1–N月 after it changes, in
    every zone: those months of the indicator table are rebuilt (a province-wide job), in the
    background."""
    # tasks.py imports the services package: imported here, not at the top.
    from kaifaqu.indicators.tasks import rollup_months_task

    months = [month for month in counted_months(period.year) if month.first_day >= period]
    if months:
        rollup_months_task.enqueue(months=[str(month) for month in months])


def target_create(*, by: User | None, data: dict[str, Any]) -> Target:
    return model_create(model=Target, data=_pick(data, TARGET_FIELDS), by=by)


def target_update(*, by: User, target: Target, data: dict[str, Any]) -> Target:
    return model_update(instance=target, fields=TARGET_FIELDS, data=data, by=by)[0]


def _ensure_province_wide(by: User | None) -> None:
    """A city office shares the provincial role, but an index holds for the whole province:
    it is entered by the office of the province (or the system administrator)."""
    scope = getattr(by, "scope", None)
    if (
        scope is not None
        and scope.level == ScopeLevel.REGION
        and scope.region is not None
        and scope.region.level != RegionLevel.PROVINCE
    ):
        raise PermissionDenied(_("Price indexes are entered by the provincial office."))


def _pick(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key in fields}
