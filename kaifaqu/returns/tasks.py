"""Background tasks of the reporting month (django-tasks; run by `kfq worker`).

- `tallies_recount_task`: counts the open months' tallies (`MonthTally`) of a period again, for
  the zones whose tally a page found too old (selectors/tallies.py). The page shows the tally as
  it was meanwhile: no request waits for a province's 200,000 firms to be counted.
"""

from __future__ import annotations

from datetime import date

from django_tasks import task

from kaifaqu.returns.selectors.tallies import tallies_recount


@task()
def tallies_recount_task(period: str, zone_ids: list[int]) -> int:
    """Count the zones' month `period` ("YYYY-MM-DD") again and store the tallies."""
    return tallies_recount(date.fromisoformat(period), zone_ids)
