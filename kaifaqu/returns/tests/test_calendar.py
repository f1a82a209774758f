"""The reporting deadline: the N-th working day of the next month, per the holiday schedule."""

from datetime import date

from kaifaqu.core.lib.periods import Month
from kaifaqu.returns.calendar import deadline, is_overdue


def test_september_returns_are_due_after_the_national_day_holiday() -> None:
    # 2025: 10月1日–8日 off; 10月9日 Thu, 10日 Fri, 11日 Sat (调休 workday), 13日 Mon, 14日 Tue.
    assert deadline(Month(2025, 9), 1) == date(2025, 10, 9)
    assert deadline(Month(2025, 9), 3) == date(2025, 10, 11)
    assert deadline(Month(2025, 9), 5) == date(2025, 10, 14)


def test_january_returns_are_due_after_the_spring_festival() -> None:
    # 2025: 1月28日–2月4日 off; 2月5日 Wed, 6日 Thu, 7日 Fri, 8日 Sat (调休 workday), 10日 Mon.
    assert deadline(Month(2025, 1), 1) == date(2025, 2, 5)
    assert deadline(Month(2025, 1), 4) == date(2025, 2, 8)
    assert deadline(Month(2025, 1), 5) == date(2025, 2, 10)


def test_an_ordinary_month_counts_weekdays() -> None:
    # 2025-06: July 1 is a Tuesday; 1, 2, 3, 4, then Monday the 7th.
    assert deadline(Month(2025, 6), 5) == date(2025, 7, 7)


def test_a_month_is_overdue_only_after_its_deadline_day() -> None:
    assert not is_overdue(Month(2025, 9), date(2025, 10, 14), 5)
    assert is_overdue(Month(2025, 9), date(2025, 10, 15), 5)


def test_a_year_whose_schedule_is_not_published_counts_monday_to_friday() -> None:
    # December 2026's returns are due in January 2027: Friday 1 January is 元旦, then Mon 4 … Fri 8.
    assert deadline(Month(2026, 12), 5) == date(2027, 1, 8)
    # September 2027's: 1–3 October are 国庆节 (Fri–Sun), then Mon 4 … Fri 8.
    assert deadline(Month(2027, 9), 5) == date(2027, 10, 8)
