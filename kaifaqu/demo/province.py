"""A synthetic province for scale tests: ~100 zones of 山西省, 200,000 enterprises, 60 months.

`generate_province` builds zones across Shanxi's 11 cities, their parks, industrial enterprises
with valid and unique USCCs, their 规上工业 roster for each year and one accepted return per
enterprise and month, all marked illustrative (zone and park descriptions say 合成数据, enterprise
and return rows carry `is_illustrative`). It is deterministic for a seed: per-enterprise
parameters come from `random.Random(seed)`, per-month noise from an integer hash of (seed,
enterprise, month) computed in polars, so the same call builds the same province.

Rows are written set-based, bypassing the ORM for the large tables: PostgreSQL through `COPY …
FROM STDIN` (psycopg `cursor.copy`), SQLite through `executemany` in large transactions with
`synchronous=OFF`. The audit log records none of it (it is synthetic data, not anyone's work).

With `real_months=True` (`kfq demo --province --real-months`) the province carries what a real
month carries (the reporting-month benchmark's province, `bench/month_close.py`): firms newly
commissioned during the years (a monthly roster entry, 新开业月度入库, no return before it) and
firms leaving the roster (停产、注销: `exited_on` in their last month, no return after it), a few
returns missing from past months, and in the last month returns still awaiting review (late:
submitted, not yet accepted) and firms that have not reported at all (to be recorded 未报 and
estimated). Losses come in every mode: a firm's margin is drawn around 5.5 %, some 6 % of the
firm-months are negative. Which firm enters, leaves or misses a month is an integer hash of
(seed, firm, month), like the figures, so the default province is unchanged.

Running it again is refused politely: when a synthetic zone exists, nothing is written and the
summary gives what is there (`created=False`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.frames import insert_frame, timestamp, timestamps
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.lib.uscc import ALPHABET, check_character
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.demo.bulk import bulk_session
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.geo.models import Park, Region, Zone, ZoneLevel
from kaifaqu.geo.services import region_create
from kaifaqu.returns.models import Return, ReturnSource, ReturnStatus
from kaifaqu.returns.models.ledger import LEDGER_FIELDS
from kaifaqu.returns.services.ledger import ledger_record, whole_units

PREFIX = "模拟"  # every synthetic zone's name starts with it; the demo's real-looking data never
LAST_MONTH = Month(2024, 12)
CITIES = {
    "140100": "太原市",
    "140200": "大同市",
    "140300": "阳泉市",
    "140400": "长治市",
    "140500": "晋城市",
    "140600": "朔州市",
    "140700": "晋中市",
    "140800": "运城市",
    "140900": "忻州市",
    "141000": "临汾市",
    "141100": "吕梁市",
}
PARK_NAMES = ("综合园区", "新材料园区", "装备制造园区", "能源化工园区", "现代物流园区")
# A typical year of industrial output (January and February low, December high), mean 1.
SEASON = (0.82, 0.78, 1.0, 1.0, 1.02, 1.04, 0.98, 0.99, 1.03, 1.02, 1.06, 1.18)
CHUNK_ENTERPRISES = 5_000
_MINSTD = 2_147_483_647  # the Park–Miller modulus: integer arithmetic stays within Int64

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Summary:
    created: bool
    zones: int
    parks: int
    enterprises: int
    roster_entries: int
    returns: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.returns / self.seconds if self.seconds else 0.0


def _no_progress(_phase: str, _done: int, _total: int) -> None:
    pass


def generate_province(
    *,
    zones: int = 100,
    enterprises: int = 200_000,
    months: int = 60,
    seed: int = 2025,
    progress: Progress | None = None,
    real_months: bool = False,
) -> Summary:
    """Build the synthetic province (or, if it exists, leave it and say what is there);
    `real_months`: with roster entries and exits, missing and late returns (see above)."""
    if zones < 1 or enterprises < zones or not 1 <= months <= 240:
        raise ValueError("need at least one enterprise per zone and 1 to 240 months")
    report = progress or _no_progress
    started = time.monotonic()
    if Zone.objects.filter(name__startswith=PREFIX).exists():
        return _existing(started)
    rng = random.Random(seed)
    periods = [LAST_MONTH.shift(-offset) for offset in range(months - 1, -1, -1)]
    now = timezone.now()
    with transaction.atomic():
        zone_ids = _create_zones(rng, zones)
        park_ids = _create_parks(rng, zone_ids)
        firms = _enterprise_frame(rng, zone_ids, park_ids, enterprises, periods[0])
        report("enterprises", 0, enterprises)
        insert_frame(Enterprise, _enterprise_rows(firms, now))
        report("enterprises", enterprises, enterprises)
        ids = _enterprise_ids(zone_ids)
        firms = firms.join(ids, on="uscc", how="left").sort("index")
        firms = _with_lifetimes(firms, len(periods), seed if real_months else None)
        roster_entries = insert_frame(RosterEntry, _roster_rows(firms, periods, now))
    total = enterprises * months
    done = 0
    report("returns", 0, total)
    with bulk_session():
        for start in range(0, enterprises, CHUNK_ENTERPRISES):
            chunk = firms.slice(start, CHUNK_ENTERPRISES)
            with transaction.atomic():
                rows = _return_rows(chunk, periods, seed, now, real_months=real_months)
                done += insert_frame(Return, rows)
                ledger_record(whole_units(rows.select("enterprise_id", "period", *LEDGER_FIELDS)))
            report("returns", done, total)
    return Summary(
        created=True,
        zones=zones,
        parks=sum(len(ids) for ids in park_ids.values()),
        enterprises=enterprises,
        roster_entries=roster_entries,
        returns=done,
        seconds=time.monotonic() - started,
    )


def _existing(started: float) -> Summary:
    synthetic = Zone.objects.filter(name__startswith=PREFIX)
    return Summary(
        created=False,
        zones=synthetic.count(),
        parks=Park.objects.filter(zone__in=synthetic).count(),
        enterprises=Enterprise.objects.filter(zone__in=synthetic).count(),
        roster_entries=RosterEntry.objects.filter(enterprise__zone__in=synthetic).count(),
        returns=Return.objects.filter(enterprise__zone__in=synthetic).count(),
        seconds=time.monotonic() - started,
    )


# Zones, parks and enterprises


def _regions() -> dict[str, Region]:
    regions = {r.code: r for r in Region.objects.filter(code__in=["140000", *CITIES])}
    if "140000" not in regions:
        regions["140000"] = region_create(by=None, data={"code": "140000", "name": "山西省"})
    for code, name in CITIES.items():
        if code not in regions:
            regions[code] = region_create(
                by=None, data={"code": code, "name": name, "parent": regions["140000"]}
            )
    return regions


def _create_zones(rng: random.Random, count: int) -> list[int]:
    regions = _regions()
    codes = list(CITIES)
    zones = []
    for index in range(count):
        code = codes[index % len(codes)]
        number = index // len(codes) + 1
        zones.append(
            Zone(
                name=f"{PREFIX}{CITIES[code]}第{number:02d}开发区",
                level=ZoneLevel.NATIONAL if rng.random() < 0.15 else ZoneLevel.PROVINCIAL,
                region=regions[code],
                area_km2=Decimal(rng.randint(800, 12000)) / 100,
                description="合成数据（示例），供规模测试用，不是真实的开发区。",
            )
        )
    Zone.objects.bulk_create(zones, batch_size=500)
    return list(
        Zone.objects.filter(name__startswith=PREFIX).order_by("id").values_list("id", flat=True)
    )


def _create_parks(rng: random.Random, zone_ids: list[int]) -> dict[int, list[int]]:
    parks = [
        Park(zone_id=zone_id, name=name, position=position, description="合成数据（示例）")
        for zone_id in zone_ids
        for position, name in enumerate(PARK_NAMES[: rng.randint(2, len(PARK_NAMES))], start=1)
    ]
    Park.objects.bulk_create(parks, batch_size=500)
    by_zone: dict[int, list[int]] = {zone_id: [] for zone_id in zone_ids}
    for park_id, zone_id in (
        Park.objects.filter(zone_id__in=zone_ids).order_by("id").values_list("id", "zone_id")
    ):
        by_zone[zone_id].append(park_id)
    return by_zone


def _uscc(region: str, serial: int) -> str:
    digits = []
    for _position in range(6):
        serial, digit = divmod(serial, len(ALPHABET))
        digits.append(ALPHABET[digit])
    # "MAX" keeps these apart from the demo zone's generated codes ("MA0L…").
    body = f"91{region}MAX{''.join(reversed(digits))}"
    return body + check_character(body)


def _zone_sizes(rng: random.Random, zones: int, enterprises: int) -> list[int]:
    weights = [rng.uniform(0.3, 1.7) for _ in range(zones)]
    total = sum(weights)
    sizes = [max(1, int(enterprises * w / total)) for w in weights]
    index = 0
    while sum(sizes) != enterprises:
        step = 1 if sum(sizes) < enterprises else -1
        if sizes[index % zones] + step >= 1:
            sizes[index % zones] += step
        index += 1
    return sizes


def _enterprise_frame(
    rng: random.Random,
    zone_ids: list[int],
    park_ids: dict[int, list[int]],
    count: int,
    first: Month,
) -> pl.DataFrame:
    """One row per enterprise with its parameters (Python's seeded random, no database)."""
    classes = list(
        IndustryClass.objects.filter(
            level=IndustryLevel.CLASS, code__regex=r"^(0[6-9]|1[0-9]|2[0-9]|3[0-9]|4[0-6])"
        ).values_list("code", flat=True)
    )
    region_of = dict(Zone.objects.filter(id__in=zone_ids).values_list("id", "region__code"))
    rows: dict[str, list[Any]] = {
        key: [] for key in ("index", "uscc", "name", "industry_id", "zone_id", "park_id", "founded")
    }
    params: dict[str, list[float]] = {key: [] for key in ("base", "growth", "margin", "vat")}
    params.update({key: [] for key in ("per_kwh", "export", "employees")})
    index = 0
    for zone_id, size in zip(zone_ids, _zone_sizes(rng, len(zone_ids), count), strict=True):
        for _number in range(size):
            rows["index"].append(index)
            rows["uscc"].append(_uscc(region_of[zone_id], index))
            rows["name"].append(f"{PREFIX}企业{index:06d}有限公司")
            rows["industry_id"].append(rng.choice(classes))
            rows["zone_id"].append(zone_id)
            rows["park_id"].append(rng.choice(park_ids[zone_id]))
            rows["founded"].append(first.shift(-rng.randint(1, 240)).first_day)
            # Above scale: at least 2000 万元 a year, most a few thousand, a few very large.
            params["base"].append(round(175 + 200 * rng.lognormvariate(0.0, 1.0), 1))
            params["growth"].append(rng.gauss(0.05, 0.08))
            params["margin"].append(rng.gauss(0.055, 0.035))
            params["vat"].append(rng.uniform(0.025, 0.06))
            params["per_kwh"].append(rng.uniform(2.5, 25.0))
            params["export"].append(rng.choice((0.0, 0.0, 0.0, rng.uniform(0.01, 0.12))))
            params["employees"].append(float(rng.randint(30, 600)))
            index += 1
    return pl.DataFrame({**rows, **params})


def _enterprise_rows(firms: pl.DataFrame, now: Any) -> pl.DataFrame:
    return firms.select(
        "uscc",
        "name",
        "industry_id",
        "zone_id",
        "park_id",
        pl.lit("ordinary").alias("kind"),
        pl.lit("operating").alias("status"),
        pl.col("founded").alias("established_on"),
        pl.lit(None, dtype=pl.Float64).alias("land_mu"),
        pl.lit("").alias("address"),
        pl.lit("合成数据（示例）").alias("description"),
        pl.lit(True).alias("is_illustrative"),
        *timestamps(now),
    )


def _enterprise_ids(zone_ids: list[int]) -> pl.DataFrame:
    pairs = list(Enterprise.objects.filter(zone_id__in=zone_ids).values_list("uscc", "id"))
    return pl.DataFrame(pairs, schema={"uscc": pl.Utf8, "enterprise_id": pl.Int64}, orient="row")


# The shares of firms of the `real_months` province that enter the roster during the months (newly
# commissioned) and that leave it (停产、注销); of firm-months missing in the past; of the last
# month's firms that have not reported, and whose return is late (submitted, awaiting review).
ENTERING, EXITING, MISSING_PAST = 0.06, 0.04, 0.002
NOT_REPORTED_LAST, LATE_LAST = 0.01, 0.03
EXIT_REASONS = ("停产", "注销")


def _with_lifetimes(firms: pl.DataFrame, months: int, seed: int | None) -> pl.DataFrame:
    """first_t and last_t (the first and last month index the firm reports, 0 … months-1) and
    whether it leaves the roster in its last month; without a seed every firm reports every
    month and none leaves."""
    if seed is None:
        return firms.with_columns(
            pl.lit(0, dtype=pl.Int64).alias("first_t"),
            pl.lit(months - 1, dtype=pl.Int64).alias("last_t"),
            pl.lit(False).alias("exits"),
        )
    # numpy's seeded generator (PCG64), one stream for these draws: the firm's parameters and
    # the month noise stay as they are without `real_months`.
    draws = np.random.default_rng([seed, 11]).random((4, firms.height))
    enters = draws[0] < ENTERING
    exits = ~enters & (draws[1] < EXITING)
    first = np.where(enters, 1 + np.floor(draws[2] * (months - 1)), 0).astype(np.int64)
    last = np.where(exits, np.floor(draws[3] * months), months - 1).astype(np.int64)
    return firms.with_columns(
        pl.Series("first_t", first), pl.Series("last_t", last), pl.Series("exits", exits)
    )


def _roster_rows(firms: pl.DataFrame, periods: list[Month], now: Any) -> pl.DataFrame:
    """A 规上工业 roster entry per firm and year it reports in: from the first day of the month it
    entered (a monthly entry when that is not January), exited in its last month if it leaves."""
    months = pl.DataFrame(
        {
            "t": list(range(len(periods))),
            "period": [m.first_day for m in periods],
            "year": [m.year for m in periods],
        }
    )
    years = months.group_by("year").agg(
        pl.col("t").min().alias("year_first"), pl.col("t").max().alias("year_last")
    )
    day = months.select("t", "period")
    return (
        firms.select("index", "enterprise_id", "first_t", "last_t", "exits")
        .join(day.rename({"t": "first_t", "period": "first_period"}), on="first_t")
        .join(day.rename({"t": "last_t", "period": "last_period"}), on="last_t")
        .join(years, how="cross")
        .filter(
            (pl.col("first_t") <= pl.col("year_last")) & (pl.col("last_t") >= pl.col("year_first"))
        )
        .with_columns(
            (
                (pl.col("first_t") > 0)
                & (pl.col("first_period").dt.year() == pl.col("year"))
                & (pl.col("first_period").dt.month() != 1)
            ).alias("monthly"),
            (pl.col("exits") & (pl.col("last_period").dt.year() == pl.col("year"))).alias("exited"),
        )
        .select(
            "enterprise_id",
            "year",
            pl.lit(StatCategory.INDUSTRY.value).alias("category"),
            pl.when(pl.col("monthly"))
            .then(pl.lit("monthly"))
            .otherwise(pl.lit("annual"))
            .alias("entry_kind"),
            pl.when(pl.col("monthly"))
            .then(pl.col("first_period"))
            .otherwise(pl.date(pl.col("year"), 1, 1))
            .alias("entered_on"),
            pl.when(pl.col("exited"))
            .then(pl.col("last_period").dt.offset_by("14d"))
            .otherwise(None)
            .cast(pl.Date)
            .alias("exited_on"),
            pl.when(pl.col("exited"))
            .then(
                pl.when(pl.col("index") % 2 == 0)
                .then(pl.lit(EXIT_REASONS[0]))
                .otherwise(pl.lit(EXIT_REASONS[1]))
            )
            .otherwise(pl.lit(""))
            .alias("exit_reason"),
            *timestamps(now),
        )
    )


# Returns


def _noise(salt: int) -> pl.Expr:
    """A uniform number in [0, 1) from (seed, enterprise, month, salt): two MINSTD steps."""
    mixed = (
        pl.col("index") * 7919 + pl.col("t") * 104_729 + pl.col("seed") + salt * 15_485_863
    ) % _MINSTD
    return ((mixed * 48_271 % _MINSTD) * 48_271 % _MINSTD) / _MINSTD


def _return_rows(
    chunk: pl.DataFrame, periods: list[Month], seed: int, now: Any, *, real_months: bool = False
) -> pl.DataFrame:
    months = pl.DataFrame(
        {
            "t": list(range(len(periods))),
            "period": [m.first_day for m in periods],
            "season": [SEASON[m.month - 1] for m in periods],
            "elapsed": [
                (m.year - periods[0].year) * 12 + m.month - periods[0].month for m in periods
            ],
        }
    )
    frame = (
        chunk.join(months, how="cross")
        .filter(pl.col("t").is_between(pl.col("first_t"), pl.col("last_t")))
        .with_columns(pl.lit(seed).alias("seed"))
    )
    last_t = len(periods) - 1
    late = pl.lit(False)
    if real_months:
        past = pl.col("t") < last_t
        frame = frame.filter(
            ~(past & (_noise(8) < MISSING_PAST)) & ~(~past & (_noise(9) < NOT_REPORTED_LAST))
        )
        late = (pl.col("t") == last_t) & (_noise(10) < LATE_LAST)
    gross = (
        pl.col("base")
        * pl.col("season")
        * (1 + pl.col("growth") * pl.col("elapsed") / 12).clip(lower_bound=0.2)
        * (0.96 + 0.08 * _noise(1))
    ).round(1)
    frame = frame.with_columns(gross.alias("gross_output"))
    sales = (pl.col("gross_output") * (0.955 + 0.045 * _noise(2))).round(1)
    frame = frame.with_columns(sales.alias("sales_output"))
    revenue = (pl.col("sales_output") * (1 + 0.03 * _noise(3))).round(1)
    frame = frame.with_columns(revenue.alias("revenue"))
    vat = (pl.col("revenue") * pl.col("vat") * (0.92 + 0.16 * _noise(4))).round(1)
    frame = frame.with_columns(vat.alias("vat_payable"))
    return frame.select(
        "enterprise_id",
        "period",
        pl.when(late)
        .then(pl.lit(ReturnStatus.SUBMITTED.value))
        .otherwise(pl.lit(ReturnStatus.ACCEPTED.value))
        .alias("status"),
        pl.lit(ReturnSource.IMPORT.value).alias("source"),
        "gross_output",
        "sales_output",
        (pl.col("sales_output") * pl.col("export")).round(1).alias("export_delivery"),
        "revenue",
        (pl.col("revenue") * (pl.col("margin") + 0.03 * (_noise(5) - 0.5)))
        .round(1)
        .alias("total_profit"),
        "vat_payable",
        (pl.col("vat_payable") + pl.col("revenue") * 0.006).round(1).alias("taxes"),
        (pl.col("gross_output") / pl.col("per_kwh") * (0.95 + 0.1 * _noise(6)))
        .round(1)
        .alias("electricity"),
        (pl.col("employees") + (_noise(7) * 7).floor() - 3).cast(pl.Int64).alias("employees"),
        pl.lit("").alias("explanation"),
        pl.lit("").alias("supporting_document"),
        pl.when(late).then(timestamp(now)).otherwise(None).cast(pl.Utf8).alias("submitted_at"),
        pl.lit(None, dtype=pl.Int64).alias("submitted_by_id"),
        pl.lit(True).alias("is_illustrative"),
        *timestamps(now),
    )


def describe(summary: Summary) -> str:
    """The summary for a person, in their language."""
    counts = {
        "zones": summary.zones,
        "parks": summary.parks,
        "enterprises": summary.enterprises,
        "roster": summary.roster_entries,
        "returns": summary.returns,
        "seconds": summary.seconds,
        "rate": round(summary.rows_per_second),
    }
    if not summary.created:
        return (
            _(
                "The synthetic province exists already (%(zones)d zones, %(enterprises)d "
                "enterprises, %(returns)d returns): nothing was written."
            )
            % counts
        )
    return (
        _(
            "Synthetic province: %(zones)d zones, %(parks)d parks, %(enterprises)d enterprises, "
            "%(roster)d roster entries and %(returns)d returns, written in %(seconds).1f s "
            "(%(rate)d returns a second)."
        )
        % counts
    )
