"""Entry thresholds of the statistical rosters (四上), read from versioned data.

The thresholds live in `CategoryThreshold` (loaded from `data/category_thresholds.csv`); nothing
here hard-codes a figure. `revenue_threshold` answers one question; for set-based work load the
rows of a year once with `thresholds_for_year` and pick with `pick_threshold` (pure).

Industry codes are GB/T 4754-2017 codes: a 4-digit class such as "3011", or any prefix of one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps.registry import Apps
from django.db.models import Q

from kaifaqu.enterprises.models import CategoryThreshold, StatCategory

TABLE = Path(__file__).resolve().parent / "data" / "category_thresholds.csv"

# GB/T 4754-2017 sections by their first and last 2-digit division.
_SECTIONS: tuple[tuple[str, int, int], ...] = (
    ("A", 1, 5),
    ("B", 6, 12),
    ("C", 13, 43),
    ("D", 44, 46),
    ("E", 47, 50),
    ("F", 51, 52),
    ("G", 53, 60),
    ("H", 61, 62),
    ("I", 63, 65),
    ("J", 66, 69),
    ("K", 70, 70),
    ("L", 71, 72),
    ("M", 73, 75),
    ("N", 76, 79),
    ("O", 80, 82),
    ("P", 83, 83),
    ("Q", 84, 85),
    ("R", 86, 90),
    ("S", 91, 96),
    ("T", 97, 97),
)
# Sections whose firms belong to 规上服务业 (K only outside 房地产开发经营 7010).
_SERVICE_SECTIONS = frozenset("GIKLMNOPQR")


@dataclass(frozen=True)
class ThresholdRow:
    category: str
    industry_scope: str
    valid_from: int
    valid_to: int | None
    threshold_wan: Decimal | None

    def applies(self, category: str, industry_code: str, year: int) -> bool:
        if self.category != category or year < self.valid_from:
            return False
        if self.valid_to is not None and year > self.valid_to:
            return False
        return scope_matches(self.industry_scope, industry_code)

    @property
    def specificity(self) -> int:
        if not self.industry_scope:
            return 0
        if self.industry_scope.isalpha():
            return 1
        return 1 + len(self.industry_scope)


def section_of(industry_code: str) -> str:
    """The section letter of a GB/T 4754 code ("3011" → "C"; a letter is its own section)."""
    code = industry_code.strip().upper()
    if not code:
        return ""
    if code[0].isalpha():
        return code[0]
    if len(code) < 2 or not code[:2].isdigit():
        return ""
    division = int(code[:2])
    for letter, first, last in _SECTIONS:
        if first <= division <= last:
            return letter
    return ""


def scope_matches(scope: str, industry_code: str) -> bool:
    if not scope:
        return True
    if scope.isalpha():
        return section_of(industry_code) == scope.upper()
    return industry_code.startswith(scope)


def category_for_industry(industry_code: str) -> str | None:
    """The roster category an enterprise of this industry would enter, or None (e.g. 农业, 金融)."""
    code = industry_code.strip().upper()
    section = section_of(code)
    if section in ("B", "C", "D"):
        return StatCategory.INDUSTRY
    if section == "E":
        return StatCategory.CONSTRUCTION
    if code.startswith("51"):
        return StatCategory.WHOLESALE
    if code.startswith("52"):
        return StatCategory.RETAIL
    if code.startswith("61"):
        return StatCategory.ACCOMMODATION
    if code.startswith("62"):
        return StatCategory.CATERING
    if code.startswith("701"):
        return StatCategory.REAL_ESTATE
    if section in _SERVICE_SECTIONS:
        return StatCategory.SERVICES
    return None


def pick_threshold(
    rows: Iterable[ThresholdRow], category: str, industry_code: str, year: int
) -> ThresholdRow | None:
    """The most specific row that applies in the year, or None if no row applies."""
    best: ThresholdRow | None = None
    for row in rows:
        if row.applies(category, industry_code, year) and (
            best is None or row.specificity > best.specificity
        ):
            best = row
    return best


def thresholds_for_year(year: int) -> list[ThresholdRow]:
    query = CategoryThreshold.objects.filter(valid_from__lte=year).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=year)
    )
    return [
        ThresholdRow(
            category=row.category,
            industry_scope=row.industry_scope,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            threshold_wan=row.threshold_wan,
        )
        for row in query
    ]


def revenue_threshold(category: str, industry_code: str, year: int) -> Decimal | None:
    """The revenue (万元) an enterprise must reach to enter the category's roster in the year.

    None when the category has no revenue threshold (有资质建筑业, 房地产开发经营) or when no
    version of the threshold covers the industry and year.
    """
    row = pick_threshold(thresholds_for_year(year), category, industry_code, year)
    return None if row is None else row.threshold_wan


def read_table() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_category_thresholds(apps: Apps | None = None) -> int:
    """Insert the shipped versions that are missing; existing rows are left untouched."""
    model: Any = apps.get_model("enterprises", "CategoryThreshold") if apps else CategoryThreshold
    existing = set(model.objects.values_list("category", "industry_scope", "valid_from"))
    new = []
    for row in read_table():
        key = (row["category"], row["industry_scope"], int(row["valid_from"]))
        if key in existing:
            continue
        new.append(
            model(
                category=row["category"],
                industry_scope=row["industry_scope"],
                valid_from=int(row["valid_from"]),
                valid_to=int(row["valid_to"]) if row["valid_to"] else None,
                threshold_wan=Decimal(row["threshold_wan"]) if row["threshold_wan"] else None,
                basis=row["basis"],
                source=row["source"],
            )
        )
    model.objects.bulk_create(new)
    return len(new)
