"""Cycle times (周期): how long projects take between stages, from their dated stage changes.

A span runs from the first day a project entered one stage to the first day it entered another
(签约 → 开工 …). It is

- closed when both days are recorded: its length in days;
- open when the project entered the first stage, has not reached the second and is still under
  way (stalled included: that is when the clock matters most): its length so far, to today;
- absent when the project skipped either stage, was registered past the first one, or was
  terminated before reaching the second.

Medians are of closed spans only (an open one has not ended yet). A span longer than its zone's
norm (`ProjectSettings`), closed or open, is overdue. Pure functions over rows read in two
queries; `selectors.project_cycles` does the reading.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaifaqu.projects.models import LIFECYCLE, ProjectSettings, Stage


@dataclass(frozen=True)
class Span:
    code: str
    start: str
    end: str
    label: Promise
    norm_field: str
    short: Promise  # for narrow column headers


SPANS: tuple[Span, ...] = (
    Span(
        "lead_to_signed",
        Stage.LEAD,
        Stage.SIGNED,
        _("Lead to signing (线索→签约)"),
        "lead_to_signed_days",
        _("Lead → signing"),
    ),
    Span(
        "signed_to_started",
        Stage.SIGNED,
        Stage.STARTED,
        _("Signing to start (签约→开工)"),
        "signed_to_started_days",
        _("Signing → start"),
    ),
    Span(
        "approved_to_started",
        Stage.APPROVED,
        Stage.STARTED,
        _("Approval to start (立项→开工)"),
        "approved_to_started_days",
        _("Approval → start"),
    ),
    Span(
        "started_to_commissioned",
        Stage.STARTED,
        Stage.COMMISSIONED,
        _("Start to commissioning (开工→投产)"),
        "started_to_commissioned_days",
        _("Start → commissioning"),
    ),
)
BY_CODE = {span.code: span for span in SPANS}


@dataclass(frozen=True)
class SpanTime:
    span: Span
    days: int
    open: bool  # still running: days so far
    norm: int

    @property
    def overdue(self) -> bool:
        return self.days > self.norm


@dataclass(frozen=True)
class ProjectCycle:
    project: Any
    entered: dict[str, date]  # stage → first day the project entered it
    spans: dict[str, SpanTime]  # span code → time, for the spans the project has


@dataclass(frozen=True)
class GroupMedian:
    key: str
    label: str
    closed: int  # closed spans counted
    median_days: float | None


def first_entries(changes: Iterable[tuple[int, str, date]]) -> dict[int, dict[str, date]]:
    """(project id, stage, day) rows → each project's first day in each stage."""
    entered: dict[int, dict[str, date]] = {}
    for project_id, stage, on in changes:
        days = entered.setdefault(project_id, {})
        if stage not in days or on < days[stage]:
            days[stage] = on
    return entered


def norms_of(settings: ProjectSettings | None) -> dict[str, int]:
    chosen = settings or ProjectSettings()
    return {span.code: int(getattr(chosen, span.norm_field)) for span in SPANS}


def cycle_of(
    project: Any, entered: dict[str, date], norms: dict[str, int], today: date
) -> ProjectCycle:
    spans: dict[str, SpanTime] = {}
    for span in SPANS:
        start = entered.get(span.start)
        if start is None:
            continue
        end = entered.get(span.end)
        if end is not None:
            spans[span.code] = SpanTime(span, (end - start).days, False, norms[span.code])
        elif _still_before(project.stage, span.end):
            spans[span.code] = SpanTime(span, (today - start).days, True, norms[span.code])
    return ProjectCycle(project=project, entered=entered, spans=spans)


def _still_before(stage: str, end: str) -> bool:
    """Whether a project in this stage may still reach `end` (stalled projects may resume)."""
    if stage == Stage.TERMINATED:
        return False
    if stage == Stage.STALLED:
        return True
    return LIFECYCLE.index(stage) < LIFECYCLE.index(end)


def medians(cycles: Sequence[ProjectCycle], span: Span, group: Any) -> list[GroupMedian]:
    """The median closed span per group; `group(project)` gives (key, label) or None."""
    days: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    for cycle in cycles:
        time = cycle.spans.get(span.code)
        grouped = group(cycle.project)
        if grouped is None:
            continue
        key, label = grouped
        labels[key] = label
        days.setdefault(key, [])
        if time is not None and not time.open:
            days[key].append(time.days)
    return sorted(
        (
            GroupMedian(
                key=key,
                label=labels[key],
                closed=len(values),
                median_days=statistics.median(values) if values else None,
            )
            for key, values in days.items()
        ),
        key=lambda row: row.label,
    )


@dataclass(frozen=True)
class SpanSummary:
    span: Span
    closed: int  # done spans
    median: float | None  # of the done spans, in days
    running: int
    overdue: int


def span_summary(cycles: Sequence[ProjectCycle]) -> list[SpanSummary]:
    """Per span, over all these projects: how many are done (and their median), still running,
    and over the norm."""
    rows = []
    for span in SPANS:
        times = [cycle.spans[span.code] for cycle in cycles if span.code in cycle.spans]
        closed = [time.days for time in times if not time.open]
        rows.append(
            SpanSummary(
                span=span,
                closed=len(closed),
                median=statistics.median(closed) if closed else None,
                running=sum(1 for time in times if time.open),
                overdue=sum(1 for time in times if time.overdue),
            )
        )
    return rows


def overdue(cycles: Sequence[ProjectCycle]) -> list[tuple[ProjectCycle, SpanTime]]:
    """Every span longer than its norm, the longest first."""
    rows = [(cycle, time) for cycle in cycles for time in cycle.spans.values() if time.overdue]
    return sorted(rows, key=lambda row: (-(row[1].days - row[1].norm), row[0].project.pk))
