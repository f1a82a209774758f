"""The demo's fixed-asset investment database (项目入库): registrations and monthly reports.

固定资产投资 of every year is computed from these reports (indicators/sources.py): 2024's typed
months add up to the article's 18.8817 亿元, and the later months are generated, so 2024 and
the years after are on one definition. The months the files type (up to 2025-03) are loaded as
they are; after them each registration reports every month its project is being built (from its
开工 to its 投产, as recorded), up to the month before today, an amount drawn from a generator
seeded with the registration and the month: `monthly` × the season × (1 ± 8 %), growing by
`growth` a year, never beyond `budget` in all. A month already reported is left as it is.
"""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

from kaifaqu.core.lib.periods import Month
from kaifaqu.demo.dataset import Dataset, FaiRow
from kaifaqu.demo.timeline import Timeline
from kaifaqu.geo.models import Zone
from kaifaqu.projects.models import FaiRegistration, Project, Stage
from kaifaqu.projects.services import fai_register
from kaifaqu.projects.services.fai_bulk import fai_reports_append

ONE = Decimal(1)
WAN = Decimal(1)
FIRST_GENERATED = Month(2025, 4)


def demo_fai_load(*, dataset: Dataset, zone: Zone, timeline: Timeline) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    for row in dataset.fai:
        project = Project.objects.get(zone=zone, name=row.project)
        registered_on = timeline.place(row.registered_on)
        built = _building_months(project)
        if built is None or registered_on > timeline.today:
            continue  # not started yet today
        registration = FaiRegistration.objects.filter(project=project).first()
        if registration is None:
            registration = fai_register(
                by=None,
                project=project,
                registered_on=max(registered_on, built[0].first_day),
                stats_code=row.stats_code,
                is_illustrative=row.illustrative,
            )
            outcomes["created"] += 1
        else:
            outcomes["unchanged"] += 1
        _report(dataset, row, registration, built, timeline)
    return outcomes


def _building_months(project: Project) -> tuple[Month, Month | None] | None:
    """The month of the project's 开工 and of its 投产 (None while it is being built)."""
    changes = list(project.stage_changes.order_by("on", "pk"))
    started = next((c.on for c in changes if c.to_stage == Stage.STARTED), None)
    if started is None:
        return None
    done = next((c.on for c in changes if c.to_stage == Stage.COMMISSIONED), None)
    return Month.of(started), Month.of(done) if done else None


def _report(
    dataset: Dataset,
    row: FaiRow,
    registration: FaiRegistration,
    built: tuple[Month, Month | None],
    timeline: Timeline,
) -> None:
    """Append the months after the last one reported, up to last month, in one write."""
    reported = {Month.of(day) for day in registration.reports.values_list("month", flat=True)}
    last = max(reported) if reported else None
    typed = [(Month.parse(text), amount) for text, amount in row.months]
    invested = row.opening + sum((amount for _, amount in typed), Decimal(0))
    wanted = [(month, amount) for month, amount in typed if month <= timeline.last_month]
    start, done = built
    month = max(FIRST_GENERATED, start, Month.of(registration.registered_on))
    if typed:
        month = max(month, typed[-1][0].shift(1))
    while month <= timeline.last_month and (done is None or month <= done):
        amount = _amount(dataset, row, month)
        if row.budget is not None:
            amount = min(amount, row.budget - invested)
        if amount <= 0:
            break
        invested += amount
        wanted.append((month, amount))
        month = month.shift(1)
    fai_reports_append(
        by=None,
        registration=registration,
        months=[(m, amount) for m, amount in wanted if last is None or m > last],
        # The first month carries what was invested before reporting began.
        opening=row.opening,
        is_illustrative=row.illustrative,
    )


def _amount(dataset: Dataset, row: FaiRow, month: Month) -> Decimal:
    rng = random.Random(f"{dataset.fai_seed}:{row.project}:{month}")
    years = month.year - 2025 + Decimal(month.month - 1) / 12
    trend = ONE + row.growth * years
    season = dataset.fai_season[month.month - 1] if dataset.fai_season else ONE
    wobble = ONE + Decimal(rng.randint(-80, 80)) / 1000
    return (row.monthly * season * trend * wobble).quantize(WAN)
