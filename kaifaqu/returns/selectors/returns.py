"""Reads of monthly returns: the review queue and a return's figures beside earlier months."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Park, Zone
from kaifaqu.returns.models import MONTHLY_FIELDS, Return, ReturnStatus, ReviewFinding, Severity
from kaifaqu.returns.models.returns import SUMMED_FIELDS

Figure = Decimal | int | None


def _month(value: Any) -> date:
    if isinstance(value, date):
        return value.replace(day=1)
    if isinstance(value, Month):
        return value.first_day
    return Month.parse(str(value)).first_day


def returns_with_finding_counts(*, user: User) -> QuerySet[Return]:
    """The returns the user may see, each with `soft_findings` and `hard_findings` counted."""
    return Return.objects.for_user(user).annotate(
        soft_findings=Count("findings", filter=Q(findings__severity=Severity.SOFT)),
        hard_findings=Count("findings", filter=Q(findings__severity=Severity.HARD)),
    )


def review_queue(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Return]:
    """Submitted returns in the user's scope awaiting review, with their findings counted.

    filters (each optional): enterprise, zone, park (ids), period (a date, Month or "2025-03"),
    q (part of the enterprise's name or its code), findings ("with" or "without" warnings).
    Returns with warnings come first within a month.
    """
    filters = filters or {}
    queryset = returns_with_finding_counts(user=user).filter(status=ReturnStatus.SUBMITTED)
    if filters.get("enterprise"):
        queryset = queryset.filter(enterprise_id=filters["enterprise"])
    if filters.get("zone"):
        queryset = queryset.filter(enterprise__zone_id=filters["zone"])
    if filters.get("park"):
        queryset = queryset.filter(enterprise__park_id=filters["park"])
    if filters.get("period"):
        queryset = queryset.filter(period=_month(filters["period"]))
    if filters.get("q"):
        text = str(filters["q"]).strip()
        queryset = queryset.filter(
            Q(enterprise__name__icontains=text) | Q(enterprise__uscc__icontains=text)
        )
    if filters.get("findings") == "with":
        queryset = queryset.filter(soft_findings__gt=0)  # type: ignore[misc]
    elif filters.get("findings") == "without":
        queryset = queryset.filter(soft_findings=0)  # type: ignore[misc]
    return (
        queryset.select_related("enterprise", "enterprise__park", "enterprise__zone")
        .prefetch_related("findings")
        .order_by("-period", "-soft_findings", "enterprise__name")
    )


# What selects the clean returns of a bulk acceptance (the API's filter, the queue's filters).
CLEAN_FILTERS = ("zone", "park", "period", "q")


def clean_awaiting_review(*, user: User, filters: Mapping[str, Any]) -> QuerySet[Return]:
    """Submitted returns in the user's scope without any finding, matching the filters.

    filters (each optional): zone, park (ids or instances), period (a date, Month or "2025-03"),
    q (part of the enterprise's name or its code). A zone or park outside the user's scope is
    refused (PermissionDenied), rather than matching nothing.
    """
    queryset = Return.objects.for_user(user).filter(status=ReturnStatus.SUBMITTED)
    queryset = queryset.filter(~Exists(ReviewFinding.objects.filter(return_record=OuterRef("pk"))))
    visible: dict[str, QuerySet[Any]] = {
        "zone": Zone.objects.for_user(user),
        "park": Park.objects.for_user(user),
    }
    for name, lookup in (("zone", "enterprise__zone_id"), ("park", "enterprise__park_id")):
        value = filters.get(name)
        if value in (None, ""):
            continue
        pk: Any = getattr(value, "pk", value)
        if not visible[name].filter(pk=pk).exists():
            raise PermissionDenied(_("This record is outside your scope."))
        queryset = queryset.filter(**{lookup: pk})
    if filters.get("period"):
        queryset = queryset.filter(period=_month(filters["period"]))
    if filters.get("q"):
        text = str(filters["q"]).strip()
        queryset = queryset.filter(
            Q(enterprise__name__icontains=text) | Q(enterprise__uscc__startswith=text.upper())
        )
    return queryset


def return_context(
    *, user: User, enterprise: Enterprise, period: date
) -> dict[str, dict[str, Figure]]:
    """For each field: this month, last month, the same month last year and 1–N月 cumulative.

    {"gross_output": {"this_month": …, "last_month": …, "last_year": …, "cumulative": …}, …}
    The cumulative value sums the months of the year up to this one that have a return (None
    when none has the figure); head counts are not summed, so employees have no cumulative.
    """
    if not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))
    month = Month.of(period)
    last_month, last_year = month.shift(-1).first_day, month.shift(-12).first_day
    year_to_date = [m.first_day for m in month.year_to_date()]
    rows = {
        row["period"]: row
        for row in Return.objects.for_user(user)
        .filter(enterprise=enterprise, period__in={*year_to_date, last_month, last_year})
        .values("period", *MONTHLY_FIELDS)
    }

    def value(at: date, name: str) -> Figure:
        row = rows.get(at)
        return None if row is None else row[name]

    context: dict[str, dict[str, Figure]] = {}
    for name in MONTHLY_FIELDS:
        cumulative: Figure = None
        if name in SUMMED_FIELDS:
            months = [value(at, name) for at in year_to_date]
            present = [figure for figure in months if figure is not None]
            cumulative = sum(present, Decimal(0)) if present else None
        context[name] = {
            "this_month": value(month.first_day, name),
            "last_month": value(last_month, name),
            "last_year": value(last_year, name),
            "cumulative": cumulative,
        }
    return context
