"""上规入统 candidates and firms above a threshold outside the roster (应统尽统).

Trailing revenue of an enterprise for the 12 months ending with `as_of`:
- from its returns (submitted or accepted): the sum of the revenue of the months it reported;
- otherwise from proxies (tax from the tax bureau, else electricity from the grid): the sum of
  the proxy over the 12 months times the industry's ratio, the median over the zone's reporting
  firms of the same 2-digit division of (revenue ÷ proxy) over the same 12 months; the zone's
  median when no firm of the division reports.

Months left at current pace = ceil((threshold − trailing) ÷ average monthly revenue of the last
3 months), where the average is the revenue (or estimated revenue) of the last 3 months ending
with `as_of` divided by 3 (a month without a figure counts as 0); 0 when the trailing revenue
already reaches the threshold; None when the average is 0 (no pace to speak of).

Everything is aggregated in the database (one query per source); the per-enterprise work is on
those aggregates in memory, one row per enterprise.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import median
from typing import Any

from django.db.models import Max, Q, QuerySet, Sum

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import Enterprise, EnterpriseStatus, RosterEntry
from kaifaqu.enterprises.thresholds import (
    category_for_industry,
    pick_threshold,
    thresholds_for_year,
)
from kaifaqu.geo.models import Zone
from kaifaqu.returns.models import ProxyFigure, ProxyKind, Return, ReturnStatus, StatisticsSettings
from kaifaqu.returns.models.proxies import PROXY_RETURN_FIELD

FOUR_PLACES = Decimal("0.0001")
ONE_PLACE = Decimal("0.1")
COUNTED_STATUSES = (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED)
PACE_MONTHS = 3


@dataclass(frozen=True)
class RevenueEstimate:
    trailing: Decimal
    recent: Decimal  # revenue of the last PACE_MONTHS months
    proxy_kind: str | None  # None when from returns


@dataclass(frozen=True)
class Candidate:
    enterprise: Enterprise
    category: str
    threshold: Decimal
    trailing: Decimal
    proxy_kind: str | None
    share_pct: Decimal
    months_left: int | None

    @property
    def estimated(self) -> bool:
        return self.proxy_kind is not None


def latest_month(zone: Zone, today: date) -> Month:
    """The month a zone's candidate list opens on: the last month before today with a return or a
    proxy figure of its enterprises, else last month (a zone whose data stops earlier, such as
    the demo, opens on its data rather than on an empty list)."""
    before = Month.of(today).first_day
    latest = [
        model.objects.filter(enterprise__zone=zone, period__lt=before).aggregate(Max("period"))[
            "period__max"
        ]
        for model in (Return, ProxyFigure)
    ]
    found = [value for value in latest if value is not None]
    return Month.of(max(found)) if found else Month.of(today).shift(-1)


def zone_settings(zone: Zone) -> StatisticsSettings:
    """The zone's statistics settings, or the defaults (unsaved) until it has its own."""
    found = StatisticsSettings.objects.filter(zone=zone).first()
    return found if found is not None else StatisticsSettings(zone=zone)


def _window(as_of: Month, months: int) -> tuple[Any, Any]:
    return as_of.shift(-(months - 1)).first_day, as_of.first_day


