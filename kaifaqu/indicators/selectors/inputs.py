"""Reads of price indexes and targets for their pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from kaifaqu.core.models import IndustryClass
from kaifaqu.indicators.models import PriceIndex, Target


def price_index_list(*, user: Any) -> QuerySet[PriceIndex]:
    """The indexes the user may read, with the division's name for the list."""
    name = IndustryClass.objects.filter(code=OuterRef("division")).values("name")[:1]
    return PriceIndex.objects.for_user(user).annotate(division_name=Subquery(name))


def target_list(*, user: Any) -> QuerySet[Target]:
    return Target.objects.for_user(user).select_related("zone")
