"""Months and 1–N月 ranges. A month is the date of its first day. No Django imports."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

_PATTERNS = (
    re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$"),
    re.compile(r"^\s*(\d{4})(\d{2})\s*$"),
)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> "Month":
        """Accept 2025-03, 2025/3, 2025年3月 and 202503."""
        for pattern in _PATTERNS:
            match = pattern.match(str(text))
            if match:
                return cls(int(match.group(1)), int(match.group(2)))
        raise ValueError(f"not a month: {text!r}")

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def shift(self, months: int) -> "Month":
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def year_to_date(self) -> list["Month"]:
        """The months of the 1–N月 range that ends with this month."""
        return [Month(self.year, m) for m in range(1, self.month + 1)]

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def ytd_total(by_month: Mapping[int, Decimal], upto: int) -> Decimal | None:
    """1–N月 of a year's monthly sums ({month number: value}); None when no month up to N has
    one (nothing reported is not 0)."""
    values = [amount for number, amount in by_month.items() if number <= upto]
    return sum(values, Decimal(0)) if values else None
