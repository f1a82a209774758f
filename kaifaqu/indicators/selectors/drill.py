"""The enterprises behind one indicator of one slice, with their contribution to its growth.

Enterprise figures are confidential (统计法): only the statistics office and the system
administrator open this; everyone else gets 403. Computed from the returns (the engine's
`contributions` over the facts of the slice's zones), not from the stored cells, so it also
shows what the next roll-up would store.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.catalogue import BY_CODE, Indicator
from kaifaqu.indicators.engine import contributions
from kaifaqu.indicators.facts import load_facts
from kaifaqu.indicators.models import SliceKind
from kaifaqu.indicators.selectors.slices import Slice
from kaifaqu.indicators.selectors.table import (
    COMPUTED_CODES,
    PERCENT_PLACES,
    growth,
    period_label,
    sees_everything,
    shown,
)

POINT_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Contribution:
    enterprise_id: int
    name: str
    uscc: str
    park: str
    value: Decimal | int | None
    base: Decimal | int | None
    change: Decimal | int | None
    pull_pp: Decimal | None  # 拉动: percentage points of the slice's growth
    contribution_pct: Decimal | None  # 贡献率: per cent of the slice's change
    share_pct: Decimal | None  # per cent of the slice's value
    # Its figures include an estimate (估算) of the office: it had not reported.
    is_estimate: bool = False


@dataclass(frozen=True)
class DrillDown:
    slice: Slice
    month: Month
    indicator: Indicator
    cumulative: bool
    period_label: str
    rows: list[Contribution]
    value: Decimal | int | None
    base: Decimal | int | None
    growth: Decimal | None


def drillable_indicator(code: str) -> Indicator:
    if code not in COMPUTED_CODES:
        raise Http404
    return BY_CODE[code]


def _zone_ids(slice: Slice) -> list[int] | None:
    """The zones whose enterprises can make the slice (None: every zone)."""
    if slice.zone_id is not None:
        return [slice.zone_id]
    if slice.kind in (SliceKind.PROVINCE, SliceKind.CITY):
        return list(
            Zone.objects.filter(region__code__startswith=slice.key).values_list("pk", flat=True)
        )
    return None


def _places(value: float | None, places: Decimal) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def indicator_contributions(
    *, user: User, month: Month, slice: Slice, code: str, cumulative: bool = True
) -> DrillDown:
    """The slice's enterprises with value, base, change, 拉动 and 贡献率 (largest change first)."""
    if not sees_everything(user):
        raise PermissionDenied(_("Enterprise figures are for the statistics office only."))
    indicator = drillable_indicator(code)
    if month.month == 2:
        cumulative = True  # February has 1–2月 only
    facts = load_facts(years=[month.year], zone_ids=_zone_ids(slice))
    frame = contributions(
        facts,
        month,
        indicator=code,
        slice_kind=slice.kind,
        slice_key=slice.key,
        cumulative=cumulative,
    )
    ids = frame["enterprise_id"].to_list()
    enterprises = {
        pk: (name, uscc, park or "")
        for pk, name, uscc, park in Enterprise.objects.for_user(user)
        .filter(pk__in=ids)
        .values_list("pk", "name", "uscc", "park__name")
    }
    rows = []
    for record in frame.iter_rows(named=True):
        name, uscc, park = enterprises.get(record["enterprise_id"], ("—", "", ""))
        rows.append(
            Contribution(
                enterprise_id=record["enterprise_id"],
                name=name,
                uscc=uscc,
                park=park,
                value=shown(record["value"], indicator),
                base=shown(record["base"], indicator),
                change=shown(record["change"], indicator),
                pull_pp=_places(record["pull_pp"], POINT_PLACES),
                contribution_pct=_places(record["contribution_pct"], PERCENT_PLACES),
                share_pct=_places(
                    record["share"] * 100 if record["share"] is not None else None,
                    PERCENT_PLACES,
                ),
                is_estimate=bool(record["is_estimate"]),
            )
        )
    value = int(frame["value"].sum()) if frame["value"].null_count() < frame.height else None
    base = int(frame["base"].sum()) if frame["base"].null_count() < frame.height else None
    return DrillDown(
        slice=slice,
        month=month,
        indicator=indicator,
        cumulative=cumulative,
        period_label=period_label(month) if cumulative else str(month),
        rows=rows,
        value=shown(value, indicator),
        base=shown(base, indicator),
        growth=growth(value, base),
    )
