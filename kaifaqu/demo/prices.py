"""Illustrative producer price indexes (PPI) of the demo, from `data/prices.json`.

Every month from the file's first to the month before today, for all industry (blank division)
and for each division of the file: so value added at comparable prices, which divides by the
index, differs from the nominal. Each month is computed on its own (a straight-line path of the
all-industry index, a division's response to it, and a wobble seeded with the division and the
month), so the same month always gets the same value and a later day only adds months. Price
indexes are province-wide reference data; they are written in bulk, as the returns are, and the
indicator table is rebuilt once at the end of the demo's load rather than once per index.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

from kaifaqu.core.lib.periods import Month
from kaifaqu.geo.models import Region
from kaifaqu.indicators.models import PriceIndex

PRICES_FILE = Path(__file__).resolve().parent / "data" / "prices.json"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def read_prices(path: Path = PRICES_FILE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def price_indexes(params: dict[str, Any], *, through: Month) -> dict[tuple[Month, str], Decimal]:
    """(month, division; "" = all industry) → index, from the file's first month to `through`."""
    path = sorted((Month.parse(k), Decimal(v)) for k, v in params["path"].items())
    values: dict[tuple[Month, str], Decimal] = {}
    month = Month.parse(params["from"])
    while month <= through:
        level = _on_path(path, month)
        values[(month, "")] = (HUNDRED + level).quantize(CENT)
        for division, row in params["divisions"].items():
            rng = random.Random(f"{params['seed']}:{division}:{month}")
            wobble = Decimal(rng.randint(-40, 40)) / 100
            value = HUNDRED + Decimal(row["beta"]) * level + Decimal(row["offset"]) + wobble
            values[(month, division)] = value.quantize(CENT)
        month = month.shift(1)
    return values


def demo_prices_load(*, province: Region, through: Month) -> Counter[str]:
    """Create the missing indexes; an index already entered (perhaps the bureau's) is kept."""
    params = read_prices()
    wanted = price_indexes(params, through=through)
    # A province's statistics office publishes its indexes: the demo zone's province.
    scope: dict[str, Any] = {"region": province}
    existing = set(
        PriceIndex.objects.filter(
            period__gte=Month.parse(params["from"]).first_day, **scope
        ).values_list("period", "division")
    )
    missing = [
        PriceIndex(
            **scope,
            period=month.first_day,
            division=division,
            value=value,
            source=params["source"],
            note="示例（illustrative）",
        )
        for (month, division), value in wanted.items()
        if (month.first_day, division) not in existing
    ]
    PriceIndex.objects.bulk_create(missing)
    return Counter({"created": len(missing), "unchanged": len(wanted) - len(missing)})


def _on_path(path: list[tuple[Month, Decimal]], month: Month) -> Decimal:
    """The all-industry level (index − 100) of the month: straight lines between the points."""
    if month <= path[0][0]:
        return path[0][1]
    for (start, low), (end, high) in pairwise(path):
        if start <= month <= end:
            span = _index(end) - _index(start)
            return low + (high - low) * (_index(month) - _index(start)) / span
    return path[-1][1]


def _index(month: Month) -> int:
    return month.year * 12 + month.month - 1
