"""Writes for projects. A project's stage changes only through `project_advance`."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.permissions import can_write, ensure_can_write
from kaifaqu.core.services import model_create, model_update
from kaifaqu.geo.models import Zone
from kaifaqu.projects.models import LIFECYCLE, Project, ProjectSettings, Stage, StageChange

PROJECT_FIELDS = (
    "name",
    "zone",
    "park",
    "site",
    "investor",
    "enterprise",
    "industry",
    "total_investment",
    "signed_investment",
    "planned_investment",
    "land_mu",
    "capacity",
    "expected_annual_output",
    "expected_annual_tax",
    "expected_jobs",
    "officer",
    "description",
    "is_illustrative",
)


# What a project must have on record when it enters a stage (the day is the stage change's):
# a signed one its 签约投资额, a started one its 计划总投资, a commissioned one its 总投资.
STAGE_REQUIRES: dict[str, tuple[str, ...]] = {
    Stage.SIGNED: ("signed_investment",),
    Stage.STARTED: ("planned_investment",),
    Stage.COMMISSIONED: ("total_investment",),
}
# The figures a stage change may bring along with it.
STAGE_DATA_FIELDS = ("signed_investment", "planned_investment", "total_investment")
# Leaving the line needs a reason (the note).
REASON_REQUIRED = frozenset({Stage.STALLED, Stage.TERMINATED})


def check_stage_data(project: Project, stage: str, note: str) -> None:
    """Raise ValidationError naming each figure the stage needs that the project lacks."""
    errors: dict[str, str] = {}
    for name in STAGE_REQUIRES.get(stage, ()):
        if not getattr(project, name):
            errors[name] = _("A project entering %(stage)s needs its %(figure)s.") % {
                "stage": Stage(stage).label,
                "figure": getattr(Project._meta.get_field(name), "verbose_name", name),
            }
    if stage in REASON_REQUIRED and not note.strip():
        errors["note"] = _("Give the reason why the project is stalled or terminated.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_create(
    *,
    by: User | None,
    data: dict[str, Any],
    stage: str = Stage.LEAD,
    stage_on: date | None = None,
    note: str = "",
) -> Project:
    """Register a project in its current stage; the stage history starts with that entry."""
    on = stage_on or timezone.localdate()
    _check_stage_date(on)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    fields = {key: value for key, value in data.items() if key in PROJECT_FIELDS}
    check_stage_data(Project(**fields), stage, note)
    project = model_create(model=Project, data={**fields, "stage": stage, "stage_since": on}, by=by)
    with acting_as(by):
        StageChange.objects.create(
            project=project, from_stage="", to_stage=stage, on=on, by=by, note=note
        )
    return project


def project_update(*, by: User | None, project: Project, data: dict[str, Any]) -> Project:
    return model_update(instance=project, fields=PROJECT_FIELDS, data=data, by=by)[0]


def allowed_next_stages(project: Project) -> list[str]:
    """The stages a project may move to from where it stands."""
    current = project.stage
    if current == Stage.TERMINATED:
        return []
    if current == Stage.STALLED:
        resume_from = _last_lifecycle_stage(project)
        start = LIFECYCLE.index(resume_from) if resume_from else 0
        return [*LIFECYCLE[start:], Stage.TERMINATED]
    later = list(LIFECYCLE[LIFECYCLE.index(current) + 1 :])
    return [*later, Stage.STALLED, Stage.TERMINATED]


@transaction.atomic
def project_advance(
    *,
    project: Project,
    to_stage: str,
    on: date,
    by: User | None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> StageChange:
    """Move a project to another stage on a date and record the change.

    Forward along the lifecycle (stages may be skipped), or off it to stalled or terminated (with
    the reason in `note`); a stalled project resumes at or after the stage where it stalled;
    terminated is final. The date can be neither in the future nor before the project entered
    its current stage. The stage's figures (`STAGE_REQUIRES`) must be on record or come in
    `data` (STAGE_DATA_FIELDS), saved with the move.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    if by is not None:
        ensure_can_write(by, project)
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown stage.")})
    if to_stage == project.stage:
        raise ValidationError({"to_stage": _("The project is already in this stage.")})
    if to_stage not in allowed_next_stages(project):
        raise ValidationError(
            {
                "to_stage": _("A project cannot move from %(current)s to %(target)s.")
                % {"current": project.get_stage_display(), "target": Stage(to_stage).label}
            }
        )
    _check_stage_date(on)
    given = {name: value for name, value in (data or {}).items() if name in STAGE_DATA_FIELDS}
    for name, value in given.items():
        setattr(project, name, value)
    check_stage_data(project, to_stage, note)
    if on < project.stage_since:
        raise ValidationError(
            {
                "on": _("The date cannot be before %(date)s, when the current stage began.")
                % {"date": project.stage_since.isoformat()}
            }
        )
    with acting_as(by):
        change = StageChange.objects.create(
            project=project, from_stage=project.stage, to_stage=to_stage, on=on, by=by, note=note
        )
        project.stage = to_stage
        project.stage_since = on
        project.full_clean(exclude=["zone", "park", "enterprise", "industry"])
        project.save(update_fields=["stage", "stage_since", "updated_at", *given])
    return change


