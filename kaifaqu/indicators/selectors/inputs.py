"""Reads of price indexes and targets for their pages and the API."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from kaifaqu.accounts.models import User
from kaifaqu.core.models import IndustryClass
from kaifaqu.indicators.models import PriceIndex, Target


def price_index_list(*, user: User) -> QuerySet[PriceIndex]:
    """The indexes the user may read, with the division's name for the list."""
    name = IndustryClass.objects.filter(code=OuterRef("division")).values("name")[:1]
    return (
        PriceIndex.objects.for_user(user)
        .select_related("region")
        .annotate(division_name=Subquery(name))
    )


def target_list(*, user: User) -> QuerySet[Target]:
    return Target.objects.for_user(user).select_related("zone")
