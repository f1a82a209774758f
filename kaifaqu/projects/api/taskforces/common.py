"""What the 专班陪跑 API shares."""

from __future__ import annotations

from typing import Any

import django_filters

from kaifaqu.accounts.models import User

ACTIVE_USERS = User.objects.filter(is_active=True)


def moved(instance: Any, attrs: dict[str, Any]) -> bool:
    """Whether an update names another project than the record's."""
    return (
        instance is not None and "project" in attrs and attrs["project"].pk != instance.project_id
    )


class ProjectWorkFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
