"""A registry as its app declares it: only what differs from one registry's pages to another's.

    ZONES = Registry(model=Zone, selector=zone_list, filterset_class=ZoneFilter,
                     columns=ZONE_COLUMNS, form_class=ZoneForm, create=zone_create,
                     update=zone_update, detail_view=ZoneDetailView)
    urlpatterns = [*ZONES.urls("zones/")]

gives the list, its Excel export, the creation form, the details, the edit form and the history,
named `<app>:<model>-list`, `-export`, `-create`, `-detail`, `-edit` and `-history`. The views are
the generic ones of `registry.py`; the app writes a view only for what its pages add (the detail
page's context, a creation that asks for more than the form's fields).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db import models
from django.urls import URLPattern, path

from kaifaqu.core.views import registry as generic
from kaifaqu.core.views.tables import Column


@dataclass(frozen=True)
class Registry:
    model: type[models.Model]
    # `selector(user=…)`: the records this user may see, with what a list row shows joined.
    selector: Callable[..., models.QuerySet[Any]]
    filterset_class: type[django_filters.FilterSet]
    columns: Sequence[Column]
    # Checks the input of both forms; a creation view may name another (`form_class`).
    form_class: type[Any]
    # The app's services: `create(by=…, data=…)`, `update(by=…, <model name>=record, data=…)`.
    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    # Supplies the details tab's template and context.
    detail_view: type[generic.RegistryDetailView]
    # The workbook's columns when it says more than the page; None: the page's columns.
    export_columns: Sequence[Column] | None = None
    # For one record (details, history, edit) when it needs more joined than a list row.
    object_selector: Callable[..., models.QuerySet[Any]] | None = None
    create_view: type[generic.RegistryCreateView] = generic.RegistryCreateView
    # Pages about the records as a whole, linked from the list: (URL name, label).
    list_links: Sequence[tuple[str, Any]] = ()
    # Pages that create records in bulk (an import), linked for those who may create them.
    create_links: Sequence[tuple[str, Any]] = ()
    # More tabs of one record, after its details: (key, URL name taking the record's pk, label,
    # who sees it: a function of the user, or None for everyone who sees the record).
    object_tabs: Sequence[tuple[str, str, Any, Callable[[Any], bool] | None]] = ()

    def view(self, view_class: type[generic.RegistryView]) -> Callable[..., Any]:
        """`view_class` serving this registry; also for a page beyond the six (a project's advance)."""
        return view_class.as_view(registry=self)

    def urls(self, prefix: str = "") -> list[URLPattern]:
        name = self.model._meta.model_name
        one = f"{prefix}<int:pk>/"
        return [
            path(prefix, self.view(generic.RegistryListView), name=f"{name}-list"),
            path(f"{prefix}export/", self.view(generic.RegistryExportView), name=f"{name}-export"),
            path(f"{prefix}new/", self.view(self.create_view), name=f"{name}-create"),
            path(one, self.view(self.detail_view), name=f"{name}-detail"),
            path(f"{one}edit/", self.view(generic.RegistryEditView), name=f"{name}-edit"),
            path(f"{one}history/", self.view(generic.RegistryHistoryView), name=f"{name}-history"),
        ]
