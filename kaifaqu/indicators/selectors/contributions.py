"""贡献率 and 拉动 of the parts of a total: a zone's industry divisions or parks, a province's (or
city's) zones, read from the stored cells, so they respect disclosure control as the table does.

For a part with 1–N月 value v and base b (同口径) of a total with value V and base B:
- pull (拉动, percentage points) = (v − b) ÷ B × 100: the pulls of all parts add up to the
  total's growth;
- contribution (贡献率, %) = (v − b) ÷ (V − B) × 100: the contributions add up to 100.

Outside the statistics office a part whose cell is suppressed shows 保密 and none of its figures;
the total keeps every part (it is the stored total cell). The figures used are the cells' own, which
the table already shows: the contributions disclose nothing the table does not. A suppressed
total shows nothing at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.geo.models import Park, Zone
from kaifaqu.indicators.catalogue import Indicator
from kaifaqu.indicators.models import IndicatorCell, SliceKind
from kaifaqu.indicators.selectors.drill import drillable_indicator
from kaifaqu.indicators.selectors.slices import Slice, _industry_names
from kaifaqu.indicators.selectors.table import (
    PERCENT_PLACES,
    growth,
    period_label,
    sees_everything,
    shown,
)

POINT_PLACES = Decimal("0.01")
BY_DIVISION, BY_PARK, BY_ZONE = "division", "park", "zone"
# The breakdowns of a total: a zone by its divisions or parks, a province or city by its zones.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    SliceKind.ZONE: (BY_DIVISION, BY_PARK),
    SliceKind.PROVINCE: (BY_ZONE,),
    SliceKind.CITY: (BY_ZONE,),
}


def breakdown_label(by: str) -> str:
    return {
        BY_DIVISION: _("By industry division"),
        BY_PARK: _("By park"),
        BY_ZONE: _("By zone"),
    }[by]


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    value: int | None  # whole units, None when suppressed or not reported
    base: int | None
    enterprises: int
    estimated: int
    suppressed: bool


@dataclass(frozen=True)
class PartShare:
    """One part as shown: its figures in the indicator's display unit, None when 保密."""

    key: str
    label: str
    suppressed: bool
    value: Decimal | int | None = None
    base: Decimal | int | None = None
    change: Decimal | int | None = None
    growth: Decimal | None = None
    pull_pp: Decimal | None = None
    contribution_pct: Decimal | None = None
    enterprises: int | None = None
    estimated: int = 0


@dataclass(frozen=True)
class PartContributions:
    slice: Slice
    month: Month
    indicator: Indicator
    by: str
    breakdowns: tuple[str, ...]
    period_label: str
    masked: bool
    total_suppressed: bool
    value: Decimal | int | None
    base: Decimal | int | None
    change: Decimal | int | None
    growth: Decimal | None
    estimated: int
    rows: list[PartShare]

    @property
    def by_label(self) -> str:
        return breakdown_label(self.by)

    @property
    def any_suppressed(self) -> bool:
        return any(row.suppressed for row in self.rows)


def _places(value: Decimal | None, places: Decimal) -> Decimal | None:
    # + 0: a small negative rounds to 0.00, not "-0.00".
    return None if value is None else value.quantize(places, rounding=ROUND_HALF_UP) + 0


def shares(
    total_value: int | None, total_base: int | None, parts: Sequence[Part], indicator: Indicator
) -> list[PartShare]:
    """Each part's change, pull and contribution on the total (the module's formulas), largest
    change first; a suppressed part keeps its label only, at the end."""
    value_total = total_value or 0
    base_total = total_base or 0
    rows: list[tuple[int, PartShare]] = []
    hidden: list[PartShare] = []
    for part in parts:
        if part.suppressed:
            hidden.append(PartShare(part.key, part.label, suppressed=True))
            continue
        change = (part.value or 0) - (part.base or 0)
        pull = Decimal(change) * 100 / base_total if base_total else None
        moved = value_total - base_total
        contribution = Decimal(change) * 100 / moved if moved else None
        rows.append(
            (
                change,
                PartShare(
                    part.key,
                    part.label,
                    suppressed=False,
                    value=shown(part.value, indicator),
                    base=shown(part.base, indicator),
                    change=shown(change, indicator),
                    growth=growth(part.value, part.base),
                    pull_pp=_places(pull, POINT_PLACES),
                    contribution_pct=_places(contribution, PERCENT_PLACES),
                    enterprises=part.enterprises,
                    estimated=part.estimated,
                ),
            )
        )
    rows.sort(key=lambda pair: (-pair[0], pair[1].label))
    return [row for _change, row in rows] + sorted(hidden, key=lambda row: row.label)


