"""Filters for project lists; shared by the pages and the API."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.permissions import visible_for_request
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.models import Project, Round, RoundStatus, Stage
from kaifaqu.projects.selectors import officer_choices


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