def _q(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(FOUR_PLACES)


def revenue_estimates(
    *, zone: Zone, as_of: Month, enterprise_ids: set[int]
) -> dict[int, RevenueEstimate]:
    """Trailing 12-month and last-3-month revenue, from returns or estimated from proxies."""
    start, end = _window(as_of, 12)
    recent_start, _end = _window(as_of, PACE_MONTHS)
    in_recent = Q(period__gte=recent_start)
    returns = (
        Return.objects.filter(
            enterprise__zone=zone,
            period__gte=start,
            period__lte=end,
            status__in=COUNTED_STATUSES,
            # A firm's own figures only: an estimate (估算) is the office's.
            is_estimate=False,
        )
        .values("enterprise_id", "enterprise__industry_id")
        .annotate(
            revenue_total=Sum("revenue"),
            revenue_recent=Sum("revenue", filter=in_recent),
            taxes_total=Sum("taxes"),
            electricity_total=Sum("electricity"),
        )
    )
    estimates: dict[int, RevenueEstimate] = {}
    # Ratios revenue ÷ proxy of reporting firms, by kind, by division and for the whole zone.
    by_division: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    whole_zone: dict[str, list[Decimal]] = defaultdict(list)
    for row in returns:
        revenue = row["revenue_total"]
        if revenue is None:
            continue
        if row["enterprise_id"] in enterprise_ids:
            estimates[row["enterprise_id"]] = RevenueEstimate(
                trailing=_q(revenue), recent=_q(row["revenue_recent"]), proxy_kind=None
            )
        division = row["enterprise__industry_id"][:2]
        for kind, field in PROXY_RETURN_FIELD.items():
            base = row[f"{field}_total"]
            if base:
                ratio = Decimal(revenue) / Decimal(base)
                by_division[(kind, division)].append(ratio)
                whole_zone[kind].append(ratio)

    missing = enterprise_ids - set(estimates)
    if not missing:
        return estimates
    proxies = (
        ProxyFigure.objects.filter(enterprise_id__in=missing, period__gte=start, period__lte=end)
        .values("enterprise_id", "enterprise__industry_id", "kind")
        .annotate(value_total=Sum("value"), value_recent=Sum("value", filter=in_recent))
    )
    found: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in proxies:
        found[row["enterprise_id"]][row["kind"]] = row
    for enterprise_id, kinds in found.items():
        for kind in (ProxyKind.TAX, ProxyKind.ELECTRICITY):
            if kind not in kinds:
                continue
            row = kinds[kind]
            division = row["enterprise__industry_id"][:2]
            ratios = by_division.get((kind, division)) or whole_zone.get(kind)
            if not ratios:
                continue
            ratio = median(ratios)
            estimates[enterprise_id] = RevenueEstimate(
                trailing=_q(Decimal(row["value_total"]) * ratio),
                recent=_q(Decimal(row["value_recent"] or 0) * ratio),
                proxy_kind=kind,
            )
            break
    return estimates


def months_left(*, threshold: Decimal, trailing: Decimal, recent: Decimal) -> int | None:
    if trailing >= threshold:
        return 0
    pace = recent / PACE_MONTHS
    if pace <= 0:
        return None
    return math.ceil((threshold - trailing) / pace)


def _not_on_roster(enterprises: QuerySet[Enterprise], year: int) -> QuerySet[Enterprise]:
    on_roster = RosterEntry.objects.filter(year=year, exited_on__isnull=True).values(
        "enterprise_id"
    )
    return enterprises.exclude(pk__in=on_roster).exclude(status=EnterpriseStatus.CLOSED)


def _rank(
    *, enterprises: QuerySet[Enterprise], zone: Zone, as_of: Month, share_pct: Decimal
) -> list[Candidate]:
    rows = list(
        _not_on_roster(enterprises.filter(zone=zone), as_of.year).select_related("industry", "park")
    )
    thresholds = thresholds_for_year(as_of.year)
    estimates = revenue_estimates(zone=zone, as_of=as_of, enterprise_ids={e.pk for e in rows})
    result = []
    for enterprise in rows:
        estimate = estimates.get(enterprise.pk)
        category = category_for_industry(enterprise.industry_id)
        if estimate is None or category is None:
            continue
        version = pick_threshold(thresholds, category, enterprise.industry_id, as_of.year)
        if version is None or version.threshold_wan is None:
            continue
        threshold = version.threshold_wan
        if estimate.trailing * 100 < threshold * share_pct:
            continue
        result.append(
            Candidate(
                enterprise=enterprise,
                category=category,
                threshold=threshold,
                trailing=estimate.trailing,
                proxy_kind=estimate.proxy_kind,
                share_pct=(estimate.trailing * 100 / threshold).quantize(ONE_PLACE),
                months_left=months_left(
                    threshold=threshold, trailing=estimate.trailing, recent=estimate.recent
                ),
            )
        )
    result.sort(key=lambda c: (-c.share_pct, c.enterprise.name))
    return result


def candidate_list(*, user: User, zone: Zone, as_of: Month) -> list[Candidate]:
    """Enterprises the user can see, not on the year's roster, near or above their threshold."""
    share = zone_settings(zone).candidate_share_pct
    return _rank(
        enterprises=Enterprise.objects.for_user(user), zone=zone, as_of=as_of, share_pct=share
    )


def above_threshold_outside_roster(*, zone: Zone, as_of: Month) -> list[Candidate]:
    """For the gap list: every enterprise of the zone at or above its threshold, off the roster."""
    return _rank(
        enterprises=Enterprise.objects.all(), zone=zone, as_of=as_of, share_pct=Decimal("100")
    )
