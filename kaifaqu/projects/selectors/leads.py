"""Reads of investment promotion leads (招商线索): the lists (with the leads going cold), a lead's
follow-ups, the lead a project came from, and the funnel (招商漏斗).

The funnel takes the leads received within a period and counts how far each got: received →
converted to a project (洽谈 or beyond) → signed → started → commissioned. A converted lead counts
at the furthest lifecycle stage its project has entered according to its dated stage changes, as
of today; a project that stalled or was terminated counts at the furthest stage it reached before.
Rates are percentages rounded to one decimal, halves up (2 of 3 = 66.7 %, 1 of 8 = 12.5 %); a
rate over nothing is None (shown as —).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.projects.models import (
    DEFAULT_COLD_DAYS,
    LIFECYCLE,
    DropReason,
    FollowUp,
    Lead,
    LeadSource,
    LeadStatus,
    Project,
    ProjectSettings,
    Stage,
    StageChange,
)

TENTH = Decimal("0.1")


def lead_list(*, user: User | AnonymousUser) -> QuerySet[Lead]:
    """The leads the user can see, with what a row shows: the last follow-up's day
    (`last_follow_up_on`) and the zone's days before a lead goes cold (`cold_days`)."""
    last = FollowUp.objects.filter(lead=OuterRef("pk")).order_by("-on", "-id").values("on")[:1]
    cold = ProjectSettings.objects.filter(zone=OuterRef("zone")).values("lead_cold_days")[:1]
    return (
        Lead.objects.for_user(user)
        .select_related("zone", "park", "industry", "officer", "project")
        .annotate(
            last_follow_up_on=Subquery(last),
            cold_days=Coalesce(
                Subquery(cold, output_field=IntegerField()),
                Value(DEFAULT_COLD_DAYS),
            ),
        )
    )


def going_cold(leads: QuerySet[Lead], *, today: date) -> QuerySet[Lead]:
    """The open leads with no follow-up (and, without one, not received) for more than their
    zone's number of days. One condition per distinct number of days the zones set."""
    settings = dict(
        ProjectSettings.objects.filter(
            zone__in=Subquery(leads.order_by().values("zone_id"))
        ).values_list("zone_id", "lead_cold_days")
    )
    last = FollowUp.objects.filter(lead=OuterRef("pk")).order_by("-on", "-id").values("on")[:1]
    leads = leads.annotate(_last_activity=Coalesce(Subquery(last), "received_on"))
    by_days: dict[int, list[int]] = {}
    for zone_id, days in settings.items():
        by_days.setdefault(days, []).append(zone_id)
    condition = Q(_last_activity__lt=today - timedelta(days=DEFAULT_COLD_DAYS)) & ~Q(
        zone_id__in=list(settings)
    )
    for days, zone_ids in by_days.items():
        condition |= Q(zone_id__in=zone_ids, _last_activity__lt=today - timedelta(days=days))
    return leads.filter(condition, status=LeadStatus.OPEN)


def lead_follow_ups(*, lead: Lead) -> QuerySet[FollowUp]:
    """The follow-ups of a lead the caller has already found through for_user, oldest first."""
    return lead.follow_ups.select_related("by").order_by("on", "id")


def lead_of_project(*, user: User, project: Project) -> Lead | None:
    """The lead the project came from, if the user may see it."""
    return Lead.objects.for_user(user).select_related("officer").filter(project=project).first()


def lead_follow_ups_for_project(
    project: Project, *, user: User | None = None
) -> QuerySet[FollowUp]:
    """The follow-ups of the lead the project came from, oldest first (none if it came from no
    lead). With `user`, only if the user may see that lead (an enterprise's reporter who sees
    its project does not see how the zone courted it); without, the caller has scoped."""
    follow_ups = FollowUp.objects.all() if user is None else FollowUp.objects.for_user(user)
    return (
        follow_ups.filter(lead__project=project).select_related("lead", "by").order_by("on", "id")
    )


# --- the funnel -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    code: str
    label: Any
    reached: str | None  # the lifecycle stage a converted lead's project must have entered


FUNNEL_STEPS: tuple[FunnelStep, ...] = (
    FunnelStep("received", gettext_lazy("Leads received (线索)"), None),
    FunnelStep("converted", gettext_lazy("Converted (洽谈)"), Stage.NEGOTIATING),
    FunnelStep("signed", gettext_lazy("Signed (签约)"), Stage.SIGNED),
    FunnelStep("started", gettext_lazy("Started (开工)"), Stage.STARTED),
    FunnelStep("commissioned", gettext_lazy("Commissioned (投产)"), Stage.COMMISSIONED),
)


