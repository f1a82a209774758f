"""Reads of the "三个一批" rounds: the lists, and each round's summary per zone, city and
province in the province's own wording.

Amounts are summed in 万元 as picked and shown in 亿元 rounded half up to 0.01 亿元, trailing
zeros dropped as the province writes them (6.30 → 6.3). Each level is rounded from its own sum,
so a province's figure can differ by 0.01 from the sum of its zones' rounded figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import ScopeLevel
from kaifaqu.geo.models import Region, RegionLevel, Zone
from kaifaqu.projects.models import Round, RoundEntry, RoundList

YI = Decimal(10_000)  # 万元 in 1 亿元
CENT = Decimal("0.01")


def yi_rounded(amount_wan: Decimal) -> Decimal:
    """万元 as 亿元 to 0.01, halves up, trailing zeros dropped: 63,000 万元 → 6.3."""
    value = (amount_wan / YI).quantize(CENT, rounding=ROUND_HALF_UP)
    return value.normalize() if value else Decimal(0)


def round_list(*, user: User) -> QuerySet[Round]:
    """The rounds of the provinces the user works in, most recent first."""
    return Round.objects.for_user(user).select_related("province")


def round_entries(*, user: User, round: Round) -> QuerySet[RoundEntry]:
    """The entries of a round the user may see (a zone's its own; the province's all)."""
    return (
        RoundEntry.objects.for_user(user)
        .filter(round=round)
        .select_related("project", "project__park", "zone")
        .order_by("list", "zone__name", "project__name")
    )


@dataclass
class ListFigures:
    """One list (签约一批, 开工一批 or 投产一批) of one place: projects and amounts in 万元."""

    list: str
    count: int = 0
    amount: Decimal = Decimal(0)
    expected_output: Decimal | None = None

    @property
    def label(self) -> str:
        return str(RoundList(self.list).label)

    @property
    def amount_yi(self) -> Decimal:
        return yi_rounded(self.amount)

    @property
    def expected_output_yi(self) -> Decimal | None:
        return yi_rounded(self.expected_output) if self.expected_output is not None else None

    def add(self, other: ListFigures) -> None:
        self.count += other.count
        self.amount += other.amount
        if other.expected_output is not None:
            self.expected_output = (self.expected_output or Decimal(0)) + other.expected_output


@dataclass
class PlaceSummary:
    """A zone's, a city's or the province's three lists."""

    level: str  # "zone", "city", "province"
    name: str
    key: str
    lists: dict[str, ListFigures] = field(
        default_factory=lambda: {name: ListFigures(name) for name in RoundList.values}
    )

    @property
    def signed(self) -> ListFigures:
        return self.lists[RoundList.SIGNED]

    @property
    def started(self) -> ListFigures:
        return self.lists[RoundList.STARTED]

    @property
    def commissioned(self) -> ListFigures:
        return self.lists[RoundList.COMMISSIONED]

    @property
    def text(self) -> str:
        return summary_text(self)

    @property
    def zone_id(self) -> int | None:
        """A zone's id (its key is `<city code>:<zone id>`); None for a city or the province."""
        return int(self.key.split(":")[1]) if self.level == "zone" else None

    def add(self, other: PlaceSummary) -> None:
        for name, figures in other.lists.items():
            self.lists[name].add(figures)


def summary_text(place: PlaceSummary) -> str:
    """The province's sentence: "签约项目共 4 个，签约投资额为 6.3 亿元；开工项目共 6 个，计划总投资
    7.8 亿元；投产项目共 1 个，项目总投资 0.8 亿元"."""
    signed, started, commissioned = place.signed, place.started, place.commissioned
    parts = [
        ngettext(
            "%(count)s project signed, signed investment %(amount)s 亿元",
            "%(count)s projects signed, signed investment %(amount)s 亿元",
            signed.count,
        )
        % {"count": signed.count, "amount": signed.amount_yi},
        ngettext(
            "%(count)s project started, planned total investment %(amount)s 亿元",
            "%(count)s projects started, planned total investment %(amount)s 亿元",
            started.count,
        )
        % {"count": started.count, "amount": started.amount_yi},
        ngettext(
            "%(count)s project commissioned, total investment %(amount)s 亿元",
            "%(count)s projects commissioned, total investment %(amount)s 亿元",
            commissioned.count,
        )
        % {"count": commissioned.count, "amount": commissioned.amount_yi},
    ]
    # The Chinese wording joins the three with a full-width semicolon.
    return _("; ").join(parts)


@dataclass
class RoundSummary:
    round: Round
    zones: list[PlaceSummary]
    cities: list[PlaceSummary]
    province: PlaceSummary | None  # None for a user who sees less than the province

    @property
    def places(self) -> list[PlaceSummary]:
        """Province, then each city followed by its zones, then zones outside any city."""
        ordered: list[PlaceSummary] = [self.province] if self.province else []
        placed: set[str] = set()
        for city in self.cities:
            ordered.append(city)
            for zone in self.zones:
                if zone.key.startswith(f"{city.key}:"):
                    ordered.append(zone)
                    placed.add(zone.key)
        ordered += [zone for zone in self.zones if zone.key not in placed]
        return ordered


