"""The reporting calendar: a month's returns are due by the N-th working day of the next month.

Working days follow the State Council's holiday schedule as published each year (节假日安排),
including the weekend days that become working days (调休), via `chinese_calendar`. The schedule
of a year is published late in the year before; until the package knows it, that year's working
days are Monday to Friday except the fixed-date statutory holidays, so the gap list keeps working
(a deadline near the lunar holidays may then come early).
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from kaifaqu.core.lib.periods import Month

# 元旦, 劳动节 and 国庆节: the statutory holidays on fixed dates (全国年节及纪念日放假办法).
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # A year whose holiday schedule the installed package does not know yet.
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def deadline(month: Month, working_day: int) -> date:
    """The N-th working day of the month after `month` (N counts from 1)."""
    if working_day < 1:
        raise ValueError("working_day counts from 1")
    day = month.shift(1).first_day
    seen = 0
    while True:
        if is_working_day(day):
            seen += 1
            if seen == working_day:
                return day
        day += timedelta(days=1)


def is_overdue(month: Month, today: date, working_day: int = 5) -> bool:
    """Whether the deadline of the month's returns has passed (the deadline day itself is not)."""
    return today > deadline(month, working_day)
