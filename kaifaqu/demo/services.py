"""Load the demo zone (朔州经济开发区) from `data/` through the services of each app.

The loader is a job of the platform itself (`by=None`). It matches existing rows by their natural
keys (region code; zone name; zone and park name; USCC; zone and project name; zone, indicator,
year and months of a figure; user name): a missing row is created, a row that differs from the
files is updated through its service, and a row that matches is left alone, so a second run
writes nothing. Users are only ever created: an existing user (and a changed password) is kept.
Monthly returns (`returns.py`) are likewise only created where missing, in bulk. The reporting
months up to last month are closed and published by the demo's statistician (`reporting.py`);
a month already closed is left alone. The roll-ups the load's accepts and estimates would queue
are deferred to one rebuild of the indicator table at the end, before the publications.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.core.audit import acting_as
from kaifaqu.core.hooks import on_returns_changed
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.permissions import Role
from kaifaqu.demo.dataset import Dataset, ProjectRow, StageStep, read_dataset
from kaifaqu.demo.fai import demo_fai_load
from kaifaqu.demo.leads import demo_leads_load, read_leads
from kaifaqu.demo.prices import demo_prices_load
from kaifaqu.demo.reporting import demo_months_close, demo_months_publish, demo_returns_accept
from kaifaqu.demo.returns import demo_returns_load, demo_send_back
from kaifaqu.demo.taskforces import demo_task_forces_load
from kaifaqu.demo.timeline import Timeline
from kaifaqu.demo.visits import demo_visits_load
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.enterprises.services import (
    RosterAddition,
    enterprise_create,
    enterprise_update,
    roster_entries_add,
)
from kaifaqu.geo.models import Park, Region, RegionLevel, Zone, region_level_of
from kaifaqu.geo.services import (
    park_create,
    park_update,
    region_create,
    region_update,
    zone_create,
    zone_update,
)
from kaifaqu.indicators.models import PriceIndex, Publication, ReportedFigure, Target
from kaifaqu.indicators.services import reported_figure_record
from kaifaqu.indicators.services.inputs import target_create, target_update
from kaifaqu.indicators.services.rollups import counted_months, rollup_rebuild
from kaifaqu.indicators.tasks import rollup_enqueue
from kaifaqu.projects.models import (
    FaiRegistration,
    FaiReport,
    Lead,
    Project,
    Round,
    RoundEntry,
    ServiceVisit,
    TaskForce,
)
from kaifaqu.projects.services import (
    lead_convert,
    project_advance,
    project_create,
    project_update,
    round_create,
    round_entry_add,
    round_update,
)
from kaifaqu.returns.models import ChangedMonth, Gap, GapStatus, ReportingMonth, Return
from kaifaqu.returns.review import review_returns
from kaifaqu.returns.services import gaps_refresh

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

Echo = Callable[[str], None]
M = TypeVar("M", bound=Model)


def demo_load(*, echo: Echo = print, today: date | None = None) -> str:
    """Load (or bring up to date) the demo zone in one transaction; return a short summary.

    `today` (the local date unless given) is where the living zone's history ends: the months
    up to the one before it are complete, today's month is open for reporting, and the dates
    the files write after the article are placed relative to it (`timeline.py`)."""
    dataset = read_dataset()
    timeline = Timeline(today or timezone.localdate())
    tally: Counter[str] = Counter()
    with transaction.atomic(), _rollups_deferred():
        regions = _load_regions(dataset, tally, echo)
        zone = _load_zone(dataset, regions, tally, echo)
        parks = _load_parks(dataset, zone, tally, echo)
        enterprises = _load_enterprises(dataset, zone, parks, tally, echo)
        _load_rosters(dataset, enterprises, tally, echo)
        # The demo logins come before the leads, whose officers they are.
        _load_personas(dataset, regions, zone, parks, enterprises, tally, echo)
        origins, outcomes = demo_leads_load(
            rows=read_leads(), zone=zone, parks=parks, place=timeline.place
        )
        _report(echo, Lead, outcomes, tally)
        _load_projects(dataset, zone, parks, enterprises, origins, timeline, tally, echo)
        _load_rounds(dataset, zone, regions, tally, echo)
        _load_fai(dataset, zone, timeline, tally, echo)
        _load_figures(dataset, zone, tally, echo)
        _load_targets(dataset, zone, tally, echo)
        _load_task_forces(zone, timeline, tally, echo)
        _report(echo, ServiceVisit, demo_visits_load(zone=zone, timeline=timeline), tally)
        _load_returns(dataset, timeline, tally, echo)
        _report(echo, ReportingMonth, demo_months_close(zone=zone, timeline=timeline), tally)
        _load_gaps(zone, timeline, tally, echo)
        province = regions[f"{zone.region.code[:2]}0000"]
        prices = demo_prices_load(province=province, through=timeline.last_month)
        _report(echo, PriceIndex, prices, tally)
        _load_indicators(zone, echo)
        _report(echo, Publication, demo_months_publish(zone=zone), tally)
    return _summary(dataset, zone, tally)


# Regions, the zone and its parks


def _load_regions(dataset: Dataset, tally: Counter[str], echo: Echo) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    outcomes: Counter[str] = Counter()
    # By code, a province precedes its cities and a city its counties.
    for row in sorted(dataset.regions, key=lambda row: row.code):
        parent_code = _parent_code(row.code)
        parent = regions[parent_code] if parent_code else None
        data = {"code": row.code, "name": row.name, "parent": parent}
        regions[row.code], outcome = _upsert(
            Region.objects.filter(code=row.code), data, region_create, region_update
        )
        outcomes[outcome] += 1
    _report(echo, Region, outcomes, tally)
    return regions


def _parent_code(code: str) -> str | None:
    """GB/T 2260: the parent of 140602 is 140600, that of 140600 is 140000."""
    level = region_level_of(code)
    if level == RegionLevel.PROVINCE:
        return None
    return code[:2] + "0000" if level == RegionLevel.CITY else code[:4] + "00"


def _load_zone(
    dataset: Dataset, regions: Mapping[str, Region], tally: Counter[str], echo: Echo
) -> Zone:
    data = {**dataset.zone.fields, "region": regions[dataset.zone.region]}
    zone, outcome = _upsert(
        Zone.objects.filter(name=dataset.zone.name), data, zone_create, zone_update
    )
    _report(echo, Zone, Counter({outcome: 1}), tally)
    return zone


def _load_parks(dataset: Dataset, zone: Zone, tally: Counter[str], echo: Echo) -> dict[str, Park]:
    parks: dict[str, Park] = {}
    outcomes: Counter[str] = Counter()
    for row in dataset.parks:
        data = {**row.fields, "zone": zone}
        parks[row.name], outcome = _upsert(
            Park.objects.filter(zone=zone, name=row.name), data, park_create, park_update
        )
        outcomes[outcome] += 1
    _report(echo, Park, outcomes, tally)
    return parks


# Enterprises and the statistical rosters


def _load_enterprises(
    dataset: Dataset, zone: Zone, parks: Mapping[str, Park], tally: Counter[str], echo: Echo
) -> dict[str, Enterprise]:
    """Returns the enterprises by USCC."""
    industries = IndustryClass.objects.in_bulk({row.industry for row in dataset.enterprises})
    enterprises: dict[str, Enterprise] = {}
    outcomes: Counter[str] = Counter()
    for row in dataset.enterprises:
        data = {
            **row.fields,
            "zone": zone,
            "park": parks[row.park] if row.park else None,
            "industry": industries[row.industry],
        }
        enterprises[row.uscc], outcome = _upsert(
            Enterprise.objects.filter(uscc=row.uscc), data, enterprise_create, enterprise_update
        )
        outcomes[outcome] += 1
    _report(echo, Enterprise, outcomes, tally)
    return enterprises


def _load_rosters(
    dataset: Dataset, enterprises: Mapping[str, Enterprise], tally: Counter[str], echo: Echo
) -> None:
    additions = [
        RosterAddition(
            enterprise=enterprises[row.uscc],
            year=row.year,
            category=row.category,
            entered_on=row.entered_on,
        )
        for row in dataset.rosters
    ]
    created = roster_entries_add(by=None, additions=additions)
    _report(
        echo, RosterEntry, Counter({CREATED: created, UNCHANGED: len(additions) - created}), tally
    )


# Projects and their stage history


def _load_projects(
    dataset: Dataset,
    zone: Zone,
    parks: Mapping[str, Park],
    enterprises: Mapping[str, Enterprise],
    origins: Mapping[str, Lead],
    timeline: Timeline,
    tally: Counter[str],
    echo: Echo,
) -> None:
    """The projects with their stage history (its dates after the article placed for today);
    a project that came from a lead (`origins`, by project name) is registered by converting
    that lead."""
    codes = {row.industry for row in dataset.projects if row.industry}
    industries = IndustryClass.objects.in_bulk(codes)
    outcomes: Counter[str] = Counter()
    for row in dataset.projects:
        enterprise = (
            enterprises[dataset.enterprise_named(row.enterprise).uscc] if row.enterprise else None
        )
        data = {
            **row.fields,
            "zone": zone,
            "park": parks[row.park] if row.park else None,
            "enterprise": enterprise,
            "industry": industries[row.industry] if row.industry else None,
        }
        history = [
            StageStep(stage=step.stage, on=timeline.place(step.on), note=step.note)
            for step in dataset.stage_history(row)
        ]
        outcome = _load_project(row, data, history, zone, origins.get(row.name))
        outcomes[outcome] += 1
    _report(echo, Project, outcomes, tally)


def _load_project(
    row: ProjectRow,
    data: dict[str, Any],
    history: list[StageStep],
    zone: Zone,
    lead: Lead | None = None,
) -> str:
    if lead is not None or Lead.objects.filter(project__zone=zone, project__name=row.name).exists():
        # What the files leave blank the project takes from its lead (its investor …).
        data = {name: value for name, value in data.items() if value not in (None, "")}
    project = Project.objects.filter(zone=zone, name=row.name).first()
    if project is None:
        first, *later = history
        if lead is not None:
            # 线索 on the day the lead came in, then the project's first stage on its first day.
            project = lead_convert(lead=lead, by=None, on=first.on, data=data, stage=first.stage)
        else:
            project = project_create(
                by=None, data=data, stage=first.stage, stage_on=first.on, note=first.note
            )
        _advance(project, later)
        return CREATED
    outcome = UNCHANGED
    if _differs(project, data):
        project = project_update(by=None, project=project, data=data)
        outcome = UPDATED
    # Add the steps the files have and the database lacks, unless the project has since moved
    # differently (someone recorded its real progress): then its history is left as it is.
    recorded = [(change.to_stage, change.on) for change in project.stage_changes.all()]
    wanted = [(step.stage, step.on) for step in history]
    if len(recorded) < len(wanted) and wanted[: len(recorded)] == recorded:
        _advance(project, history[len(recorded) :])
        outcome = UPDATED
    return outcome


def _load_rounds(
    dataset: Dataset, zone: Zone, regions: Mapping[str, Region], tally: Counter[str], echo: Echo
) -> None:
    """The province's rounds the files name, and the zone's projects on their lists."""
    province = regions[f"{zone.region.code[:2]}0000"]
    outcomes: Counter[str] = Counter()
    for row in dataset.rounds:
        data = {
            "province": province,
            "year": row.year,
            "number": row.number,
            "name": row.name,
            "window_start": row.window_start,
            "held_on": row.on,
        }
        found = Round.objects.filter(province=province, year=row.year, number=row.number).first()
        if found is None:
            found = round_create(by=None, data=data)
            outcomes[CREATED] += 1
        elif _differs(found, data):
            found = round_update(by=None, round=found, data=data)
            outcomes[UPDATED] += 1
        else:
            outcomes[UNCHANGED] += 1
        for listed in row.lists:
            for name in listed.projects:
                project = Project.objects.get(zone=zone, name=name)
                listed_already = RoundEntry.objects.filter(
                    round=found, list=listed.stage, project=project
                ).exists()
                if not listed_already:
                    round_entry_add(by=None, round=found, list=listed.stage, project=project)
    _report(echo, Round, outcomes, tally)


def _load_fai(
    dataset: Dataset, zone: Zone, timeline: Timeline, tally: Counter[str], echo: Echo
) -> None:
    """The started projects registered in the fixed-asset investment database and their monthly
    reports up to the month before today (`fai.py`)."""
    _report(
        echo, FaiRegistration, demo_fai_load(dataset=dataset, zone=zone, timeline=timeline), tally
    )
    echo(
        _("Monthly investment reports: %(count)d")
        % {"count": FaiReport.objects.filter(registration__project__zone=zone).count()}
    )


def _advance(project: Project, steps: list[StageStep]) -> None:
    for step in steps:
        project_advance(project=project, to_stage=step.stage, on=step.on, by=None, note=step.note)


# Figures published by other offices


def _load_figures(dataset: Dataset, zone: Zone, tally: Counter[str], echo: Echo) -> None:
    outcomes: Counter[str] = Counter()
    for row in dataset.figures:
        if not row.entered:
            # Computed from records (固定资产投资: the investment database), on one definition
            # for every year: a figure an older demo entered would win over it, so it goes.
            stale = ReportedFigure.objects.filter(
                zone=zone, indicator=row.indicator, year=row.year, months=row.months
            ).filter(source=row.source, value=row.value)
            with acting_as(None):
                for figure in stale:
                    figure.delete()
                    outcomes[UPDATED] += 1
            continue
        existing = ReportedFigure.objects.filter(
            zone=zone, indicator=row.indicator, year=row.year, months=row.months
        ).first()
        data = {"value": row.value, "source": row.source}
        if existing is not None and not _differs(existing, data):
            outcomes[UNCHANGED] += 1
            continue
        reported_figure_record(
            by=None,
            zone=zone,
            indicator=row.indicator,
            year=row.year,
            months=row.months,
            value=row.value,
            source=row.source,
        )
        outcomes[CREATED if existing is None else UPDATED] += 1
    _report(echo, ReportedFigure, outcomes, tally)


# Monthly returns (generated from data/returns.json, see returngen.py)


def _load_returns(dataset: Dataset, timeline: Timeline, tally: Counter[str], echo: Echo) -> None:
    known: dict[int, set[str]] = {}
    for row in dataset.rosters:
        if row.category == StatCategory.INDUSTRY:
            known.setdefault(row.year, set()).add(row.uscc)
    loaded = demo_returns_load(today=timeline.today, known=known)
    _report(echo, RosterEntry, loaded.rosters, tally)
    # The soft review rules run on the submitted returns created now: their findings wait in the
    # statistician's queue. (The drafts with hard errors show them when the reporter submits.)
    review_returns(return_ids=[row.pk for row in [*loaded.submitted, *loaded.settled]])
    demo_returns_accept(loaded.settled)
    demo_send_back(loaded.send_back)
    _report(echo, Return, loaded.outcomes, tally)


def _load_targets(dataset: Dataset, zone: Zone, tally: Counter[str], echo: Echo) -> None:
    outcomes: Counter[str] = Counter()
    for row in dataset.targets:
        data = {**row.fields, "zone": zone}
        _target, outcome = _upsert(
            Target.objects.filter(
                zone=zone, indicator=data["indicator"], year=data["year"], kind=data["kind"]
            ),
            data,
            target_create,
            target_update,
        )
        outcomes[outcome] += 1
    _report(echo, Target, outcomes, tally)


def _load_indicators(zone: Zone, echo: Echo) -> None:
    """The indicator table of the demo's months, computed from its accepted returns (derived
    data: rebuilt on every load, not counted as records)."""
    years = sorted(
        {
            period.year
            for period in Return.objects.filter(enterprise__zone=zone).dates("period", "year")
        }
    )
    months = [month for year in years for month in counted_months(year)]
    written = rollup_rebuild(months=months)
    # The rebuild covered every month the load's accepts and estimates marked (their roll-up
    # was deferred, `_rollups_deferred`): the marks are done with.
    ChangedMonth.objects.filter(zone=zone).delete()
    echo(
        _("Indicator table: %(cells)d cells for %(months)d months")
        % {"cells": written, "months": len(months)}
    )


def _load_gaps(zone: Zone, timeline: Timeline, tally: Counter[str], echo: Echo) -> None:
    """The 应统尽统 check of the last complete month, so its gap list opens with work to do."""
    checked = gaps_refresh(by=None, zone=zone, month=timeline.last_month, today=timeline.today)
    open_gaps = Gap.objects.filter(enterprise__zone=zone, status=GapStatus.OPEN).count()
    outcomes = Counter({CREATED: checked.opened, UNCHANGED: open_gaps - checked.opened})
    _report(echo, Gap, outcomes, tally)


# Personas


def _load_personas(
    dataset: Dataset,
    regions: Mapping[str, Region],
    zone: Zone,
    parks: Mapping[str, Park],
    enterprises: Mapping[str, Enterprise],
    tally: Counter[str],
    echo: Echo,
) -> None:
    existing = set(
        User.objects.filter(username__in=[row.username for row in dataset.personas]).values_list(
            "username", flat=True
        )
    )
    outcomes: Counter[str] = Counter()
    for row in dataset.personas:
        if row.username in existing:
            outcomes[UNCHANGED] += 1
            continue
        user_create(
            username=row.username,
            password=row.password,
            role=Role(row.role),
            full_name=row.full_name,
            scope_region=regions[row.region] if row.region else None,
            scope_zone=zone if row.zone == zone.name else None,
            scope_park=parks[row.park] if row.park else None,
            scope_enterprise=(
                enterprises[dataset.enterprise_named(row.enterprise).uscc]
                if row.enterprise
                else None
            ),
        )
        outcomes[CREATED] += 1
    _report(echo, User, outcomes, tally)


def _load_task_forces(zone: Zone, timeline: Timeline, tally: Counter[str], echo: Echo) -> None:
    """专班陪跑 (after the personas: the task forces' members are demo logins)."""
    _report(echo, TaskForce, demo_task_forces_load(zone=zone, place=timeline.place), tally)


# Helpers


@contextmanager
def _rollups_deferred() -> Iterator[None]:
    """Each accept or estimate of the load would queue (in tests: run) a roll-up of its zone's
    year; the load rolls the whole table up once at the end instead (`_load_indicators`)."""
    registered = rollup_enqueue in on_returns_changed.receivers
    on_returns_changed.unregister(rollup_enqueue)
    try:
        yield
    finally:
        if registered:
            on_returns_changed.register(rollup_enqueue)


def _upsert(
    found: QuerySet[M],
    data: dict[str, Any],
    create: Callable[..., M],
    update: Callable[..., M],
) -> tuple[M, str]:
    """The record its natural key finds, created through its service if missing, updated if the
    files say otherwise. Update services name the record after its model (`zone_update(zone=…)`).
    """
    record = found.first()
    if record is None:
        return create(by=None, data=data), CREATED
    if _differs(record, data):
        return update(by=None, **{str(record._meta.model_name): record}, data=data), UPDATED
    return record, UNCHANGED


def _differs(instance: Any, data: Mapping[str, Any]) -> bool:
    """Whether any of the given fields holds another value (Decimal('1.50') equals Decimal('1.5'))."""
    return any(getattr(instance, field) != value for field, value in data.items())


def _report(echo: Echo, model: type[Model], outcomes: Counter[str], tally: Counter[str]) -> None:
    tally.update(outcomes)
    echo(
        _("%(what)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
        % {
            "what": capfirst(model._meta.verbose_name_plural),
            "created": outcomes[CREATED],
            "updated": outcomes[UPDATED],
            "unchanged": outcomes[UNCHANGED],
        }
    )


def _summary(dataset: Dataset, zone: Zone, tally: Counter[str]) -> str:
    year = max(row.year for row in dataset.rosters)
    counts = {
        "zone": zone.name,
        "parks": Park.objects.filter(zone=zone).count(),
        "enterprises": Enterprise.objects.filter(zone=zone).count(),
        "roster": RosterEntry.objects.filter(
            enterprise__zone=zone, year=year, category=StatCategory.INDUSTRY
        ).count(),
        "year": year,
        "projects": Project.objects.filter(zone=zone).count(),
        "figures": ReportedFigure.objects.filter(zone=zone).count(),
    }
    lines = [
        _(
            "%(zone)s: %(parks)d parks, %(enterprises)d enterprises (%(roster)d on the %(year)d "
            "roster of above-scale industry), %(projects)d projects, %(figures)d reported figures."
        )
        % counts,
        _("This run: %(created)d records created, %(updated)d updated.")
        % {"created": tally[CREATED], "updated": tally[UPDATED]},
        _("Demo logins (user name / password, role):"),
    ]
    for row in dataset.personas:
        lines.append(f"  {row.username} / {row.password}  {Role(row.role).label}")
    return "\n".join(lines)