def _zone_figures(entries: QuerySet[RoundEntry]) -> dict[int, dict[str, ListFigures]]:
    by_zone: dict[int, dict[str, ListFigures]] = {}
    rows = (
        entries.order_by()
        .values("zone_id", "list")
        .annotate(count=Count("id"), amount=Sum("amount"), expected=Sum("expected_annual_output"))
    )
    for row in rows:
        lists = by_zone.setdefault(row["zone_id"], {})
        lists[row["list"]] = ListFigures(
            row["list"], row["count"], row["amount"] or Decimal(0), row["expected"]
        )
    return by_zone


def round_summary(*, user: User, round: Round, zones: Iterable[Zone] | None = None) -> RoundSummary:
    """The round's figures per zone the user sees (every zone with an entry, and `zones`),
    per city, and for the province when the user sees all of it. One grouped query."""
    entries = RoundEntry.objects.for_user(user).filter(round=round)
    by_zone = _zone_figures(entries)
    shown = {zone.pk: zone for zone in zones or ()}
    missing = set(by_zone) - set(shown)
    if missing:
        shown.update(
            {zone.pk: zone for zone in Zone.objects.filter(pk__in=missing).select_related("region")}
        )
    zone_rows = []
    for zone in sorted(shown.values(), key=lambda zone: (zone.region.code, zone.name)):
        place = PlaceSummary("zone", zone.name, f"{zone.region.code[:4]}:{zone.pk}")
        for name, figures in by_zone.get(zone.pk, {}).items():
            place.lists[name] = figures
        zone_rows.append(place)
    city_codes = sorted(
        {
            zone.region.code[:4]
            for zone in shown.values()
            if zone.region.code[2:4] != "00"  # a zone directly under the province
        }
    )
    cities = []
    names = dict(
        Region.objects.filter(
            level=RegionLevel.CITY, code__in=[f"{code}00" for code in city_codes]
        ).values_list("code", "name")
    )
    for code in city_codes:
        city = PlaceSummary("city", names.get(f"{code}00", code), code)
        for row in zone_rows:
            if row.key.startswith(f"{code}:"):
                city.add(row)
        cities.append(city)
    province = None
    if _sees_province(user, round):
        province = PlaceSummary("province", round.province.name, round.province.code[:2])
        for row in zone_rows:
            province.add(row)
    return RoundSummary(round=round, zones=zone_rows, cities=cities, province=province)


def _sees_province(user: User, round: Round) -> bool:
    """The whole province's figures: the platform's administrator and the province's office
    (a city's office sees its city and zones)."""
    scope = user.scope
    if scope.level == ScopeLevel.ALL:
        return True
    return (
        scope.level == ScopeLevel.REGION
        and scope.region is not None
        and scope.region.prefix == round.province.code[:2]
    )


@dataclass
class RoundRow:
    """One round in a comparison: the three lists of the place compared, and the change of each
    count and amount from the round before."""

    round: Round
    place: PlaceSummary
    previous: PlaceSummary | None

    @property
    def cells(self) -> list[dict[str, Any]]:
        """Per list, in list order: count, amount in 亿元 and their changes (None: first)."""
        cells = []
        for name in RoundList.values:
            change = self.change(name)
            figures = self.place.lists[name]
            cells.append(
                {
                    "count": figures.count,
                    "amount": figures.amount_yi,
                    "count_change": change[0] if change else None,
                    "amount_change": change[1] if change else None,
                }
            )
        return cells

    def change(self, list: str) -> tuple[int, Decimal] | None:
        if self.previous is None:
            return None
        now, before = self.place.lists[list], self.previous.lists[list]
        return now.count - before.count, yi_rounded(now.amount) - yi_rounded(before.amount)


def round_comparison(*, user: User, zone: Zone | None = None) -> list[RoundRow]:
    """Every round the user sees, oldest first, with the figures of `zone` (None: everything
    the user sees) and their change from the province's round before. One grouped query."""
    rounds = list(round_list(user=user).order_by("held_on", "number"))
    entries = RoundEntry.objects.for_user(user).filter(round__in=rounds)
    if zone is not None:
        entries = entries.filter(zone=zone)
    figures: dict[int, PlaceSummary] = {
        one.pk: PlaceSummary("scope", str(zone or ""), str(one.pk)) for one in rounds
    }
    rows = (
        entries.order_by()
        .values("round_id", "list")
        .annotate(count=Count("id"), amount=Sum("amount"), expected=Sum("expected_annual_output"))
    )
    for row in rows:
        figures[row["round_id"]].lists[row["list"]] = ListFigures(
            row["list"], row["count"], row["amount"] or Decimal(0), row["expected"]
        )
    result: list[RoundRow] = []
    last_of_province: dict[int, int] = {}
    for one in rounds:
        before = last_of_province.get(one.province_id)
        previous = figures[before] if before is not None else None
        result.append(RoundRow(round=one, place=figures[one.pk], previous=previous))
        last_of_province[one.province_id] = one.pk
    return result
