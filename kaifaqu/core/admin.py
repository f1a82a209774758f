"""The Django admin, for system administrators: every business model, read-only.

Changes go through the services (validation, scope, audit, the 统计法 rule that staff never
change a figure a firm reported), which the admin's forms would bypass; the admin is a place to
look records up, not to edit them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from kaifaqu.core.models import IndustryClass


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def register_read_only(*models: type[Model]) -> None:
    for model in models:
        admin.site.register(model, ReadOnlyAdmin)


register_read_only(IndustryClass)
