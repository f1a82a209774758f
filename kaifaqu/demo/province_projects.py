"""Synthetic projects for the synthetic province (`generate_province`): a pipeline at scale.

Projects are spread over the province's zones (in their parks or outside any), each with a
stage history that walks forward along the lifecycle from a first stage (a few stall or end),
dated over 2022–2024, with amounts and industries drawn from a seeded generator. Written with
`insert_frame`: this is generated data, as the province's returns are, never a person's entry.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from kaifaqu.core.frames import insert_frame, timestamps
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.demo.bulk import analyze
from kaifaqu.demo.province import PREFIX
from kaifaqu.geo.models import Park, Region, Zone
from kaifaqu.projects.models import (
    LIFECYCLE,
    Project,
    Round,
    RoundEntry,
    RoundStatus,
    Stage,
    StageChange,
)
from kaifaqu.projects.models.rounds import LIST_AMOUNT, LIST_STAGE

NAME_PREFIX = f"{PREFIX}项目"
FIRST_DAY = date(2022, 1, 1)
CHUNK = 20_000


def generate_projects(*, count: int, seed: int = 7) -> int:
    """Add `count` synthetic projects to the synthetic province (once); give how many it has."""
    existing = Project.objects.filter(name__startswith=NAME_PREFIX).count()
    if existing:
        return existing
    zones = list(Zone.objects.filter(name__startswith=PREFIX).values_list("pk", flat=True))
    if not zones:
        raise RuntimeError("no synthetic province: run generate_province first")
    parks: dict[int, list[int]] = {}
    for park_id, zone_id in Park.objects.filter(zone_id__in=zones).values_list("pk", "zone_id"):
        parks.setdefault(zone_id, []).append(park_id)
    classes = list(
        IndustryClass.objects.filter(level=IndustryLevel.CLASS, code__lt="4700").values_list(
            "code", flat=True
        )
    )
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, count, CHUNK):
            size = min(CHUNK, count - start)
            projects, histories = _chunk(rng, start, size, zones, parks, classes)
            insert_frame(Project, projects.with_columns(*timestamps(now)))
            ids = dict(
                Project.objects.filter(name__in=projects["name"].to_list()).values_list(
                    "name", "pk"
                )
            )
            changes = histories.with_columns(
                pl.col("name").replace_strict(ids, return_dtype=pl.Int64).alias("project_id"),
                pl.lit(now.strftime("%Y-%m-%d %H:%M:%S")).alias("recorded_at"),
            ).drop("name")
            insert_frame(StageChange, changes)
    # The planner's statistics, as after the province's own load (bulk.py).
    analyze()
    return count


def _chunk(
    rng: random.Random,
    start: int,
    size: int,
    zones: list[int],
    parks: dict[int, list[int]],
    classes: list[str],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    projects: dict[str, list[Any]] = {
        key: []
        for key in (
            "name",
            "zone_id",
            "park_id",
            "industry_id",
            "total_investment",
            "signed_investment",
            "planned_investment",
            "stage",
            "stage_since",
            "is_illustrative",
        )
    }
    history: dict[str, list[Any]] = {"name": [], "from_stage": [], "to_stage": [], "on": []}
    for number in range(start, start + size):
        name = f"{NAME_PREFIX}{number:06d}"
        zone = rng.choice(zones)
        in_park = parks.get(zone) and rng.random() < 0.8
        total = rng.choice((500, 800, 1_000, 2_000, 3_000, 5_000, 8_000, 12_000, 30_000, 80_000))
        steps = _walk(rng)
        on = FIRST_DAY + timedelta(days=rng.randrange(0, 600))
        previous = ""
        for stage in steps:
            history["name"].append(name)
            history["from_stage"].append(previous)
            history["to_stage"].append(stage)
            history["on"].append(on)
            previous = stage
            last = on
            on = on + timedelta(days=rng.randrange(20, 240))
        projects["name"].append(name)
        projects["zone_id"].append(zone)
        projects["park_id"].append(rng.choice(parks[zone]) if in_park else None)
        projects["industry_id"].append(rng.choice(classes))
        projects["total_investment"].append(total)
        projects["signed_investment"].append(total)
        projects["planned_investment"].append(total)
        projects["stage"].append(previous)
        projects["stage_since"].append(last)
        projects["is_illustrative"].append(True)
    frame = pl.DataFrame(
        projects,
        schema={
            "name": pl.Utf8,
            "zone_id": pl.Int64,
            "park_id": pl.Int64,
            "industry_id": pl.Utf8,
            "total_investment": pl.Int64,
            "signed_investment": pl.Int64,
            "planned_investment": pl.Int64,
            "stage": pl.Utf8,
            "stage_since": pl.Date,
            "is_illustrative": pl.Boolean,
        },
    )
    changes = pl.DataFrame(
        history,
        schema={"name": pl.Utf8, "from_stage": pl.Utf8, "to_stage": pl.Utf8, "on": pl.Date},
    ).with_columns(pl.lit("").alias("note"), pl.lit("").alias("corrected_reason"))
    return frame, changes


def _walk(rng: random.Random) -> list[str]:
    """A first stage and the stages after it, forward; one in ten stalls, one in twenty ends."""
    first = rng.choice(LIFECYCLE[:5])
    last = rng.randrange(LIFECYCLE.index(first), len(LIFECYCLE))
    steps = list(LIFECYCLE[LIFECYCLE.index(first) : last + 1])
    ending = rng.random()
    if ending < 0.05:
        steps.append(Stage.TERMINATED)
    elif ending < 0.15:
        steps.append(Stage.STALLED)
    return [str(stage) for stage in steps]


ROUND_YEAR = 2024


def generate_rounds(*, year: int = ROUND_YEAR) -> int:
    """The province's four "三个一批" rounds of a year (one a quarter), each list holding every
    synthetic project that entered its stage in the quarter (once); give the entries written."""
    province = Region.objects.get(code="140000")
    if Round.objects.filter(province=province, year=year).exists():
        return RoundEntry.objects.filter(round__province=province, round__year=year).count()
    now = timezone.now()
    written = 0
    with transaction.atomic():
        for number, (start, end) in enumerate(_quarters(year), start=1):
            round = Round.objects.create(
                province=province,
                year=year,
                number=number,
                window_start=start,
                held_on=end,
                status=RoundStatus.CLOSED,
            )
            for list_code, stage in LIST_STAGE.items():
                figure = LIST_AMOUNT[list_code]
                rows = list(
                    StageChange.objects.filter(
                        to_stage=stage,
                        on__range=(start, end),
                        project__name__startswith=NAME_PREFIX,
                    ).values_list("project_id", "project__zone_id", "on", f"project__{figure}")
                )
                if not rows:
                    continue
                frame = pl.DataFrame(
                    rows,
                    schema={
                        "project_id": pl.Int64,
                        "zone_id": pl.Int64,
                        "stage_on": pl.Date,
                        "amount": pl.Decimal(16, 4),
                    },
                    orient="row",
                ).with_columns(
                    pl.lit(round.pk).alias("round_id"),
                    pl.lit(str(list_code)).alias("list"),
                    pl.lit(now.strftime("%Y-%m-%d %H:%M:%S")).alias("added_at"),
                )
                insert_frame(RoundEntry, frame)
                written += frame.height
    analyze()
    return written


def _quarters(year: int) -> list[tuple[date, date]]:
    starts = [date(year, month, 1) for month in (1, 4, 7, 10)]
    ends = [*(start - timedelta(days=1) for start in starts[1:]), date(year, 12, 31)]
    return list(zip(starts, ends, strict=True))
