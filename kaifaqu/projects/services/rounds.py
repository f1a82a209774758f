"""Writes for the "三个一批" rounds: the province opens and closes a round; each zone puts its
projects on the round's three lists, where only projects whose stage and dates qualify go."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.permissions import ScopeLevel, can_write
from kaifaqu.core.services import model_create, model_update
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.projects.models import (
    LIFECYCLE,
    LIST_AMOUNT,
    LIST_STAGE,
    Project,
    Round,
    RoundEntry,
    RoundList,
    RoundStatus,
    Stage,
    StageChange,
)

ROUND_FIELDS = ("province", "year", "number", "name", "window_start", "held_on", "note")


def _ensure_province_office(by: User | None) -> None:
    """Rounds are the province's: its office (or the platform's administrator) runs them."""
    if by is None:
        return
    if not can_write(by, Round):
        raise PermissionDenied(_("Only the provincial office opens and closes rounds."))
    scope = by.scope
    if scope.level == ScopeLevel.REGION and (scope.region is None or len(scope.region.prefix) != 2):
        raise PermissionDenied(_("Only the provincial office opens and closes rounds."))


def round_create(*, by: User | None, data: dict[str, Any]) -> Round:
    """Open a round (status open: the zones can pick their projects)."""
    _ensure_province_office(by)
    fields = {key: value for key, value in data.items() if key in ROUND_FIELDS}
    return model_create(model=Round, data={**fields, "status": RoundStatus.OPEN}, by=by)


def round_update(*, by: User | None, round: Round, data: dict[str, Any]) -> Round:
    """Change a round's details. Its window and date only while it is open and, when projects
    are on its lists, only so that every one of them still qualifies."""
    _ensure_province_office(by)
    with transaction.atomic():
        updated = model_update(instance=round, fields=ROUND_FIELDS, data=data, by=by)[0]
        outside = updated.entries.exclude(
            stage_on__gte=updated.window_start, stage_on__lte=updated.held_on
        )
        if outside.exists():
            raise ValidationError(
                {
                    "window_start": _(
                        "%(count)s projects on the lists entered their stage outside these "
                        "dates; take them off first."
                    )
                    % {"count": outside.count()}
                }
            )
    return updated


def round_close(*, by: User, round: Round) -> Round:
    """Close a round: its lists are final (the published summary)."""
    return _set_status(by, round, RoundStatus.CLOSED)


def round_reopen(*, by: User, round: Round) -> Round:
    return _set_status(by, round, RoundStatus.OPEN)


def _set_status(by: User | None, round: Round, status: str) -> Round:
    _ensure_province_office(by)
    if by is not None and not Round.objects.for_user(by).filter(pk=round.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))
    with acting_as(by):
        round.status = status
        round.save(update_fields=["status", "updated_at"])
    return round


def _stage_entered(project_ref: Any, stage: str) -> Subquery:
    """The day the project last entered `stage` (its most recent change to it)."""
    return Subquery(
        StageChange.objects.filter(project=project_ref, to_stage=stage)
        .order_by("-on", "-id")
        .values("on")[:1]
    )


def _reached(stage: str) -> list[str]:
    """The stages of a project that entered `stage` and is still on the line at or past it."""
    return list(LIFECYCLE[LIFECYCLE.index(stage) :])


def eligible_projects(*, user: User | None, round: Round, list: str) -> QuerySet[Project]:
    """The user's projects that may go on a list of the round (None: the platform's own jobs,
    every project). Annotated with `stage_on`, the day the project entered the list's stage."""
    projects = Project.objects.for_user(user) if user is not None else Project.objects.all()
    return (
        _qualifying(projects, round, list)
        .select_related("zone", "park")
        .order_by("zone__name", "name")
    )


def _qualifying(projects: QuerySet[Project], round: Round, list: str) -> QuerySet[Project]:
    """In the round's province; now at or past the list's stage (not stalled or terminated),
    entered within the round's window; with the figure the list counts; on none of this list's
    rounds yet (the same list of an earlier round counted it already)."""
    stage = LIST_STAGE[list]
    return (
        projects.filter(zone__region__code__startswith=round.province.code[:2])
        .filter(stage__in=_reached(stage), **{f"{LIST_AMOUNT[list]}__isnull": False})
        .annotate(stage_on=_stage_entered(OuterRef("pk"), stage))
        .filter(stage_on__gte=round.window_start, stage_on__lte=round.held_on)
        .exclude(round_entries__list=list)
    )


