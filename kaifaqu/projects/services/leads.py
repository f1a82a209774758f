"""Writes for investment promotion leads (招商线索): register and change a lead, record its
follow-ups, drop it with a reason or reopen it, and convert it to a project.

A conversion creates the project through `project_create`, registered as 线索 on the day the lead
came in, and moves it on through `project_advance` on the day of the conversion (to 洽谈 unless
another stage is chosen), so the project's cycle times (lead → signing …) count from the lead's
arrival. A lead is converted once; a dropped one must be reopened first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.permissions import ensure_can_write
from kaifaqu.core.services import model_create, model_update
from kaifaqu.projects.models import (
    LIFECYCLE,
    DropReason,
    FollowUp,
    Lead,
    LeadStatus,
    Project,
    Stage,
)
from kaifaqu.projects.services.projects import (
    PROJECT_FIELDS,
    project_advance,
    project_create,
)

LEAD_FIELDS = (
    "zone",
    "park",
    "title",
    "investor",
    "source",
    "contact_person",
    "contact_phone",
    "contact_email",
    "industry",
    "expected_investment",
    "received_on",
    "officer",
    "note",
    "is_illustrative",
)
FOLLOW_UP_FIELDS = ("on", "method", "content", "next_step", "next_on")
# The stages a lead may be converted into: anything on the lifecycle past 线索.
CONVERSION_STAGES: tuple[str, ...] = LIFECYCLE[1:]


def lead_create(*, by: User | None, data: dict[str, Any]) -> Lead:
    """Register a lead (open)."""
    fields = {key: value for key, value in data.items() if key in LEAD_FIELDS}
    return model_create(model=Lead, data={**fields, "status": LeadStatus.OPEN}, by=by)


@transaction.atomic
def lead_update(*, by: User, lead: Lead, data: dict[str, Any]) -> Lead:
    """Change a lead's details. A converted lead stays in its project's zone."""
    if lead.status == LeadStatus.CONVERTED and "zone" in data and data["zone"] != lead.zone:
        raise ValidationError({"zone": _("A converted lead stays in the zone of its project.")})
    return model_update(instance=lead, fields=LEAD_FIELDS, data=data, by=by)[0]


def _locked(by: User | None, lead: Lead) -> Lead:
    """The lead as it stands now, locked, after checking the user may change it."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if by is not None:
        ensure_can_write(by, lead)
    return lead


def _check_day(on: date, lead: Lead, field: str = "on") -> None:
    if on > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if on < lead.received_on:
        raise ValidationError(
            {
                field: _("The date cannot be before %(date)s, when the lead came in.")
                % {"date": lead.received_on.isoformat()}
            }
        )


@transaction.atomic
def lead_drop(*, by: User | None, lead: Lead, on: date, reason: str, note: str = "") -> Lead:
    """Stop pursuing an open lead, with the reason (and a note, needed for 'other')."""
    lead = _locked(by, lead)
    if lead.status != LeadStatus.OPEN:
        raise ValidationError(_("Only an open lead can be dropped."))
    if reason not in DropReason.values:
        raise ValidationError({"reason": _("Give the reason why the lead is dropped.")})
    if reason == DropReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Say why the lead is dropped.")})
    _check_day(on, lead)
    lead.status = LeadStatus.DROPPED
    lead.dropped_on = on
    lead.drop_reason = reason
    lead.drop_note = note.strip()[:300]
    lead.full_clean()
    with acting_as(by):
        lead.save(update_fields=["status", "dropped_on", "drop_reason", "drop_note", "updated_at"])
    return lead


@transaction.atomic
def lead_reopen(*, by: User, lead: Lead) -> Lead:
    """Take a dropped lead up again (the change log keeps when and why it was dropped)."""
    lead = _locked(by, lead)
    if lead.status != LeadStatus.DROPPED:
        raise ValidationError(_("Only a dropped lead can be reopened."))
    lead.status = LeadStatus.OPEN
    lead.dropped_on = None
    lead.drop_reason = ""
    lead.drop_note = ""
    lead.full_clean()
    with acting_as(by):
        lead.save(update_fields=["status", "dropped_on", "drop_reason", "drop_note", "updated_at"])
    return lead


