"""Benchmark: the project pages at province scale (100,000 projects).

The province is the indicator benchmark's (same SQLite file: 100 zones and their parks); the
projects are `kaifaqu.demo.province_projects.generate_projects`'s, added once (timed). Two
readers: the provincial office (every project of the province; since 三员分立, issue 15, the
system administrator sees no business data) and a zone administrator of one zone. With
django.test.Client, DEBUG off, each asks REQUESTS times for the pipeline board
(`/projects/board/`) and the project list (`/projects/`), unfiltered or with a random filter
(park, stage, industry division, amount, search, sort), and, for the zone administrator, the
cycle-time page. The province's four "三个一批" rounds of 2024 are generated too (every
synthetic project that entered a list's stage in a quarter is on that quarter's list); a
province officer and the zone administrator ask for a round's page (its summary per zone, city
and province in the official wording, and the lists) and its summary workbook, and the officer
for the rounds compared. The first request of each kind is reported apart; p50/p95/max over the
others. Target (issue 5): board, lists and round summaries p95 < 100 ms.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from bench.indicator_latency import Kind
from bench.indicators import ENTERPRISES, MONTHS, ensure_province, timed

PROJECTS = 100_000
REQUESTS = 200
TARGET_MS = 100.0
# The province-wide board and list are read by the provincial office: the same account as its
# rounds (two labels, to report the board and list apart from the rounds).
USERNAMES = {
    "province-wide": "bench-province",
    "one zone": "bench-zone-admin",
    "province office": "bench-province",
}
# Pages with no target, reported for the record.
UNTARGETED = frozenset({"周期"})


@dataclass
class Figures:
    projects: int
    zones: int
    database: str
    generated_s: float
    round_entries: int
    requests: int
    kinds: list[Kind]

    @property
    def worst_p95(self) -> float:
        return max(kind.percentile(0.95) for kind in self.kinds if kind.endpoint not in UNTARGETED)

    def report(self) -> str:
        return "\n".join(
            [
                f"project pages: {self.projects:,} projects in {self.zones} zones on "
                f"{self.database}",
                f"  projects and rounds generated in {self.generated_s:.1f} s (0 when already "
                f"there); {self.round_entries:,} round entries in 4 rounds",
                f"  {self.requests} requests per kind, random filters; ms:",
                *[kind.line() for kind in self.kinds],
                f"  worst p95 of board, list and rounds {self.worst_p95:.1f} ms "
                f"(target < {TARGET_MS:.0f} ms): "
                + ("met" if self.worst_p95 < TARGET_MS else "NOT met"),
                "  (周期: the cycle-time page, for the record: no target)",
            ]
        )


def _readers(zone: Any) -> dict[str, Any]:
    from kaifaqu.accounts.models import Role, User
    from kaifaqu.accounts.services import user_create
    from kaifaqu.geo.models import Region

    province = (Role.PROVINCE_OFFICER, {"scope_region": Region.objects.get(code="140000")})
    wanted = {
        "province-wide": province,
        "one zone": (Role.ZONE_ADMIN, {"scope_zone": zone}),
        "province office": province,
    }
    readers = {}
    for reader, (role, scope) in wanted.items():
        user = User.objects.filter(username=USERNAMES[reader]).first()
        if user is None:
            password = "".join(
                random.SystemRandom().choices("abcdefghjkmnpqrstuvwxyz23456789", k=24)
            )
            user = user_create(username=USERNAMES[reader], password=password, role=role, **scope)
        readers[reader] = user
    return readers


def _queries(rng: random.Random, parks: list[int], divisions: list[str]) -> dict[str, Any]:
    choice = rng.randrange(7)
    if choice == 0:
        return {}
    if choice == 1 and parks:
        return {"park": rng.choice(parks)}
    if choice == 2:
        return {"stage": rng.choice(["signed", "started", "building", "stalled"])}
    if choice == 3:
        return {"industry": rng.choice(divisions)}
    if choice == 4:
        return {"min_investment": rng.choice([1_000, 5_000, 30_000])}
    if choice == 5:
        return {"q": f"项目0{rng.randrange(10)}"}
    return {"sort": rng.choice(["-total_investment", "name", "-stage_since"])}


def run(
    *,
    projects: int = PROJECTS,
    requests: int = REQUESTS,
    enterprises: int = ENTERPRISES,
    months: int = MONTHS,
    zones: int | None = None,
    echo: Any = print,
) -> Figures:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from kaifaqu.demo.province import PREFIX
    from kaifaqu.demo.province_projects import ROUND_YEAR, generate_projects, generate_rounds
    from kaifaqu.geo.models import Park, Zone
    from kaifaqu.projects.models import Round

    # django.test.Client's host, as the indicator latency benchmark allows it.
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    zones = zones or min(100, max(1, enterprises // 2_000))
    ensure_province(zones=zones, enterprises=enterprises, months=months, echo=echo)
    echo(f"{projects:,} synthetic projects …")
    generated_s, _count = timed(lambda: generate_projects(count=projects))
    echo("the province's rounds …")
    rounds_s, round_entries = timed(generate_rounds)
    generated_s += rounds_s
    rounds = list(Round.objects.filter(year=ROUND_YEAR).order_by("number"))
    zone = Zone.objects.filter(name__startswith=PREFIX).order_by("pk").first()
    readers = _readers(zone)
    rng = random.Random(11)
    divisions = ["30", "33", "38", "26", "13"]
    pages = {"看板": reverse("projects:board"), "列表": reverse("projects:project-list")}
    kinds: list[Kind] = []
    for reader, user in readers.items():
        client = Client()
        client.force_login(user)
        visible = Park.objects.for_user(user).values_list("pk", flat=True)
        parks = list(visible[:500])
        endpoints = dict(pages) if reader != "province office" else {}
        if reader == "one zone":
            endpoints["周期"] = reverse("projects:cycle-times")
        if reader != "province-wide":
            endpoints["轮次"] = "round"
            endpoints["轮次表"] = "round-summary-export"
        if reader == "province office":
            endpoints["轮次对比"] = reverse("projects:round-compare")
        for endpoint, url in endpoints.items():
            echo(f"{endpoint} {reader}: {requests} requests …")
            kind = Kind(endpoint=endpoint, reader=reader)
            for attempt in range(requests):
                target, query = url, {} if endpoint == "周期" else _queries(rng, parks, divisions)
                if url in ("round", "round-summary-export"):
                    # A round, each time another of the four.
                    name = "round-detail" if url == "round" else url
                    target = reverse(f"projects:{name}", args=[rng.choice(rounds).pk])
                    query = {}
                elif endpoint == "轮次对比":
                    query = {}
                start = time.perf_counter()
                response = client.get(target, query)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{target} {query}: HTTP {response.status_code}")
                if attempt == 0:
                    kind.cold_ms = elapsed
                else:
                    kind.warm_ms.append(elapsed)
            kinds.append(kind)
    return Figures(
        projects=projects,
        zones=zones,
        database=connection.vendor,
        generated_s=generated_s,
        round_entries=round_entries,
        requests=requests,
        kinds=kinds,
    )
