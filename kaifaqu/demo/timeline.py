"""The demo's calendar: which dates are the article's and where the later ones fall today.

The demo is a living zone: loaded on any day, its history runs up to that day. Dates up to the
end of the article's time (`ARTICLE_END`, 2025-03-31: the event of 2025-02-18 and 淮海钠电's
expected start of production in March) are facts or fixed assumptions and never move. The files
write every later date (stage changes, visits, issues, leads) as if the demo were loaded on
`WRITTEN_FOR`; `Timeline(today).place(day)` moves such a date to where it falls for `today`:

- the last `RECENT` days before `WRITTEN_FOR` keep their distance to today (an issue due 6 days
  before that day is 6 days overdue today, a visit 40 days before it was 40 days ago);
- the dates between the article and that window are spread evenly over the days between the
  article and today's window, keeping their order.

So the same day always gives the same dates, and no date lies in the future. Months of monthly
data (returns, investment reports, price indexes) are generated month by month instead
(`months.py`, `fai.py`, `prices.py`), up to the month before today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from kaifaqu.core.lib.periods import Month

ARTICLE_END = date(2025, 3, 31)
WRITTEN_FOR = date(2026, 12, 31)
RECENT = timedelta(days=120)


@dataclass(frozen=True)
class Timeline:
    today: date

    @property
    def month(self) -> Month:
        """The month open for reporting: today's."""
        return Month.of(self.today)

    @property
    def last_month(self) -> Month:
        """The last month of the history: every return of it is accepted."""
        return self.month.shift(-1)

    def place(self, day: date) -> date:
        """Where a date of the files falls for today (the article's dates stay)."""
        if day <= ARTICLE_END:
            return day
        if day > WRITTEN_FOR:
            raise ValueError(f"{day}: the demo's files are written for {WRITTEN_FOR}")
        window_start = self.today - RECENT
        if window_start > ARTICLE_END and day >= WRITTEN_FOR - RECENT:
            return self.today - (WRITTEN_FOR - day)
        if window_start > ARTICLE_END:
            return _spread(day, WRITTEN_FOR - RECENT, window_start)
        # Loaded within 120 days of the article: everything later is spread up to today.
        return _spread(day, WRITTEN_FOR, max(self.today, ARTICLE_END))


def _spread(day: date, written_end: date, placed_end: date) -> date:
    """day in (ARTICLE_END, written_end] → the same fraction of (ARTICLE_END, placed_end]."""
    fraction = Fraction((day - ARTICLE_END).days, (written_end - ARTICLE_END).days)
    return ARTICLE_END + timedelta(days=round(fraction * (placed_end - ARTICLE_END).days))
