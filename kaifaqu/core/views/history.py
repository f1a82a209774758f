"""The History tab: audit entries of one record, each changed field with its before and after."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kaifaqu.core.views.tables import EMPTY

# Bookkeeping columns change on every save and say nothing a reader needs.
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at"})
NONE = "None"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    when: datetime
    action: str
    actor: str
    remote_addr: str
    cid: str
    changes: list[FieldChange]


def _action_label(action: int) -> str:
    return {
        LogEntry.Action.CREATE: _("Created"),
        LogEntry.Action.UPDATE: _("Changed"),
        LogEntry.Action.DELETE: _("Deleted"),
    }.get(action, _("Accessed"))


def _actor_label(entry: LogEntry) -> str:
    if entry.actor is None:
        return _("System")
    return str(entry.actor.get_full_name() or entry.actor.get_username())  # auditlog: untyped


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _is_reverse_relation(model: type[models.Model], name: str) -> bool:
    try:
        return not isinstance(model._meta.get_field(name), models.Field)
    except FieldDoesNotExist:
        return False


def _changes(model: type[models.Model], entry: LogEntry) -> dict[str, Any]:
    # A creation lists reverse relations (an enterprise's projects) as changed from nothing to
    # nothing; they are other records' fields and are logged there.
    return {
        name: values
        for name, values in (entry.changes_dict or {}).items()
        if name not in HIDDEN_FIELDS
        and not _is_reverse_relation(model, name)
        and isinstance(values, list | tuple)
        and len(values) == 2
        and not all(value in (None, NONE, "") for value in values)
    }


def _related_names(model: type[models.Model], entries: list[LogEntry]) -> dict[str, dict[str, str]]:
    """Names of the records foreign keys pointed to, one query per related model, not per value."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for name, values in _changes(model, entry).items():
            field = _field(model, name)
            if isinstance(field, models.ForeignKey):
                wanted[name].update(str(v) for v in values if v not in (None, NONE, ""))
    names: dict[str, dict[str, str]] = {}
    for name, pks in wanted.items():
        field = _field(model, name)
        assert isinstance(field, models.ForeignKey)
        related = field.related_model
        assert isinstance(related, type)
        names[name] = {
            str(obj.pk): str(obj) for obj in related._base_manager.filter(pk__in=list(pks))
        }
    return names


def _value_text(field: models.Field[Any, Any] | None, value: Any, related: dict[str, str]) -> str:
    if value in (None, NONE, ""):
        return EMPTY
    text = str(value)
    if field is None:
        return text
    if isinstance(field, models.ForeignKey):
        return related.get(text, text)
    if field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if isinstance(field, models.BooleanField):
        return _("Yes") if text == "True" else _("No")
    if isinstance(field, models.DecimalField) and field.decimal_places is not None:
        # The log keeps the value as typed ('86.5'); show it as stored ('86.50').
        try:
            return str(Decimal(text).quantize(Decimal(1).scaleb(-field.decimal_places)))
        except InvalidOperation:
            return text
    return text


def history_rows(model: type[models.Model], entries: Iterable[LogEntry]) -> list[HistoryRow]:
    entries = list(entries)
    related = _related_names(model, entries)
    rows = []
    for entry in entries:
        changes = []
        for name, (before, after) in _changes(model, entry).items():
            field = _field(model, name)
            label = capfirst(str(field.verbose_name)) if field is not None else name
            names = related.get(name, {})
            changes.append(
                FieldChange(
                    label=label,
                    before=_value_text(field, before, names),
                    after=_value_text(field, after, names),
                )
            )
        rows.append(
            HistoryRow(
                when=entry.timestamp,
                action=_action_label(entry.action),
                actor=_actor_label(entry),
                remote_addr=entry.remote_addr or "",
                cid=entry.cid or "",
                changes=changes,
            )
        )
    return rows


@dataclass(frozen=True)
class ChangeRow:
    """One entry of the history of every record (the audit administrator's page)."""

    kind: str
    object_repr: str
    object_pk: str
    row: HistoryRow


def change_rows(entries: Iterable[LogEntry]) -> list[ChangeRow]:
    """History rows of entries about records of many models, in the entries' order: each model's
    entries are described together (one query per related model, as on a record's tab)."""
    entries = list(entries)
    by_model: dict[Any, list[LogEntry]] = defaultdict(list)
    for entry in entries:
        by_model[entry.content_type_id].append(entry)
    described: dict[int, HistoryRow] = {}
    for group in by_model.values():
        model = group[0].content_type.model_class()
        if model is None:  # a model since removed: its fields can no longer be named
            continue
        for entry, row in zip(group, history_rows(model, group), strict=True):
            described[entry.pk] = row
    rows = []
    for entry in entries:
        row = described.get(entry.pk) or HistoryRow(
            when=entry.timestamp,
            action=_action_label(entry.action),
            actor=_actor_label(entry),
            remote_addr=entry.remote_addr or "",
            cid=entry.cid or "",
            changes=[],
        )
        model = entry.content_type.model_class()
        kind = (
            capfirst(str(model._meta.verbose_name))
            if model is not None
            else entry.content_type.model
        )
        rows.append(
            ChangeRow(
                kind=str(kind), object_repr=entry.object_repr, object_pk=entry.object_pk, row=row
            )
        )
    return rows
