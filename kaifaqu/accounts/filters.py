"""Filters of the access log page."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.models import AccessEvent, AccessEventKind


class AccessEventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=AccessEventKind.choices, empty_label=_("All")
    )
    user = django_filters.CharFilter(
        label=_("User name"), field_name="username", lookup_expr="icontains"
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AccessEvent
        fields: list[str] = []
