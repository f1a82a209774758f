"""Loading of the shipped GB/T 4754-2017 table."""

import csv
from pathlib import Path
from typing import Any

from django.apps.registry import Apps

from kaifaqu.core.models import IndustryClass

TABLE = Path(__file__).resolve().parent / "data" / "gbt4754_2017.csv"


def read_table() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_industry_classes(apps: Apps | None = None) -> int:
    """Insert the rows that are missing; existing rows are left untouched. Returns rows added."""
    model: Any = apps.get_model("core", "IndustryClass") if apps else IndustryClass
    existing = set(model.objects.values_list("code", flat=True))
    rows = [row for row in read_table() if row["code"] not in existing]
    # Pre-order guarantees each parent precedes its children.
    model.objects.bulk_create(
        [
            model(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                parent_id=row["parent"] or None,
            )
            for row in rows
        ],
        batch_size=500,
    )
    return len(rows)
