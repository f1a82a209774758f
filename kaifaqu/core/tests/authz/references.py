"""No existence leak in what a write answers: a reference to a record outside the user's scope
is refused exactly as a reference to one that does not exist, and a value another zone's record
already holds (a USCC) is refused without naming that record or its zone.

The fields come from the code, not from a list: every related field (and the fields of nested
serializers) of every request body of the OpenAPI schema, and every choice field of the pages'
forms. A reference given as a plain number (an entry's id) is named in `ID_FIELDS`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models, transaction
from django.db.models import Q
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework import relations, serializers

from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import user_may
from kaifaqu.core.tests.authz.rules import About, Need, refusals
from kaifaqu.core.tests.authz.walker import Persona, Walk
from kaifaqu.geo.models import Zone
from kaifaqu.projects.models import RoundEntry, StageChange
from kaifaqu.returns.models import Return

# Requests whose references range over every record of the platform by POLICY, not over the
# user's scope: an account's scope (any region, zone, park or enterprise) is assigned by the
# security administrator, who sees no business data (scope NONE) and chooses among all of them.
EVERY_RECORD = {"users_assign_role_create"}

# Numbers in a request that name a record: (operation id, field) → the record's model.
ID_FIELDS: dict[tuple[str, str], type[models.Model]] = {
    ("project_rounds_remove_entry_create", "entry"): RoundEntry,
    ("projects_correct_stage_change_create", "change"): StageChange,
    ("returns_bulk_accept_create", "ids"): Return,
}


@dataclass(frozen=True)
class Reference:
    """A field of a request body that names a record: where it sits and what it names."""

    path: tuple[tuple[str, bool], ...]  # (name, many) from the body's top down
    model: type[models.Model]
    slug: str = "pk"

    @property
    def name(self) -> str:
        return ".".join(name for name, _many in self.path)

    def body(self, value: Any) -> dict[str, Any]:
        """The request body with `value` at this field (in a list where the field is many)."""
        inner: Any = value
        for name, many in reversed(self.path):
            inner = {name: [inner] if many else inner}
        return inner  # type: ignore[no-any-return]

    def error(self, errors: Any) -> Any:
        """The field's part of a 400's errors (the whole errors when they are not by field)."""
        found = errors
        for name, many in self.path:
            if not isinstance(found, dict) or name not in found:
                return errors
            found = found[name]
            if many and isinstance(found, list) and found and isinstance(found[0], dict):
                found = found[0]
            elif many and isinstance(found, dict) and "0" in found:
                found = found["0"]
        return found


def request_serializers() -> dict[str, tuple[str, str, Any]]:
    """operation id → (method, path, request serializer) of every write of the schema, as
    drf-spectacular documents it."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    endpoints = generator._get_paths_and_endpoints()
    prefix = "^" + re.escape(posixpath.commonpath([path for path, _r, _m, _v in endpoints]))
    found = {}
    for path, path_regex, method, view in endpoints:
        if method not in ("POST", "PUT", "PATCH"):
            continue
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        operation = view.schema.get_operation(path, path_regex, prefix, method, generator.registry)
        found[operation["operationId"]] = (method, path, view.schema.get_request_serializer())
    return found


def references(operation_id: str, serializer: Any) -> list[Reference]:
    """The fields of a request body that name a record (nested serializers included)."""
    if isinstance(serializer, type):
        serializer = serializer()
    found = list(_related(serializer, ()))
    for (operation, name), model in ID_FIELDS.items():
        if operation == operation_id:
            many = isinstance(getattr(serializer, "fields", {}).get(name), serializers.ListField)
            found.append(Reference(((name, many),), model))
    return found


