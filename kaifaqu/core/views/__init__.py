"""Views shared by every registry (regions, zones, parks, enterprises, projects)."""

from kaifaqu.core.views.declared import Registry
from kaifaqu.core.views.registry import (
    RegistryCreateView,
    RegistryDetailView,
    RegistryEditView,
    RegistryExportView,
    RegistryHistoryView,
    RegistryListView,
    RegistryObjectView,
    RegistryView,
)
from kaifaqu.core.views.tables import Column, DetailField, describe

__all__ = [
    "Column",
    "DetailField",
    "Registry",
    "RegistryCreateView",
    "RegistryDetailView",
    "RegistryEditView",
    "RegistryExportView",
    "RegistryHistoryView",
    "RegistryListView",
    "RegistryObjectView",
    "RegistryView",
    "describe",
]
