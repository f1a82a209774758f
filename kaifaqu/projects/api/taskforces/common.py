"""What the 专班陪跑 API shares."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kaifaqu.accounts.models import User
from kaifaqu.projects.selectors import zone_staff

ACTIVE_USERS = User.objects.filter(is_active=True)


class ZoneStaffField(serializers.PrimaryKeyRelatedField[User]):
    """A member of the staff of the zones the requester sees (a task force's lead or member, a
    visit's participant, an issue's owner). A missing id and a user outside those zones get the
    same answer: the reply tells neither which ids exist nor whose they are."""

    default_error_messages = {
        "does_not_exist": _("Choose a user of this zone."),
        "incorrect_type": _("Choose a user of this zone."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=ACTIVE_USERS, **kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return User.objects.none()
        return zone_staff(user=user)


def moved(instance: Any, attrs: dict[str, Any]) -> bool:
    """Whether an update names another project than the record's."""
    return (
        instance is not None and "project" in attrs and attrs["project"].pk != instance.project_id
    )


class ProjectWorkFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
