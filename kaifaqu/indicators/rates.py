"""Loading of the shipped national value-added rates (`data/value_added_rates.csv`, illustrative)."""

import csv
from decimal import Decimal
from pathlib import Path

from kaifaqu.indicators.models import ValueAddedRate

TABLE = Path(__file__).resolve().parent / "data" / "value_added_rates.csv"


def read_rates() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_value_added_rates() -> int:
    """Insert the national (division, year) rows that are missing; existing rows are left as
    they are, and a province's own rates are never touched.

    A rate the statistics office entered is never overwritten. Returns the number of rows added.
    """
    existing = set(
        ValueAddedRate.objects.filter(region__isnull=True).values_list("division_id", "year")
    )
    rows = [row for row in read_rates() if (row["division"], int(row["year"])) not in existing]
    ValueAddedRate.objects.bulk_create(
        [
            ValueAddedRate(
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
