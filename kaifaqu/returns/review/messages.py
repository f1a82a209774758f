"""A finding's message in the active language, from its rule's translatable template."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from kaifaqu.core.lib.formatting import fixed, with_unit
from kaifaqu.returns.models import MONTHLY_FIELDS, Return
from kaifaqu.returns.review.rules import RULES_BY_CODE

# The unit of a stored figure, and its places, for a message quoting it (core.lib.formatting).
_STORED_UNIT = {
    **{name: ("万元", 2) for name in MONTHLY_FIELDS},
    "electricity": ("万千瓦时", 2),
    "employees": ("人", 0),
}


def _figure(key: str, value: int | float | Decimal, params: dict[str, Any]) -> str | None:
    """A stored figure the message names ('value' of its 'field', or a field by its name) in
    its unit: '1,234.50 万元'; None for a number that is no figure (a ratio, a count)."""
    name = params.get("field") if key in {"value", "before"} else key
    if not isinstance(name, str) or name not in _STORED_UNIT:
        return None
    unit, places = _STORED_UNIT[name]
    return with_unit(fixed(value, places), unit)


def _number(value: int | float | Decimal) -> str:
    """A figure as typed: no float noise, no trailing zeros (121.5000 → 121.5)."""
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return str(value)
    text = f"{exact:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _field_label(name: str) -> str:
    try:
        field = Return._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def finding_message(rule: str, params: dict[str, Any]) -> str:
    """The finding's message in the active language, from a translatable template per rule."""
    registered = RULES_BY_CODE.get(rule)
    if registered is None:
        return rule
    shown: dict[str, Any] = {}
    for key, value in params.items():
        if key == "field" and isinstance(value, str):
            shown[key] = _field_label(value)
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            # Imports pass figures already written in the file's unit (text, not numbers).
            shown[key] = _figure(key, value, params) or _number(value)
        else:
            shown[key] = "" if value is None else value
    template = str(registered.message)  # a lazy translation, rendered in the active language
    try:
        return template % shown
    except (KeyError, TypeError, ValueError):
        return template