def _ensure_picker(by: User | None, round: Round) -> None:
    if by is None:
        return
    if not can_write(by, RoundEntry):
        raise PermissionDenied(_("Only the zone's project staff put projects on the lists."))
    if not Round.objects.for_user(by).filter(pk=round.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))


@transaction.atomic
def round_entry_add(
    *,
    by: User | None,
    round: Round,
    list: str,
    project: Project,
    expected_annual_output: Decimal | None = None,
) -> RoundEntry:
    """Put a project on one of the round's lists, with the figure the list counts as it stands
    (and the expected annual output, the project's own unless given)."""
    _ensure_picker(by, round)
    round = Round.objects.select_for_update().get(pk=round.pk)
    if not round.is_open:
        raise ValidationError(_("The round is closed: its lists can no longer change."))
    if list not in RoundList.values:
        raise ValidationError({"list": _("Unknown list.")})
    if by is not None and not Project.objects.for_user(by).filter(pk=project.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))
    if RoundEntry.objects.filter(round=round, list=list, project=project).exists():
        raise ValidationError({"project": _("The project is already on this list of the round.")})
    candidate = eligible_projects(user=by, round=round, list=list).filter(pk=project.pk).first()
    if candidate is None:
        raise ValidationError({"project": _ineligible_reason(round, list, project)})
    amount = getattr(candidate, LIST_AMOUNT[list])
    with acting_as(by):
        entry = RoundEntry(
            round=round,
            list=list,
            project=candidate,
            zone_id=candidate.zone_id,
            stage_on=candidate.stage_on,  # type: ignore[attr-defined]
            amount=amount,
            expected_annual_output=(
                expected_annual_output
                if expected_annual_output is not None
                else candidate.expected_annual_output
            ),
            added_by=by,
        )
        entry.full_clean()
        entry.save()
    return entry


def _ineligible_reason(round: Round, list: str, project: Project) -> str:
    """Why the project cannot go on the list, in the words a zone officer would use."""
    stage = LIST_STAGE[list]
    label = RoundList(list).label
    if not project.zone.region.code.startswith(round.province.code[:2]):
        return _("The project is not in the round's province.")
    if project.stage not in _reached(stage):
        return _(
            "%(list)s takes projects that reached the stage %(stage)s; this one is %(now)s."
        ) % {
            "list": label,
            "stage": Stage(stage).label,
            "now": project.get_stage_display(),
        }
    entered: date | None = (
        StageChange.objects.filter(project=project, to_stage=stage)
        .order_by("-on", "-id")
        .values_list("on", flat=True)
        .first()
    )
    if entered is None or not round.window_start <= entered <= round.held_on:
        return _(
            "The project entered the stage on %(on)s, outside the round's window "
            "(%(start)s to %(end)s)."
        ) % {
            "on": entered.isoformat() if entered else "—",
            "start": round.window_start.isoformat(),
            "end": round.held_on.isoformat(),
        }
    if getattr(project, LIST_AMOUNT[list]) is None:
        return _("The project has no %(figure)s, which the list adds up.") % {
            "figure": verbose_label(Project, LIST_AMOUNT[list])
        }
    earlier = RoundEntry.objects.filter(project=project, list=list).select_related("round").first()
    if earlier is not None:
        return _("The project was already on this list of the round %(round)s.") % {
            "round": earlier.round
        }
    return _("The project does not qualify for this list.")


def round_entry_remove(*, by: User | None, entry: RoundEntry) -> None:
    """Take a project off a list while the round is open."""
    round = Round.objects.get(pk=entry.round_id)  # as it stands now, not as the caller read it
    _ensure_picker(by, round)
    if by is not None and not RoundEntry.objects.for_user(by).filter(pk=entry.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))
    if not round.is_open:
        raise ValidationError(_("The round is closed: its lists can no longer change."))
    with acting_as(by):
        entry.delete()
