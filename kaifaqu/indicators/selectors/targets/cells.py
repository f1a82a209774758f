"""Zone figures read from the stored indicator table, with their growth and their disclosure.

A zone's figure of a month is its zone cell (`IndicatorCell`, slice_kind "zone", slice_key the
zone id), in whole units (yuan, kWh, persons). Here it becomes an exact Decimal in the unit
targets are written in: 万元, 万千瓦时, persons (`catalogue.DISPLAY_SCALE`).

Disclosure (统计法): whether a zone cell may be shown outside the statistics office is decided
when the roll-up writes the month, on the tree of its zone, city and province cells and the
zones' parks and divisions (indicators/masking.py), and stored with the cell: whoever asks, a
zone reads the same on every page, so that two users' pages cannot be combined. The primary rule
(fewer than 3 enterprises, or one enterprise above 85 % of the absolute total) plus
complementary suppression, because the city and province totals are published and a single
hidden zone would be their difference with the zones shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import user_may
from kaifaqu.indicators.catalogue import BY_CODE, DISPLAY_SCALE, VALUE_ADDED
from kaifaqu.indicators.models import IndicatorCell, SliceKind
from kaifaqu.indicators.selectors.publication import published_months, sees_unpublished

HUNDRED = Decimal(100)
PROVINCE, CITY, ZONE = SliceKind.PROVINCE.value, SliceKind.CITY.value, SliceKind.ZONE.value


def reads_zone_figures(user: User) -> bool:
    """Zone figures are the office's: enterprise users and the 三员 administrators get none."""
    return user_may(user, "core.see_office_work")


def to_unit(code: str, whole: int | None) -> Decimal | None:
    """Whole units (yuan, kWh, persons) in the unit targets use (万元, 万千瓦时, persons)."""
    if whole is None:
        return None
    return Decimal(whole) / DISPLAY_SCALE[BY_CODE[code].unit]


def growth_pct(value: Decimal | int | None, base: Decimal | int | None) -> Decimal | None:
    """Growth in per cent; none over a base that is not positive (a loss turned into a profit
    has no growth rate to speak of)."""
    if value is None or base is None or base <= 0:
        return None
    return (Decimal(value) / Decimal(base) - 1) * HUNDRED


@dataclass(frozen=True)
class ZoneCell:
    zone_id: int
    indicator: str
    month: date
    month_value: int | None
    ytd_value: int | None
    ytd_base: int | None
    ytd_comparable: int | None
    enterprises: int
    # Suppressed for readers outside the statistics office (they see 保密).
    suppressed: bool

    @property
    def value(self) -> Decimal | None:
        """1–N月 in the indicator's target unit."""
        return to_unit(self.indicator, self.ytd_value)

    @property
    def growth_pct(self) -> Decimal | None:
        """1–N月 growth on the same enterprises (同口径); value added at comparable prices.

        None when no enterprise has a figure: a sum of nothing is not a fall of 100 %; and for
        value added without a price index (`no_price_index`): growth at current prices would
        pass for real growth.
        """
        if self.enterprises == 0:
            return None
        current = self.ytd_value
        if BY_CODE[self.indicator].kind == VALUE_ADDED:
            current = self.ytd_comparable
        return growth_pct(current, self.ytd_base)

    @property
    def no_price_index(self) -> bool:
        """Value added whose growth at comparable prices is not available: an enterprise of the
        zone has no price index of its province for a month."""
        return (
            BY_CODE[self.indicator].kind == VALUE_ADDED
            and self.ytd_value is not None
            and self.ytd_comparable is None
        )

    @property
    def own_value(self) -> int | None:
        """The figure of the month alone: the month's value, or 1–2月 in February."""
        return self.month_value if self.month_value is not None else self.ytd_value


CellKey = tuple[int, date, str]


def zone_cells(
    *, zone_ids: Iterable[int], months: Iterable[Month], reader: User | None
) -> dict[CellKey, ZoneCell]:
    """The zone cells of these zones and months by (zone id, month, indicator), as `reader` may
    see them: a month a zone has not published is left out for a reader outside the statistics
    office (None: the platform itself, which reads every month).

    One query whatever the number of zones; each cell's disclosure decision is stored with it.
    """
    zone_ids = list(zone_ids)
    shown = None if reader is None or sees_unpublished(reader) else published_months(zone_ids)
    wanted = {str(pk) for pk in zone_ids}
    days = sorted({month.first_day for month in months})
    if not wanted or not days:
        return {}
    rows = list(
        IndicatorCell.objects.filter(
            month__in=days, slice_kind=ZONE, slice_key__in=sorted(wanted)
        ).values_list(
            "month",
            "slice_key",
            "indicator",
            "month_value",
            "ytd_value",
            "ytd_base",
            "ytd_comparable",
            "enterprises",
            "suppressed",
        )
    )
    cells: dict[CellKey, ZoneCell] = {}
    for row in rows:
        day, key, code, month_value, ytd_value, ytd_base, comparable, count, hidden = row
        if code not in BY_CODE:
            continue
        zone_id = int(key)
        if shown is not None and not shown.is_shown(zone_id, Month.of(day)):
            continue
        cells[(zone_id, day, code)] = ZoneCell(
            zone_id=zone_id,
            indicator=code,
            month=day,
            month_value=month_value,
            ytd_value=ytd_value,
            ytd_base=ytd_base,
            ytd_comparable=comparable,
            enterprises=count,
            # Decided with the month's roll-up (hidden until then).
            suppressed=hidden,
        )
    return cells


def latest_month(zone_ids: Iterable[int], today: date, *, reader: User | None) -> Month:
    """The last month with figures of these zones before today's (for a reader outside the
    statistics office: the last month one of them published), else last month."""
    this_month = Month.of(today)
    zone_ids = list(zone_ids)
    if reader is not None and not sees_unpublished(reader):
        latest = published_months(zone_ids).latest_shown(zone_ids)
        return latest if latest is not None else this_month.shift(-1)
    last = (
        IndicatorCell.objects.filter(
            zone_id__in=list(zone_ids),
            slice_kind=ZONE,
            month__lt=this_month.first_day,
        )
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return Month.of(last) if last is not None else this_month.shift(-1)
