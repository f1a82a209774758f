"""Filters for project lists; shared by the pages and the API."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.permissions import visible_for_request
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.models import Lead, LeadSource, LeadStatus, Project, Round, RoundStatus, Stage
from kaifaqu.projects.selectors import going_cold, officer_choices


def _officers(request: Any) -> QuerySet[Any]:
    user = getattr(request, "user", None)
    if user is None:
        return Project.objects.none()
    return officer_choices(user=user)


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    zone = django_filters.ModelChoiceFilter(queryset=visible_for_request(Zone))
    park = django_filters.ModelChoiceFilter(queryset=visible_for_request(Park))
    stage = django_filters.MultipleChoiceFilter(label=_("Stage"), choices=Stage.choices)
    industry = django_filters.CharFilter(label=_("Industry code"), method="in_industry")
    min_investment = django_filters.NumberFilter(
        label=_("Total investment at least (万元)"),
        field_name="total_investment",
        lookup_expr="gte",
    )
    officer = django_filters.ModelChoiceFilter(
        label=_("Officer in charge"), queryset=_officers, field_name="officer"
    )
    illustrative = django_filters.BooleanFilter(
        label=_("Illustrative"), field_name="is_illustrative"
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "zone",
            "park",
            "stage",
            "industry",
            "min_investment",
            "officer",
            "illustrative",
        ]

    def in_industry(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        """Classes whose code starts with the value (30: the division; 301: a group), as a range
        of the stored code: the foreign key's index answers it, where a join to the industry
        table for a LIKE read every project (135 ms of a province's 100,000)."""
        prefix = value.strip().upper().lstrip("ABCDEFGHIJKLMNOPQRST") or value.strip()
        if not prefix.isdigit():
            return queryset.none()
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return queryset.filter(industry_id__gte=prefix, industry_id__lt=upper)

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        text = value.strip()
        return queryset.filter(
            Q(name__icontains=text) | Q(investor__icontains=text) | Q(site__icontains=text)
        )


class RoundFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RoundStatus.choices)

    class Meta:
        model = Round
        fields = ["year", "status"]


class LeadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    zone = django_filters.ModelChoiceFilter(queryset=visible_for_request(Zone))
    park = django_filters.ModelChoiceFilter(queryset=visible_for_request(Park))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LeadStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Source channel"), choices=LeadSource.choices)
    officer = django_filters.ModelChoiceFilter(
        label=_("Officer in charge"), queryset=_officers, field_name="officer"
    )
    industry = django_filters.CharFilter(
        label=_("Industry code"), field_name="industry__code", lookup_expr="startswith"
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("Received until"),
        field_name="received_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    cold = django_filters.BooleanFilter(label=_("Going cold"), method="filter_cold")

    class Meta:
        model = Lead
        fields = [
            "q",
            "zone",
            "park",
            "status",
            "source",
            "officer",
            "industry",
            "received_from",
            "received_to",
            "cold",
        ]

    def search(self, queryset: QuerySet[Lead], name: str, value: str) -> QuerySet[Lead]:
        text = value.strip()
        return queryset.filter(Q(title__icontains=text) | Q(investor__icontains=text))

    def filter_cold(
        self, queryset: QuerySet[Lead], name: str, value: bool | None
    ) -> QuerySet[Lead]:
        if value is None:
            return queryset
        cold = going_cold(queryset, today=timezone.localdate())
        if value:
            return cold
        return queryset.exclude(pk__in=Subquery(cold.order_by().values("pk")))
