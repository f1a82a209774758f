"""Writes shared by every app: scoped create and update used by the per-entity services.

`by` is the user making the change. It is None only for jobs run by the platform itself (the demo
loader, migrations); every path a person uses (pages, API, import, `kfq` jobs on a person's
behalf) passes the person.
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kaifaqu.core.audit import acting_as
from kaifaqu.core.permissions import ScopedUser, can_create, ensure_can_write, user_may

M = TypeVar("M", bound=models.Model)


def _ensure_in_scope_after_save(by: ScopedUser, instance: models.Model) -> None:
    manager = type(instance)._default_manager
    if not manager.for_user(by).filter(pk=instance.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("This record would fall outside your scope."))


@transaction.atomic
def model_create(*, model: type[M], data: Mapping[str, Any], by: ScopedUser | None) -> M:
    """Validate and insert; a person may only create what their scope will then show them."""
    if by is not None and not can_create(by, model):
        raise PermissionDenied(_("You may not create this kind of record."))
    instance = model(**data)
    instance.full_clean()
    with acting_as(by):
        instance.save()
    if by is not None:
        _ensure_in_scope_after_save(by, instance)
    return instance


@transaction.atomic
def model_update(
    *,
    instance: M,
    fields: Iterable[str],
    data: Mapping[str, Any],
    by: ScopedUser | None,
    moves: Mapping[str, tuple[str, str | Promise]] | None = None,
    carried: Iterable[str] = (),
) -> tuple[M, bool]:
    """Set the given fields from data, validate, and save only what changed, in scope before and after.

    `moves` names the fields that carry a record across scopes (a zone's region, a park's zone,
    an enterprise's zone) with the action of the permission table that may change them and the
    message of a refusal: writing the record is not enough to move it, since a move takes it out
    of one office's sight and into another's. `carried` names fields that follow a move (a firm's
    park follows its zone): changed together with a move they are part of it."""
    changed = [
        field for field in fields if field in data and getattr(instance, field) != data[field]
    ]
    if by is not None:
        moving = [field for field in changed if field in (moves or {})]
        following = [field for field in changed if field in carried] if moving else []
        if len(moving) + len(following) < len(changed) or not changed:
            ensure_can_write(by, instance)
        for field in moving:
            # Refused before the instance is touched: the caller's copy keeps the stored value.
            action, message = (moves or {})[field]
            if not user_may(by, action):
                raise PermissionDenied(str(message))
        if moving and len(moving) + len(following) == len(changed):
            # A move alone is the office above's: it need not be allowed to edit the record, but
            # the record must be in its sight (and stay there: checked after the save).
            _ensure_in_scope_after_save(by, instance)
    if not changed:
        return instance, False
    for field in changed:
        setattr(instance, field, data[field])
    instance.full_clean()
    update_fields = [*changed]
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        update_fields.append("updated_at")
    with acting_as(by):
        instance.save(update_fields=update_fields)
    if by is not None:
        _ensure_in_scope_after_save(by, instance)
    return instance, True