def rate(part: int, whole: int) -> Decimal | None:
    """part of whole in percent, to one decimal, halves up; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class FunnelRow:
    """The funnel of one group of leads (all of them, a source, an officer)."""

    key: str
    label: str
    counts: list[int] = field(default_factory=lambda: [0] * len(FUNNEL_STEPS))
    open: int = 0
    dropped: int = 0

    @property
    def received(self) -> int:
        return self.counts[0]

    @property
    def steps(self) -> list[dict[str, Any]]:
        """Per step: its count, the rate from the step before and the rate from the leads."""
        return [
            {
                "code": step.code,
                "label": step.label,
                "count": count,
                "step_rate": rate(count, self.counts[index - 1]) if index else None,
                "overall_rate": rate(count, self.received) if index else None,
            }
            for index, (step, count) in enumerate(zip(FUNNEL_STEPS, self.counts, strict=True))
        ]

    @property
    def conversion_rate(self) -> Decimal | None:
        """Converted to a project, of the leads received."""
        return rate(self.counts[1], self.received)

    @property
    def overall_rate(self) -> Decimal | None:
        """Commissioned, of the leads received."""
        return rate(self.counts[-1], self.received)

    def count(self, lead: Lead, furthest: int | None) -> None:
        self.counts[0] += 1
        if lead.status == LeadStatus.OPEN:
            self.open += 1
        elif lead.status == LeadStatus.DROPPED:
            self.dropped += 1
        if furthest is None:
            return
        for index, step in enumerate(FUNNEL_STEPS[1:], start=1):
            if step.reached is not None and furthest >= LIFECYCLE.index(step.reached):
                self.counts[index] += 1


@dataclass
class Funnel:
    start: date
    end: date
    total: FunnelRow
    by_source: list[FunnelRow]
    by_officer: list[FunnelRow]
    dropped: list[Lead]
    drop_reasons: list[tuple[str, int]]


def _furthest_stages(project_ids: Iterable[int]) -> dict[int, int]:
    """Each project's furthest lifecycle stage ever entered, as its index in LIFECYCLE."""
    position = {stage: index for index, stage in enumerate(LIFECYCLE)}
    furthest: dict[int, int] = {}
    rows = (
        StageChange.objects.filter(project_id__in=list(project_ids), to_stage__in=LIFECYCLE)
        .order_by()
        .values_list("project_id", "to_stage")
        .distinct()
    )
    for project_id, stage in rows:
        furthest[project_id] = max(furthest.get(project_id, 0), position[stage])
    return furthest


def _grouped(
    leads: list[Lead], furthest: dict[int, int], key: Callable[[Lead], tuple[str, str]]
) -> list[FunnelRow]:
    rows: dict[str, FunnelRow] = {}
    for lead in leads:
        group, label = key(lead)
        row = rows.setdefault(group, FunnelRow(group, label))
        row.count(lead, furthest.get(lead.project_id) if lead.project_id else None)
    return list(rows.values())


def lead_funnel(*, user: User, start: date, end: date, zone: Any = None) -> Funnel:
    """The funnel of the leads the user sees (of one zone, if given) received from `start` to
    `end`, both included: overall, by source channel and by officer; and the dropped leads. Two
    queries whatever the number of leads."""
    leads_qs = (
        Lead.objects.for_user(user)
        .filter(received_on__gte=start, received_on__lte=end)
        .select_related("officer", "zone")
        .order_by("received_on", "pk")
    )
    if zone is not None:
        leads_qs = leads_qs.filter(zone=zone)
    leads = list(leads_qs)
    furthest = _furthest_stages(lead.project_id for lead in leads if lead.project_id)
    total = FunnelRow("all", _("All leads"))
    for lead in leads:
        total.count(lead, furthest.get(lead.project_id) if lead.project_id else None)
    sources = {value: str(label) for value, label in LeadSource.choices}
    by_source = _grouped(leads, furthest, lambda lead: (lead.source, sources[lead.source]))
    order = list(sources)
    by_source.sort(key=lambda row: order.index(row.key))

    def officer(lead: Lead) -> tuple[str, str]:
        if lead.officer is None:
            return ("", _("No officer assigned"))
        return (str(lead.officer_id), lead.officer.get_full_name() or lead.officer.get_username())

    by_officer = sorted(
        _grouped(leads, furthest, officer), key=lambda row: (row.key == "", row.label)
    )
    dropped = [lead for lead in leads if lead.status == LeadStatus.DROPPED]
    reasons: dict[str, int] = {}
    for lead in dropped:
        reasons[lead.drop_reason] = reasons.get(lead.drop_reason, 0) + 1
    drop_reasons = [
        (str(label), reasons[value]) for value, label in DropReason.choices if value in reasons
    ]
    return Funnel(
        start=start,
        end=end,
        total=total,
        by_source=by_source,
        by_officer=by_officer,
        dropped=dropped,
        drop_reasons=drop_reasons,
    )
