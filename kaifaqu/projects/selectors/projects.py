"""Reads of projects; every read starts from for_user."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    F,
    QuerySet,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Concat

from kaifaqu.accounts.models import User
from kaifaqu.geo.models import Zone
from kaifaqu.projects.cycles import ProjectCycle, cycle_of, first_entries, norms_of
from kaifaqu.projects.models import (
    LIFECYCLE,
    Project,
    ProjectSettings,
    Stage,
    StageChange,
    officers_of,
)


def project_list(*, user: User) -> QuerySet[Project]:
    """Projects the user can see, with what a list row shows joined in. The zone is fetched
    apart (a few hundred at most): its inner join let SQLite plan a filtered list zone by zone
    and sort the province's rows (150 ms a page instead of a few)."""
    return (
        Project.objects.for_user(user)
        .select_related("park", "enterprise", "industry", "officer")
        .prefetch_related("zone")
    )


def officer_choices(*, user: User) -> QuerySet[Any]:
    """Who may be put in charge of a project, as this user may choose: the staff of the zones
    the user sees (the model checks the project's own zone)."""
    return officers_of(Zone.objects.for_user(user).values("pk"))


def project_stage_history(*, project: Project) -> QuerySet[StageChange]:
    """The dated stage changes of a project the caller has already found through for_user."""
    return project.stage_changes.select_related("by").order_by("on", "id")


def project_cycles(*, user: User, today: date, zone: Zone | None = None) -> list[ProjectCycle]:
    """The cycle times of every project the user can see (of one zone, if given), with each
    zone's norms (three queries whatever the number of projects)."""
    visible = project_list(user=user)
    if zone is not None:
        visible = visible.filter(zone=zone)
    projects = {project.pk: project for project in visible.order_by("pk")}
    changes = StageChange.objects.filter(
        project_id__in=Subquery(visible.order_by().values("pk"))
    ).values_list("project_id", "to_stage", "on")
    entered = first_entries(changes)
    zone_ids = {project.zone_id for project in projects.values()}
    settings = {s.zone_id: s for s in ProjectSettings.objects.filter(zone_id__in=zone_ids)}
    return [
        cycle_of(project, entered.get(pk, {}), norms_of(settings.get(project.zone_id)), today)
        for pk, project in projects.items()
    ]


# Cards a board column shows; the rest are counted and summed, and listed on the project list.
BOARD_CARDS = 20
BOARD_STAGES: tuple[str, ...] = (*LIFECYCLE, Stage.STALLED)


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    label: str
    count: int
    total_investment: Decimal
    cards: list[Project]

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def project_board(*, projects: QuerySet[Project], searched: bool = False) -> list[BoardColumn]:
    """The pipeline by stage (terminated projects left out): each stage's count and total
    investment, and its most recently moved projects. A fixed number of queries whatever the
    number of projects: the sums, and one short indexed read per stage (a window ranking every
    project of a province took the database a second).

    `searched`: the projects are filtered on text no index holds (a search in names). The sums
    then group on `stage || ''`, which no index serves, so that SQLite reads the table once
    (30 ms for a province) instead of walking the stage index and fetching every row (210 ms).
    """
    stage: Any = Concat("stage", Value("")) if searched else F("stage")
    sums = {
        row["key"]: row
        for row in projects.order_by()
        .values(key=stage)
        .annotate(count=Count("pk"), total=Sum("total_investment"))
    }
    # The cards without joins, their zone, park and officer fetched once for all of them:
    # joined in, SQLite planned each column's read zone by zone and sorted (30 ms, not 1).
    plain = projects.select_related(None).prefetch_related(None)
    cards = {
        stage: list(plain.filter(stage=stage).order_by("-stage_since", "pk")[:BOARD_CARDS])
        for stage in BOARD_STAGES
    }
    prefetch_related_objects(
        [card for column in cards.values() for card in column], "zone", "park", "officer"
    )
    return [
        BoardColumn(
            stage=stage,
            label=str(Stage(stage).label),
            count=sums.get(stage, {}).get("count", 0),
            total_investment=sums.get(stage, {}).get("total") or Decimal(0),
            cards=cards[stage],
        )
        for stage in BOARD_STAGES
    ]
