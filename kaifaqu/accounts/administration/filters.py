"""Filters of the accounts list and of the history of data changes."""

import django_filters
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaifaqu.accounts.filters import date_from, date_to
from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import Role


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    role = django_filters.ChoiceFilter(
        label=_("Role"),
        choices=[("-", _("No role yet")), *Role.choices],
        empty_label=_("All"),
        method="by_role",
    )
    is_active = django_filters.BooleanFilter(label=pgettext_lazy("account", "Active"))

    class Meta:
        model = User
        fields: list[str] = []

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(email__icontains=value)
        )

    def by_role(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(role="" if value == "-" else value)


def _audited_kinds() -> list[tuple[int, str]]:
    used = LogEntry.objects.values_list("content_type", flat=True).distinct()
    kinds = []
    for content_type in ContentType.objects.filter(pk__in=used):
        model = content_type.model_class()
        label = capfirst(str(model._meta.verbose_name)) if model else content_type.model
        kinds.append((content_type.pk, str(label)))
    return sorted(kinds, key=lambda kind: kind[1])


class ChangeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind of record"),
        field_name="content_type",
        choices=_audited_kinds,
        empty_label=_("All"),
    )
    object_pk = django_filters.CharFilter(label=_("Record id"), field_name="object_pk")
    actor = django_filters.CharFilter(
        label=_("Changed by"), field_name="actor__username", lookup_expr="icontains"
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"),
        choices=[
            (LogEntry.Action.CREATE, _("Created")),
            (LogEntry.Action.UPDATE, _("Changed")),
            (LogEntry.Action.DELETE, _("Deleted")),
        ],
        empty_label=_("All"),
    )
    date_from = date_from("timestamp")
    date_to = date_to("timestamp")

    class Meta:
        model = LogEntry
        fields: list[str] = []