_COLUMNS = ("slice_key", "ytd_value", "ytd_base", "enterprises", "estimated", "suppressed")


def _cells(month: Month, kind: str, code: str, **condition: Any) -> list[dict[str, Any]]:
    rows = IndicatorCell.objects.filter(
        month=month.first_day, slice_kind=kind, indicator=code, **condition
    ).values(*_COLUMNS)
    return list(rows)


def _part(cell: dict[str, Any], label: str, masked: bool) -> Part:
    hidden = masked and bool(cell["suppressed"])
    return Part(
        key=cell["slice_key"],
        label=label,
        value=None if hidden else cell["ytd_value"],
        base=None if hidden else cell["ytd_base"],
        enterprises=0 if hidden else cell["enterprises"],
        estimated=0 if hidden else cell["estimated"],
        suppressed=hidden,
    )


def _parts(user: User, month: Month, slice: Slice, code: str, by: str, masked: bool) -> list[Part]:
    if by == BY_DIVISION:
        cells = _cells(
            month, SliceKind.ZONE_DIVISION, code, slice_key__startswith=f"{slice.zone_id}:"
        )
        divisions = [cell["slice_key"].partition(":")[2] for cell in cells]
        names = _industry_names(divisions)
        return [
            _part(cell, f"{division} {names.get(division, '')}".strip(), masked)
            for cell, division in zip(cells, divisions, strict=True)
        ]
    if by == BY_PARK:
        cells = _cells(month, SliceKind.PARK, code, zone_id=slice.zone_id)
        parks = dict(Park.objects.filter(zone=slice.zone_id).values_list("pk", "name"))
        return [_part(cell, parks.get(int(cell["slice_key"]), "—"), masked) for cell in cells]
    # BY_ZONE: the zones of the province or city the user may see.
    zones = dict(
        Zone.objects.for_user(user)
        .filter(region__code__startswith=slice.key)
        .values_list("pk", "name")
    )
    cells = _cells(month, SliceKind.ZONE, code, slice_key__in=[str(pk) for pk in zones])
    return [_part(cell, zones[int(cell["slice_key"])], masked) for cell in cells]


def part_contributions(
    *, user: User, month: Month, slice: Slice, code: str, by: str | None = None
) -> PartContributions:
    """The parts of a slice (resolved in the user's scope) with their 贡献率 and 拉动 on its
    1–N月 growth; Http404 for an indicator that is not additive or a breakdown the slice has
    not."""
    indicator = drillable_indicator(code)
    breakdowns = BREAKDOWNS.get(slice.kind)
    if not breakdowns:
        raise Http404
    by = by or breakdowns[0]
    if by not in breakdowns:
        raise Http404
    masked = not sees_everything(user)
    total = next(
        iter(_cells(month, slice.kind, code, slice_key=slice.key)),
        None,
    )
    hidden = total is None or (masked and bool(total["suppressed"]))
    empty = PartContributions(
        slice=slice,
        month=month,
        indicator=indicator,
        by=by,
        breakdowns=breakdowns,
        period_label=period_label(month),
        masked=masked,
        total_suppressed=total is not None and hidden,
        value=None,
        base=None,
        change=None,
        growth=None,
        estimated=0,
        rows=[],
    )
    if total is None or hidden:
        return empty
    parts = _parts(user, month, slice, code, by, masked)
    return PartContributions(
        **{
            **empty.__dict__,
            "value": shown(total["ytd_value"], indicator),
            "base": shown(total["ytd_base"], indicator),
            "change": shown((total["ytd_value"] or 0) - (total["ytd_base"] or 0), indicator),
            "growth": growth(total["ytd_value"], total["ytd_base"]),
            "estimated": total["estimated"],
            "rows": shares(total["ytd_value"], total["ytd_base"], parts, indicator),
        }
    )


__all__ = [
    "BREAKDOWNS",
    "BY_DIVISION",
    "BY_PARK",
    "BY_ZONE",
    "POINT_PLACES",
    "Part",
    "PartContributions",
    "PartShare",
    "breakdown_label",
    "part_contributions",
    "shares",
]
