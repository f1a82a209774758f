"""Filters of the access log page."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.models import AccessEvent, AccessEventKind


def date_from(field_name: str) -> django_filters.DateFilter:
    """From a day on (the platform's day: the time zone's, not UTC's), inclusive."""
    return django_filters.DateFilter(
        label=_("From"),
        field_name=field_name,
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def date_to(field_name: str) -> django_filters.DateFilter:
    """Up to a day, inclusive."""
    return django_filters.DateFilter(
        label=_("To"),
        field_name=field_name,
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class AccessEventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=AccessEventKind.choices, empty_label=_("All")
    )
    user = django_filters.CharFilter(
        label=_("User name"), field_name="username", lookup_expr="icontains"
    )
    date_from = date_from("at")
    date_to = date_to("at")

    class Meta:
        model = AccessEvent
        fields: list[str] = []
