"""Columns of registry lists and the display of field values, shared by pages and exports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kaifaqu.core.lib import formatting
from kaifaqu.core.lib.formatting import EMPTY as EMPTY  # re-exported: the pages import it here

# Excel's number formats of the exports, as the pages write numbers (core.lib.formatting).
MONEY_FORMAT = "#,##0.00"  # 万元, 万千瓦时
YI_FORMAT = "#,##0.0000"  # 亿元
COUNT_FORMAT = "#,##0"


def decimal_text(value: Decimal | int | None, places: int = 2) -> str:
    """Numbers shown with grouped thousands, rounded half up; the unit is in the column header."""
    return formatting.fixed(value, places)


def yi_text(amount_wan: Decimal | None) -> str:
    """An amount kept in 万元, in 亿元 to 4 places (core.lib.formatting)."""
    return formatting.yi_text(amount_wan)


def wan_text(amount_wan: Decimal | None) -> str:
    """An amount kept in 万元, to 2 places (core.lib.formatting)."""
    return formatting.wan_text(amount_wan)


def value_text(value: Any) -> str:
    """How a value reads on a page: dates localized, booleans as yes/no, nothing as a dash."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return decimal_text(value)
    if hasattr(value, "isoformat"):
        # ISO dates line up in columns and read the same in both languages.
        return date_format(value, "Y-m-d")
    return str(value)


def attr(path: str) -> Callable[[Any], Any]:
    """Follow a dotted path (`park.name`); a missing link gives None."""

    def get(obj: Any) -> Any:
        for part in path.split("."):
            if obj is None:
                return None
            obj = getattr(obj, part)
            if callable(obj):
                obj = obj()
        return obj

    return get


def verbose_label(model: type[models.Model], name: str) -> Any:
    """The field's translated name, capitalized; lazy, so module-level columns follow the user."""
    return capfirst(getattr(model._meta.get_field(name), "verbose_name", name))


@dataclass(frozen=True)
class Column:
    """A list column: `value` is what the export writes, `display` what the page shows."""

    name: str
    label: Any
    value: Callable[[Any], Any]
    sort: str | None = None
    numeric: bool = False
    display: Callable[[Any], str] | None = None
    link: bool = False
    badge: Callable[[Any], str | None] | None = None
    # The export's Excel number format (MONEY_FORMAT…): the value stays exact, Excel shows it
    # as the pages do; the unit is in the label.
    number_format: str | None = None

    def text(self, obj: Any) -> str:
        if self.display is not None:
            return self.display(obj)
        return value_text(self.value(obj))

    def export_value(self, obj: Any) -> Any:
        value = self.value(obj)
        if isinstance(value, models.Model | Promise):
            return str(value)
        return value


@dataclass(frozen=True)
class Cell:
    text: str
    url: str | None = None
    numeric: bool = False
    badge: str | None = None
    illustrative: bool = False


def table_rows(columns: Sequence[Column], objects: Iterable[Any]) -> list[list[Cell]]:
    rows = []
    for obj in objects:
        row = []
        for column in columns:
            url = obj.get_absolute_url() if column.link else None
            row.append(
                Cell(
                    text=column.text(obj),
                    url=url,
                    numeric=column.numeric,
                    badge=column.badge(obj) if column.badge else None,
                    illustrative=bool(column.link and getattr(obj, "is_illustrative", False)),
                )
            )
        rows.append(row)
    return rows


@dataclass(frozen=True)
class DetailField:
    label: str
    text: str
    url: str | None = None
    numeric: bool = False


def describe(obj: models.Model, names: Iterable[str]) -> list[DetailField]:
    """Label and display value of model fields, in order, for the details tab."""
    fields = []
    for name in names:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        url = None
        if isinstance(field, models.ForeignKey) and value is not None:
            url = value.get_absolute_url() if hasattr(value, "get_absolute_url") else None
        elif getattr(field, "choices", None):
            value = getattr(obj, f"get_{name}_display")()
        fields.append(
            DetailField(
                label=str(verbose_label(type(obj), name)),
                text=value_text(value),
                url=url,
                numeric=isinstance(field, models.DecimalField | models.IntegerField),
            )
        )
    return fields


def related_table(columns: Sequence[Column], objects: Iterable[Any]) -> dict[str, Any]:
    """A small table of related records on a detail page (no sorting, no pages)."""
    return {
        "header": [{"label": column.label, "numeric": column.numeric} for column in columns],
        "rows": table_rows(columns, objects),
    }
