"""Reads of returns for the pages: the list with finding counts, one return with what it shows."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from kaifaqu.accounts.models import User
from kaifaqu.returns.models import Return, ReviewDecision, Severity


def return_list(*, user: User) -> QuerySet[Return]:
    """Returns the user may see, with their enterprise and the number of findings of each kind."""
    return (
        Return.objects.for_user(user)
        .select_related("enterprise")
        .annotate(
            finding_count=Count("findings"),
            hard_count=Count("findings", filter=Q(findings__severity=Severity.HARD)),
            soft_count=Count("findings", filter=Q(findings__severity=Severity.SOFT)),
        )
    )


def return_detail(*, user: User) -> QuerySet[Return]:
    """Returns the user may see, with what one return's page shows joined or prefetched."""
    return (
        Return.objects.for_user(user)
        .select_related("enterprise", "enterprise__zone", "enterprise__park", "submitted_by")
        .prefetch_related(
            "findings",
            Prefetch("decisions", queryset=ReviewDecision.objects.select_related("by")),
        )
    )


def return_months(*, user: User, enterprise: Any) -> dict[date, str]:
    """The status of the enterprise's return of each month it has one for."""
    return dict(
        Return.objects.for_user(user).filter(enterprise=enterprise).values_list("period", "status")
    )
