"""The reporting calendar: a month's returns are due by the N-th working day of the next month.

Working days follow the State Council's holiday schedule as published each year (节假日安排),
including the weekend days that become working days (调休), via `chinese_calendar`.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from kaifaqu.core.lib.periods import Month


def deadline(month: Month, working_day: int) -> date:
    """The N-th working day of the month after `month` (N counts from 1)."""
    if working_day < 1:
        raise ValueError("working_day counts from 1")
    day = month.shift(1).first_day
    seen = 0
    while True:
        if chinese_calendar.is_workday(day):
            seen += 1
            if seen == working_day:
                return day
        day += timedelta(days=1)


def is_overdue(month: Month, today: date, working_day: int = 5) -> bool:
    """Whether the deadline of the month's returns has passed (the deadline day itself is not)."""
    return today > deadline(month, working_day)
