"""A synthetic province for benchmarks (and `kfq demo --province`): regions, zones, enterprises.

~100 zones in the 11 cities of 山西省 and 200,000 enterprises, written by bulk insert (the
records are illustrative, never a real firm). Creating it again with the same arguments adds
nothing: zones and enterprises are keyed by name and by 统一社会信用代码.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kaifaqu.core.industries import load_industry_classes
from kaifaqu.core.lib.uscc import with_check_character
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.geo.models import Region, Zone, ZoneLevel
from kaifaqu.geo.services import region_create, zone_create

PROVINCE = ("140000", "山西省")
CITIES = (
    ("140100", "太原市"),
    ("140200", "大同市"),
    ("140300", "阳泉市"),
    ("140400", "长治市"),
    ("140500", "晋城市"),
    ("140600", "朔州市"),
    ("140700", "晋中市"),
    ("140800", "运城市"),
    ("140900", "忻州市"),
    ("141000", "临汾市"),
    ("141100", "吕梁市"),
)
BATCH = 5_000


@dataclass(frozen=True)
class Province:
    zones: list[Zone]
    enterprise_count: int


def synthetic_uscc(city_code: str, serial: int) -> str:
    """An 18-character code with a valid check character; 'QX' keeps it apart from real ones."""
    return with_check_character(f"91{city_code}QX{serial:07d}")


def _region(code: str, name: str, parent: Region | None) -> Region:
    existing = Region.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return region_create(by=None, data={"code": code, "name": name, "parent": parent})


def _zones(count: int) -> list[Zone]:
    province = _region(*PROVINCE, None)
    cities = [_region(code, name, province) for code, name in CITIES]
    zones = []
    for index in range(count):
        name = f"合成开发区{index + 1:03d}"
        zone = Zone.objects.filter(name=name).first() or zone_create(
            by=None,
            data={
                "name": name,
                "level": ZoneLevel.PROVINCIAL,
                "region": cities[index % len(cities)],
                "area_km2": Decimal("30"),
                "description": "合成数据（示意），用于性能测试。",
            },
        )
        zones.append(zone)
    return zones


def province_create(
    *,
    zones: int = 100,
    enterprises: int = 200_000,
    seed: int = 2025,
    roster_year: int = 2025,
    echo: Callable[[str], None] | None = None,
) -> Province:
    """Create (or complete) the synthetic province; enterprises spread evenly over the zones,
    every one on the 规上工业 roster of `roster_year` (a month's file comes from roster firms)."""
    if not IndustryClass.objects.exists():
        load_industry_classes()
    zone_list = _zones(zones)
    classes = list(
        IndustryClass.objects.filter(
            level=IndustryLevel.CLASS, code__regex=r"^(1[3-9]|[23]\d|4[0-3])"
        )
        .order_by("code")
        .values_list("code", flat=True)
    )
    rng = random.Random(seed)
    region_codes = [zone.region.code for zone in zone_list]
    existing = set(
        Enterprise.objects.filter(name__startswith="合成企业").values_list("uscc", flat=True)
    )

    def objects() -> Iterator[Enterprise]:
        for serial in range(enterprises):
            zone = zone_list[serial % len(zone_list)]
            uscc = synthetic_uscc(region_codes[serial % len(zone_list)], serial)
            if uscc in existing:
                continue
            yield Enterprise(
                uscc=uscc,
                name=f"合成企业{serial:06d}有限公司",
                industry_id=rng.choice(classes),
                zone=zone,
                established_on=date(2000 + serial % 20, 1 + serial % 12, 1),
                is_illustrative=True,
            )

    batch: list[Enterprise] = []
    created = 0
    for enterprise in objects():
        batch.append(enterprise)
        if len(batch) == BATCH:
            Enterprise.objects.bulk_create(batch)
            created += len(batch)
            batch = []
            if echo:
                echo(f"  enterprises: {created + len(existing):,}")
    if batch:
        Enterprise.objects.bulk_create(batch)
    _roster(roster_year)
    return Province(
        zones=zone_list,
        enterprise_count=Enterprise.objects.filter(name__startswith="合成企业").count(),
    )


def _roster(year: int) -> None:
    listed = RosterEntry.objects.filter(year=year, category=StatCategory.INDUSTRY)
    missing = (
        Enterprise.objects.filter(name__startswith="合成企业")
        .exclude(pk__in=listed.values("enterprise_id"))
        .values_list("pk", flat=True)
    )
    RosterEntry.objects.bulk_create(
        (
            RosterEntry(enterprise_id=pk, year=year, category=StatCategory.INDUSTRY)
            for pk in missing.iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )


def province_enterprises(limit: int | None = None) -> list[tuple[str, str]]:
    """(uscc, name) of the synthetic enterprises in serial order."""
    rows = (
        Enterprise.objects.filter(name__startswith="合成企业")
        .order_by("name")
        .values_list("uscc", "name")
    )
    return list(rows[:limit] if limit else rows)