def _check_stage_date(on: date) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": _("A stage change cannot be dated in the future.")})


def _last_lifecycle_stage(project: Project) -> str | None:
    for change in project.stage_changes.order_by("-on", "-id"):
        if change.to_stage in LIFECYCLE:
            return str(change.to_stage)
    return None


NORM_FIELDS = (
    "lead_to_signed_days",
    "signed_to_started_days",
    "approved_to_started_days",
    "started_to_commissioned_days",
    "lead_cold_days",
    "stale_days",
)


def project_settings_for(zone: Zone) -> ProjectSettings:
    """The zone's norms as stored, or the defaults (not saved)."""
    return ProjectSettings.objects.filter(zone=zone).first() or ProjectSettings(zone=zone)


def project_settings_update(*, by: User, zone: Zone, data: dict[str, Any]) -> ProjectSettings:
    """Change a zone's cycle-time norms (days between stages)."""
    if not can_write(by, ProjectSettings):
        raise PermissionDenied(_("You may not change this record."))
    if not Zone.objects.for_user(by).filter(pk=zone.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))
    settings = project_settings_for(zone)
    for name in NORM_FIELDS:
        if name in data:
            setattr(settings, name, data[name])
    settings.full_clean()
    with acting_as(by):
        settings.save()
    return settings


@transaction.atomic
def stage_change_correct(
    *, change: StageChange, on: date, reason: str, by: User | None
) -> StageChange:
    """Correct the date of a recorded stage change, with the reason (audited: the change log
    keeps who, when, the old and the new date and the reason).

    The date stays in order with the project's other changes (not before the one before it, not
    after the one after it) and not in the future; the project's "in this stage since" follows
    a correction of its latest change.
    """
    project = Project.objects.select_for_update().get(pk=change.project_id)
    if by is not None:
        ensure_can_write(by, project)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    _check_stage_date(on)
    changes = list(project.stage_changes.order_by("on", "id"))
    index = next(i for i, other in enumerate(changes) if other.pk == change.pk)
    before = changes[index - 1] if index > 0 else None
    after = changes[index + 1] if index + 1 < len(changes) else None
    if before is not None and on < before.on:
        raise ValidationError(
            {
                "on": _("The date cannot be before %(date)s, the change before it.")
                % {"date": before.on.isoformat()}
            }
        )
    if after is not None and on > after.on:
        raise ValidationError(
            {
                "on": _("The date cannot be after %(date)s, the change after it.")
                % {"date": after.on.isoformat()}
            }
        )
    change = changes[index]
    with acting_as(by):
        change.on = on
        change.corrected_reason = reason.strip()[:300]
        change.save(update_fields=["on", "corrected_reason"])
        if after is None:
            project.stage_since = on
            project.save(update_fields=["stage_since", "updated_at"])
    return change
