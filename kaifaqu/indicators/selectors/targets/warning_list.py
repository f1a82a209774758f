"""Warnings (预警) of the zones: behind the time-elapsed pace, growth below zero, stopped reporting.

For a month N and each zone the user may see:
- behind pace: an annual target whose completion is more than BEHIND_PACE_PP percentage points
  below the time-elapsed pace (see progress.py);
- negative growth: the zone's 1–N月 growth (同口径; value added at comparable prices) of an
  indicator computed from returns is below zero; "turned negative" when the 1–(N−1)月 growth of
  the same year was not (February has no earlier figure of its year: plain "negative");
- stopped reporting: the zone had the indicator in the previous published month (1–(N−1)月; for
  February, December of the year before) with enterprises reporting it, and now has no cell, or
  no enterprise with a figure, or (from March, when the month is published on its own) a month
  of exactly 0 after a month that was not: a zone's month adds up to 0 yuan only when none of
  its enterprises reported it.
January is published with February: it has no warnings from returns.

Outside the statistics office a suppressed cell (保密) raises no pace or growth warning: its
figures, and even the sign of its growth, would disclose the enterprises behind it. A stopped
report says nothing about anyone's figures and is always shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.catalogue import COMPUTED
from kaifaqu.indicators.selectors import sees_everything
from kaifaqu.indicators.selectors.targets.cells import (
    ZoneCell,
    reads_zone_figures,
    zone_cells,
)
from kaifaqu.indicators.selectors.targets.progress import ORDER, annual_progress

# The tolerance of the time-elapsed comparison: zone offices report "落后序时进度" once a target is
# more than 5 percentage points behind the share of the year gone by; a smaller shortfall is the
# ordinary unevenness of months (holidays, maintenance) and would warn every zone in spring.
BEHIND_PACE_PP = Decimal(5)


class WarningKind(models.TextChoices):
    BEHIND_PACE = "behind_pace", _("Behind the time-elapsed pace (落后序时进度)")
    GROWTH_TURNED_NEGATIVE = "growth_turned_negative", _("Growth turned negative (增速由正转负)")
    GROWTH_NEGATIVE = "growth_negative", _("Negative growth (负增长)")
    STOPPED_REPORTING = "stopped_reporting", _("Stopped reporting (停报)")


KIND_ORDER = {kind: index for index, kind in enumerate(WarningKind.values)}


@dataclass(frozen=True)
class IndicatorWarning:
    zone: Zone
    indicator: str
    kind: str
    month: Month
    # The figures that raised it; which are set depends on the kind.
    value: Decimal | None = None  # 1–N月 in the indicator's unit
    growth_pct: Decimal | None = None
    previous_growth_pct: Decimal | None = None
    completion_pct: Decimal | None = None
    pace_pct: Decimal | None = None
    ahead_pp: Decimal | None = None
    months: int | None = None  # the months the figure covers (an entered figure: maybe < N)
    enterprises: int | None = None
    previous_enterprises: int | None = None
    previous_month: Month | None = None


def previous_published(month: Month) -> Month | None:
    """The month before in the published series: 1–(N−1)月, or December before 1–2月."""
    if month.month == 1:
        return None
    if month.month == 2:
        return Month(month.year - 1, 12)
    return month.shift(-1)


def warnings(*, user: User, month: Month, zone: Zone | None = None) -> list[IndicatorWarning]:
    """The warnings of one zone, or of every zone the user may see, for the month."""
    if not reads_zone_figures(user):
        return []
    zones_query = Zone.objects.for_user(user).order_by("name")
    if zone is not None:
        zones_query = zones_query.filter(pk=zone.pk)
    zones = list(zones_query)
    if not zones:
        return []
    confidential = sees_everything(user)
    before = previous_published(month)
    months = [month] + ([before] if before is not None else [])
    cells = zone_cells(zone_ids=[z.pk for z in zones], months=months, reader=user)
    progress = annual_progress(user=user, zones=zones, month=month, cells=cells)
    found: list[IndicatorWarning] = []
    for each in zones:
        found += _behind_pace(each, month, progress.get(each.pk, []))
        for indicator in COMPUTED:
            now = cells.get((each.pk, month.first_day, indicator.code))
            earlier = cells.get((each.pk, before.first_day, indicator.code)) if before else None
            if now is not None and (confidential or not now.suppressed):
                found += _negative_growth(each, month, now, earlier)
            if before is not None and earlier is not None:
                found += _stopped(each, month, before, now, earlier)
    return sorted(
        found,
        key=lambda w: (w.zone.name, w.zone.pk, KIND_ORDER[w.kind], ORDER.get(w.indicator, 99)),
    )


def _behind_pace(zone: Zone, month: Month, rows: list[Any]) -> list[IndicatorWarning]:
    return [
        IndicatorWarning(
            zone=zone,
            indicator=row.indicator,
            kind=WarningKind.BEHIND_PACE,
            month=month,
            value=row.actual.value,
            completion_pct=row.completion_pct,
            pace_pct=row.pace_pct,
            ahead_pp=row.ahead_pp,
            months=row.actual.months,
        )
        for row in rows
        if row.ahead_pp is not None and row.ahead_pp < -BEHIND_PACE_PP
    ]


def _negative_growth(
    zone: Zone, month: Month, now: ZoneCell, earlier: ZoneCell | None
) -> list[IndicatorWarning]:
    growth = now.growth_pct
    if growth is None or growth >= 0:
        return []
    # Only the same year's 1–(N−1)月 says whether it "turned": December is another series.
    previous = earlier.growth_pct if earlier is not None and month.month > 2 else None
    turned = previous is not None and previous >= 0
    return [
        IndicatorWarning(
            zone=zone,
            indicator=now.indicator,
            kind=WarningKind.GROWTH_TURNED_NEGATIVE if turned else WarningKind.GROWTH_NEGATIVE,
            month=month,
            value=now.value,
            growth_pct=growth,
            previous_growth_pct=previous,
            months=month.month,
            previous_month=month.shift(-1) if month.month > 2 else None,
        )
    ]


def _stopped(
    zone: Zone, month: Month, before: Month, now: ZoneCell | None, earlier: ZoneCell
) -> list[IndicatorWarning]:
    if earlier.enterprises <= 0:
        return []
    stopped = (
        now is None
        or now.enterprises == 0
        or (now.month_value == 0 and earlier.own_value not in (None, 0))
    )
    if not stopped:
        return []
    return [
        IndicatorWarning(
            zone=zone,
            indicator=earlier.indicator,
            kind=WarningKind.STOPPED_REPORTING,
            month=month,
            # Enterprises with a figure this month: none (no cell at all: None).
            enterprises=0 if now is not None else None,
            previous_enterprises=earlier.enterprises,
            previous_month=before,
        )
    ]
