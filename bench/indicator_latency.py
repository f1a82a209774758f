"""Benchmark: latency of the indicator page and API for any slice, at province scale.

The province is the indicator benchmark's (`bench/indicators.py`, same SQLite file); its stored
table (`IndicatorCell`) is built with `rollup_rebuild` for the published months that have no
cells yet (timed). Three readers: the statistician of one zone (unmasked: sees every figure of
its zone), a province officer of the province and the administrator of the same zone (masked:
disclosure control decides on the neighbourhood of the slice). Since 三员分立 (issue 15) no one
reads the whole province unmasked: the system administrator, who did, sees no business data. With
django.test.Client, DEBUG off, each reader asks REQUESTS times for the page
(`/statistics/indicators/?month=…&slice=kind:key`) and for the API
(`/api/indicator-table/?month=…&slice_kind=…&slice_key=…`), for random slices it may see (the
province officer: province, cities, zones, parks, zone×division; the zone's two: their zone, its
parks and divisions) and random published months. The first request of each kind is reported
apart (cold); p50/p95/max are over the others. Target: p95 < 50 ms.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import time
from dataclasses import dataclass, field
from typing import Any

from bench.indicators import ENTERPRISES, MONTHS, ensure_price_indexes, ensure_province, timed

REQUESTS = 300
TARGET_MS = 50.0
USERNAMES = {
    "unmasked, zone": "bench-statistician",
    "masked, province": "bench-province-officer",
    "masked, zone": "bench-zone-admin",
}


@dataclass
class Kind:
    endpoint: str  # page or API
    reader: str  # a key of USERNAMES
    cold_ms: float = 0.0
    warm_ms: list[float] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")

    def percentile(self, share: float) -> float:
        ordered = sorted(self.warm_ms)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    def line(self) -> str:
        return (
            f"  {self.endpoint:4} {self.reader:17} first {self.cold_ms:7.1f}   "
            f"p50 {self.percentile(0.5):6.1f}   p95 {self.percentile(0.95):6.1f}   "
            f"max {max(self.warm_ms, default=0.0):7.1f}   ({len(self.warm_ms)} warm)"
        )


@dataclass
class Figures:
    zones: int
    enterprises: int
    months: int
    database: str
    rolled_months: int
    rollup_s: float
    cells: int
    requests: int
    kinds: list[Kind]
    profile: str = ""

    @property
    def worst_p95(self) -> float:
        return max(kind.percentile(0.95) for kind in self.kinds)

    def report(self) -> str:
        lines = [
            f"indicator page and API latency: {self.zones} zones, {self.enterprises:,} "
            f"enterprises, {self.months} months on {self.database}",
            f"  rollup_rebuild of {self.rolled_months} months without cells   "
            f"{self.rollup_s:8.2f} s   ({self.cells:,} stored cells in all)",
            f"  {self.requests} requests per kind, random slice and month; ms:",
            *[kind.line() for kind in self.kinds],
            f"  worst p95 {self.worst_p95:.1f} ms (target < {TARGET_MS:.0f} ms): "
            + ("met" if self.worst_p95 < TARGET_MS else "NOT met"),
        ]
        if self.profile:
            lines += ["", self.profile]
        return "\n".join(lines)


# --- the stored table and the readers -----------------------------------------------------------


def published_months() -> list[Any]:
    from kaifaqu.indicators.services.rollups import counted_months
    from kaifaqu.returns.models import Return, ReturnStatus

    accepted = Return.objects.filter(status=ReturnStatus.ACCEPTED)
    years = accepted.dates("period", "year")
    first = accepted.order_by("period").values_list("period", flat=True).first()
    # From the first month with returns: the months before have no cells to read.
    return [
        month
        for year in years
        for month in counted_months(year.year)
        if first is not None and month.first_day >= first
    ]


def ensure_rollups(months: list[Any], echo: Any) -> tuple[int, float]:
    """rollup_rebuild for the months without cells; gives their number and the seconds."""
    from kaifaqu.indicators.models import IndicatorCell
    from kaifaqu.indicators.services.rollups import rollup_rebuild

    stored = set(IndicatorCell.objects.values_list("month", flat=True).distinct())
    missing = [month for month in months if month.first_day not in stored]
    if not missing:
        return 0, 0.0
    echo(f"rollup_rebuild of {len(missing)} months …")
    seconds, _written = timed(lambda: rollup_rebuild(months=missing, echo=echo))
    return len(missing), seconds


def ensure_readers(zone: Any) -> dict[str, Any]:
    from kaifaqu.accounts.models import Role, User
    from kaifaqu.accounts.services import user_create
    from kaifaqu.geo.models import Region

    province = Region.objects.get(code="140000")
    wanted = {
        "unmasked, zone": (Role.STATISTICIAN, {"scope_zone": zone}),
        "masked, province": (Role.PROVINCE_OFFICER, {"scope_region": province}),
        "masked, zone": (Role.ZONE_ADMIN, {"scope_zone": zone}),
    }
    readers = {}
    for reader, (role, scope) in wanted.items():
        user = User.objects.filter(username=USERNAMES[reader]).first()
        if user is None:
            # Never logged in with: force_login. A long random password all the same.
            password = "".join(
                random.SystemRandom().choices("abcdefghjkmnpqrstuvwxyz23456789", k=24)
            )
            user = user_create(username=USERNAMES[reader], password=password, role=role, **scope)
        readers[reader] = user
    return readers


def slices(month: Any, zone: Any) -> dict[str, list[tuple[str, str]]]:
    """The slices each reader asks for: every zone-level and geography slice of the province for
    the province officer (industry sections and divisions add up zones of every province: no
    office's), and the zone's own zone, parks and divisions for its statistician and its
    administrator (the same slices, unmasked and masked)."""
    from kaifaqu.indicators.models import IndicatorCell, SliceKind

    kinds = [SliceKind.PROVINCE, SliceKind.CITY, SliceKind.ZONE, SliceKind.PARK]
    kinds.append(SliceKind.ZONE_DIVISION)
    cells = (
        IndicatorCell.objects.filter(month=month.first_day, slice_kind__in=kinds)
        .values_list("slice_kind", "slice_key", "zone_id")
        .distinct()
    )
    every = sorted({(kind, key, zone_id) for kind, key, zone_id in cells})
    province = [(kind, key) for kind, key, _zone in every]
    own = [(kind, key) for kind, key, zone_id in every if zone_id == zone.pk]
    return {"unmasked, zone": own, "masked, province": province, "masked, zone": own}


# --- measuring ----------------------------------------------------------------------------------


def _url(endpoint: str, month: Any, kind: str, key: str) -> str:
    from urllib.parse import urlencode

    if endpoint == "page":
        return "/statistics/indicators/?" + urlencode(
            {"month": str(month), "slice": f"{kind}:{key}"}
        )
    query = urlencode({"month": str(month), "slice_kind": kind, "slice_key": key})
    return f"/api/indicator-table/?{query}"


def measure(client: Any, endpoint: str, reader: str, urls: list[str]) -> Kind:
    kind = Kind(endpoint, reader)
    for number, url in enumerate(urls):
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{reader} {url}: HTTP {response.status_code}")
        if number == 0:
            kind.cold_ms = elapsed
            continue
        kind.warm_ms.append(elapsed)
        kind.slowest = max(kind.slowest, (elapsed, url))
    return kind


def profiled(client: Any, url: str, lines: int = 25) -> str:
    """One request under cProfile (the mask cache cleared, as for a neighbourhood not yet seen)."""
    from django.core.cache import cache

    cache.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    return f"cProfile of {url}:\n{out.getvalue()}"


def run(
    *,
    enterprises: int = ENTERPRISES,
    months: int = MONTHS,
    zones: int | None = None,
    requests: int = REQUESTS,
    seed: int = 2025,
    echo: Any = print,
) -> Figures:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from kaifaqu.geo.models import Zone
    from kaifaqu.indicators.models import IndicatorCell

    zones = zones or min(100, max(1, enterprises // 2_000))
    echo(f"the synthetic province ({zones} zones, {enterprises:,} enterprises, {months} months) …")
    ensure_province(zones=zones, enterprises=enterprises, months=months, echo=echo)
    ensure_price_indexes(months=months)
    every_month = published_months()
    rolled, rollup_s = ensure_rollups(every_month, echo)

    # As production runs: DEBUG off (no query log); the test client's host allowed.
    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    zone = Zone.objects.filter(region__code__startswith="14").order_by("pk").first()
    assert zone is not None
    readers = ensure_readers(zone)
    asked = slices(every_month[-1], zone)
    rng = random.Random(seed)
    kinds: list[Kind] = []
    clients: dict[str, Any] = {}
    for reader, user in readers.items():
        client = Client()
        client.force_login(user)
        clients[reader] = client
        for endpoint in ("page", "API"):
            urls = [
                _url(endpoint, rng.choice(every_month), *rng.choice(asked[reader]))
                for _ in range(requests)
            ]
            echo(f"{endpoint}, {reader}: {requests} requests …")
            kinds.append(measure(client, endpoint, reader, urls))
    figures = Figures(
        zones=zones,
        enterprises=enterprises,
        months=months,
        database=connection.vendor,
        rolled_months=rolled,
        rollup_s=rollup_s,
        cells=IndicatorCell.objects.count(),
        requests=requests,
        kinds=kinds,
    )
    if figures.worst_p95 >= TARGET_MS:
        worst = max(kinds, key=lambda kind: kind.percentile(0.95))
        figures.profile = profiled(clients[worst.reader], worst.slowest[1])
    return figures
