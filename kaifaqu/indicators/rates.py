"""Loading of the shipped value-added rates (`data/value_added_rates.csv`, illustrative)."""

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps.registry import Apps

from kaifaqu.indicators.models import ValueAddedRate

TABLE = Path(__file__).resolve().parent / "data" / "value_added_rates.csv"


def read_rates() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_value_added_rates(apps: Apps | None = None) -> int:
    """Insert the (division, year) rows that are missing; existing rows are left as they are.

    A rate a statistics office entered is never overwritten. Returns the number of rows added.
    """
    model: Any = apps.get_model("statistics", "ValueAddedRate") if apps else ValueAddedRate
    existing = set(model.objects.values_list("division_id", "year"))
    rows = [row for row in read_rates() if (row["division"], int(row["year"])) not in existing]
    model.objects.bulk_create(
        [
            model(
                division_id=row["division"],
                year=int(row["year"]),
                rate=Decimal(row["rate"]),
                note=row["note"],
            )
            for row in rows
        ],
        batch_size=500,
    )
    return len(rows)
