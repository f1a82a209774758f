"""The task force of a project: formed, changed (its lead and members as of a day), dissolved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.projects.models import (
    MemberRole,
    Project,
    TaskForce,
    TaskForceMember,
    task_force_staff,
)
from kaifaqu.projects.services.taskforces.common import ensure_writer, not_in_future


@dataclass(frozen=True)
class Person:
    """Who sits on a task force: a user of the zone's staff, or a named outside person."""

    user: User | None = None
    name: str = ""
    department: str = ""

    def key(self) -> tuple[Any, ...]:
        if self.user is not None:
            return ("user", self.user.pk)
        return ("person", self.name.strip(), self.department.strip())


def _seat_key(member: TaskForceMember) -> tuple[Any, ...]:
    if member.user_id is not None:
        return ("user", member.user_id)
    return ("person", member.name.strip(), member.department.strip())


def _check_people(project: Project, lead: Person, members: Sequence[Person]) -> None:
    errors: dict[str, list[str]] = {}
    staff = set(
        task_force_staff(project)
        .filter(pk__in=[p.user.pk for p in (lead, *members) if p.user is not None])
        .values_list("pk", flat=True)
    )
    for field, people in (("lead", [lead]), ("members", list(members))):
        for person in people:
            if person.user is not None and person.user.pk not in staff:
                errors.setdefault(field, []).append(
                    _(
                        "%(user)s is not on the staff of the project's zone (a park's service "
                        "centre: of the project's park)."
                    )
                    % {"user": person.user.get_full_name() or person.user.get_username()}
                )
            if person.user is None and not person.name.strip():
                errors.setdefault(field, []).append(
                    _("Name a person from outside, or choose a user.")
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def task_force_assign(
    *,
    by: User | None,
    project: Project,
    lead: Person,
    members: Sequence[Person] = (),
    on: date,
    name: str = "",
    note: str = "",
) -> TaskForce:
    """Form the project's task force, or change it: its lead and members as of `on`.

    A project has one task force; a dissolved one is formed again. Members are users of the
    zone's staff (`task_force_staff`) or named outside people (another office). Those no longer
    named leave on `on`, new ones join on `on`; the seats stay on record (the project's timeline
    tells who sat when).
    """
    ensure_writer(by, TaskForce, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    not_in_future(on, "on")
    _check_people(project, lead, members)
    task_force = TaskForce.objects.filter(project=project).first()
    with acting_as(by):
        if task_force is None:
            task_force = TaskForce(project=project, name=name.strip(), formed_on=on, note=note)
        elif not task_force.is_active:
            # Formed again: a new start (the seats of the earlier one stay, closed).
            task_force.formed_on = on
            task_force.dissolved_on = None
            task_force.dissolved_reason = ""
            task_force.name = name.strip()
            task_force.note = note
        else:
            if on < task_force.formed_on:
                raise ValidationError(
                    {
                        "on": _(
                            "The date cannot be before %(date)s, when the task force was formed."
                        )
                        % {"date": task_force.formed_on.isoformat()}
                    }
                )
            task_force.name = name.strip()
            task_force.note = note
        task_force.full_clean()
        task_force.save()
        _seat(task_force, lead, members, on)
    return task_force


def _seat(task_force: TaskForce, lead: Person, members: Sequence[Person], on: date) -> None:
    """Bring the current seats in line with the lead and members wanted as of `on`."""
    wanted: dict[tuple[Any, ...], tuple[str, Person]] = {}
    for person in members:
        wanted[person.key()] = (MemberRole.MEMBER, person)
    wanted[lead.key()] = (MemberRole.LEAD, lead)  # the lead is not also a plain member
    current = list(task_force.members.select_for_update().filter(left_on__isnull=True))
    kept: set[tuple[Any, ...]] = set()
    for seat in current:
        key = _seat_key(seat)
        if key in wanted and wanted[key][0] == seat.role:
            kept.add(key)
            continue
        if on < seat.joined_on:
            raise ValidationError(
                {
                    "on": _("%(member)s joined on %(date)s: a change cannot be dated earlier.")
                    % {"member": seat.display_name, "date": seat.joined_on.isoformat()}
                }
            )
        seat.left_on = on
        seat.save(update_fields=["left_on"])
    for key, (role, person) in wanted.items():
        if key in kept:
            continue
        seat = TaskForceMember(
            task_force=task_force,
            role=role,
            user=person.user,
            name="" if person.user is not None else person.name.strip(),
            department=person.department.strip(),
            joined_on=on,
        )
        seat.full_clean()
        seat.save()


@transaction.atomic
def task_force_dissolve(*, by: User, task_force: TaskForce, on: date, reason: str) -> TaskForce:
    """Dissolve the task force on a day, with the reason (e.g. 项目已投产，专班任务完成); every
    seat is left on that day."""
    task_force = TaskForce.objects.select_for_update().get(pk=task_force.pk)
    ensure_writer(by, TaskForce, task_force.project)
    if not task_force.is_active:
        raise ValidationError(_("The task force is already dissolved."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason why the task force is dissolved.")})
    not_in_future(on, "on")
    seats = list(task_force.members.filter(left_on__isnull=True))
    last_change = max([seat.joined_on for seat in seats], default=task_force.formed_on)
    last_change = max(last_change, task_force.formed_on)
    if on < last_change:
        raise ValidationError(
            {
                "on": _("The date cannot be before %(date)s, the task force's last change.")
                % {"date": last_change.isoformat()}
            }
        )
    with acting_as(by):
        task_force.dissolved_on = on
        task_force.dissolved_reason = reason.strip()[:300]
        task_force.full_clean()
        task_force.save(update_fields=["dissolved_on", "dissolved_reason", "updated_at"])
        # One save a seat: the change log keeps an entry for each.
        for seat in seats:
            seat.left_on = on
            seat.save(update_fields=["left_on"])
    return task_force