@transaction.atomic
def lead_convert(
    *,
    lead: Lead,
    by: User | None,
    on: date,
    data: dict[str, Any] | None = None,
    stage: str = Stage.NEGOTIATING,
) -> Project:
    """Turn an open lead into a project and link them.

    The project carries over the lead's title (as its name), investor, industry, zone, park,
    expected investment (as 总投资) and officer; `data` may give or change any project field (a
    name the zone already uses, the 签约投资额 a signed project needs …). Its stage history
    starts with 线索 on the day the lead came in and moves to `stage` (洽谈 unless another stage
    of the lifecycle is chosen) on `on`, the day of the conversion.
    """
    lead = _locked(by, lead)
    if lead.status == LeadStatus.CONVERTED:
        raise ValidationError(
            _("The lead was already converted to the project “%(project)s”.")
            % {"project": lead.project}
        )
    if lead.status == LeadStatus.DROPPED:
        raise ValidationError(_("The lead was dropped: reopen it before converting it."))
    if stage not in CONVERSION_STAGES:
        raise ValidationError({"stage": _("Choose a stage after 线索 (lead).")})
    _check_day(on, lead)
    given = {key: value for key, value in (data or {}).items() if key in PROJECT_FIELDS}
    carried = {
        "name": lead.title,
        "zone": lead.zone,
        "park": lead.park,
        "investor": lead.investor,
        "industry": lead.industry,
        "total_investment": lead.expected_investment,
        "officer": lead.officer,
        "is_illustrative": lead.is_illustrative,
    }
    # A blank in `data` leaves what the lead carries over.
    fields = {**carried, **{key: value for key, value in given.items() if value not in (None, "")}}
    if fields.get("total_investment") is None:
        raise ValidationError(
            {
                "total_investment": _(
                    "Give the project's total investment (万元): the lead has none."
                )
            }
        )
    if fields["zone"] != lead.zone:
        raise ValidationError({"zone": _("The project stays in the zone of its lead.")})
    project = project_create(
        by=by,
        data=fields,
        stage=Stage.LEAD,
        stage_on=lead.received_on,
        note=_("Lead received through %(source)s") % {"source": lead.get_source_display()},
    )
    project_advance(
        project=project,
        to_stage=stage,
        on=on,
        by=by,
        note=_("Converted from the lead"),
    )
    lead.status = LeadStatus.CONVERTED
    lead.project = project
    lead.converted_on = on
    lead.full_clean()
    with acting_as(by):
        lead.save(update_fields=["status", "project", "converted_on", "updated_at"])
    project.refresh_from_db()
    return project


# Follow-ups


def follow_up_add(*, by: User | None, data: dict[str, Any]) -> FollowUp:
    """Record a follow-up of an open lead (the lead is in `data`)."""
    lead = data.get("lead")
    if not isinstance(lead, Lead):
        raise ValidationError({"lead": _("Choose the lead.")})
    with transaction.atomic():
        lead = _locked(by, lead)
        if not lead.is_open:
            raise ValidationError(
                _("Follow-ups are recorded on open leads: reopen a dropped lead first.")
                if lead.status == LeadStatus.DROPPED
                else _("The lead became a project: record its progress there.")
            )
        fields = {key: value for key, value in data.items() if key in FOLLOW_UP_FIELDS}
        follow_up = FollowUp(lead=lead, by=by, **fields)
        follow_up.full_clean()
        with acting_as(by):
            follow_up.save()
    return follow_up


def follow_up_update(*, by: User, follow_up: FollowUp, data: dict[str, Any]) -> FollowUp:
    """Correct a follow-up of an open lead."""
    lead = follow_up.lead
    if not lead.is_open:
        raise ValidationError(_("Follow-ups of a closed lead no longer change."))
    if "lead" in data and data["lead"] != lead:
        raise ValidationError({"lead": _("A follow-up stays with its lead.")})
    return model_update(instance=follow_up, fields=FOLLOW_UP_FIELDS, data=data, by=by)[0]