def _related(serializer: Any, path: tuple[tuple[str, bool], ...]) -> Iterator[Reference]:
    for name, field in getattr(serializer, "fields", {}).items():
        if field.read_only:
            continue
        many = isinstance(field, relations.ManyRelatedField | serializers.ListSerializer)
        inner = field.child_relation if isinstance(field, relations.ManyRelatedField) else field
        inner = inner.child if isinstance(inner, serializers.ListSerializer) else inner
        here = (*path, (name, many))
        if isinstance(inner, relations.RelatedField) and inner.queryset is not None:
            slug = getattr(inner, "slug_field", "pk")
            yield Reference(here, inner.queryset.model, slug)
        elif isinstance(inner, serializers.Serializer):
            yield from _related(inner, here)


def scoped(model: type[models.Model]) -> bool:
    """Records whose existence is the business of a scope (reference tables are public)."""
    return model is User or hasattr(model._default_manager.all(), "for_user")


def seen_by(user: Any, model: type[models.Model]) -> models.QuerySet[Any]:
    if model is User and user_may(user, "accounts.see_users"):
        return User.objects.all()  # the three administrators' list of accounts
    if model is User:
        # Users are seen as staff of the zones the user sees (their offices' and parks').
        zones = Zone.objects.for_user(user).values("pk")
        return User.objects.filter(
            Q(scope_zone__in=zones) | Q(scope_park__zone__in=zones) | Q(pk=user.pk)
        )
    return model._default_manager.for_user(user)  # type: ignore[attr-defined,no-any-return]


def foreign(user: Any, model: type[models.Model]) -> Any:
    """A record of the model the user does not see, or None (a user: staff of another zone)."""
    records = model._default_manager.exclude(pk__in=seen_by(user, model).values("pk"))
    if model is User:
        records = records.filter(Q(scope_zone__isnull=False) | Q(scope_park__isnull=False))
    return records.order_by("pk").first()


def form_choice_fields(form: forms.BaseForm) -> Iterator[tuple[str, forms.ModelChoiceField]]:
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            yield name, field


def normalised(errors: Any, *values: Any) -> str:
    """The errors as text, the values sent replaced (a message may repeat the id it got)."""
    text = str(errors)
    for value in values:
        text = text.replace(str(value), "<value>")
    return text


# Personas who write, zone staff first: each has records of its own and sees others' as foreign.
# The administrators last: they write what nobody else does (accounts, roles), but see every
# account and no business record.
WRITERS = ("demo", "tongji", "zhaoshang", "shendian", "lvjing", "shanxi", "lingdao", "pingtai")
WRITERS_LAST = ("sysadmin", "secadmin")


def writer(walk: Walk, needs: tuple[Need, ...], about: About | None) -> tuple[Persona, Any]:
    """A home persona who may (with a record of its own when the address names one)."""
    for name in (*WRITERS, *WRITERS_LAST):
        persona = walk.personas[name]
        if refusals(persona.user, needs):
            continue
        if about is None:
            return persona, {}
        own = [t for t in walk.targets(persona, about, {}) if t.label == "own"]
        if own:
            return persona, own[0].kwargs
    raise AssertionError(f"no persona of {WRITERS} may {needs} with a record of its own")


def send(walk: Walk, persona: Persona, method: str, url: str, body: dict[str, Any]) -> Any:
    client = walk.api_clients[persona.name]
    with transaction.atomic():
        response = getattr(client, method.lower())(url, body, format="json")
        transaction.set_rollback(True)
    return response


def unique_fields(serializer: Any) -> list[tuple[str, type[Any]]]:
    """Fields of a request that a model holds unique (a USCC), of a model with a scope."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None or not scoped(model):
        return []
    instance = serializer() if isinstance(serializer, type) else serializer
    found = []
    for name, field in instance.fields.items():
        if field.read_only:
            continue
        try:
            model_field = model._meta.get_field(field.source or name)
        except Exception:
            continue
        if getattr(model_field, "unique", False) and not model_field.primary_key:
            found.append((name, model))
    return found


def names_of(record: Any) -> list[str]:
    names = [str(record)]
    zone = getattr(record, "zone", None)
    if zone is not None:
        names.append(str(zone))
    return [name for name in names if len(name) > 2]
