"""Service visits (服务走访), and the problems they raise onto the issue list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.projects.models import (
    Project,
    ServiceVisit,
    task_force_staff,
)
from kaifaqu.projects.services.taskforces.common import VISIT_FIELDS, ensure_writer, not_in_future
from kaifaqu.projects.services.taskforces.issues import issue_raise


def _check_participants(project: Project, participants: Sequence[Any]) -> None:
    staff = set(
        task_force_staff(project)
        .filter(pk__in=[user.pk for user in participants])
        .values_list("pk", flat=True)
    )
    outside = [user for user in participants if user.pk not in staff]
    if outside:
        raise ValidationError(
            {
                "participants": _(
                    "Only the zone's staff can be recorded as having gone: %(names)s is not."
                )
                % {"names": "、".join(u.get_full_name() or u.get_username() for u in outside)}
            }
        )


@transaction.atomic
def service_visit_record(
    *,
    by: User | None,
    project: Project,
    data: dict[str, Any],
    participants: Sequence[Any] = (),
    issues: Sequence[dict[str, Any]] = (),
) -> ServiceVisit:
    """Record a service visit to the project (who went, whom they met, what was discussed, the
    follow-up) and, optionally, the problems it raised, each put on the issue list."""
    ensure_writer(by, ServiceVisit, project)
    fields = {key: value for key, value in data.items() if key in VISIT_FIELDS}
    visit = ServiceVisit(project=project, recorded_by=by, **fields)
    visit.full_clean()
    not_in_future(visit.visited_on, "visited_on")
    _check_participants(project, participants)
    with acting_as(by):
        visit.save()
        visit.participants.set(participants)
    for issue in issues:
        issue_raise(
            by=by,
            project=project,
            data={"raised_on": visit.visited_on, **issue},
            visit=visit,
        )
    return visit


@transaction.atomic
def service_visit_update(
    *,
    by: User,
    visit: ServiceVisit,
    data: dict[str, Any],
    participants: Sequence[Any] | None = None,
) -> ServiceVisit:
    ensure_writer(by, ServiceVisit, visit.project)
    for key, value in data.items():
        if key in VISIT_FIELDS:
            setattr(visit, key, value)
    visit.full_clean()
    not_in_future(visit.visited_on, "visited_on")
    if participants is not None:
        _check_participants(visit.project, participants)
    with acting_as(by):
        visit.save()
        if participants is not None:
            visit.participants.set(participants)
    return visit
