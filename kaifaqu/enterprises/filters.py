"""Filters for enterprise lists; shared by the pages and the API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.permissions import visible_for_request
from kaifaqu.enterprises.models import (
    Enterprise,
    EnterpriseKind,
    EnterpriseStatus,
    RosterEntry,
    RosterEntryKind,
    StatCategory,
)
from kaifaqu.geo.models import Park, Zone


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    zone = django_filters.ModelChoiceFilter(queryset=visible_for_request(Zone))
    park = django_filters.ModelChoiceFilter(queryset=visible_for_request(Park))
    industry = django_filters.CharFilter(
        label=_("Industry code"), field_name="industry__code", lookup_expr="startswith"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EnterpriseStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EnterpriseKind.choices)
    illustrative = django_filters.BooleanFilter(
        label=_("Illustrative"), field_name="is_illustrative"
    )

    class Meta:
        model = Enterprise
        fields = ["q", "zone", "park", "industry", "status", "kind", "illustrative"]

    def search(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        text = value.strip()
        return queryset.filter(Q(name__icontains=text) | Q(uscc__startswith=text.upper()))


class RosterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    year = django_filters.NumberFilter(label=_("Year"))
    zone = django_filters.ModelChoiceFilter(
        label=_("Zone"), field_name="enterprise__zone", queryset=visible_for_request(Zone)
    )
    park = django_filters.ModelChoiceFilter(
        label=_("Park"), field_name="enterprise__park", queryset=visible_for_request(Park)
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=StatCategory.choices)
    entry_kind = django_filters.ChoiceFilter(
        label=_("Kind of entry"), choices=RosterEntryKind.choices
    )
    exited = django_filters.BooleanFilter(
        label=_("Exited"), field_name="exited_on", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = RosterEntry
        fields = ["q", "year", "zone", "park", "category", "entry_kind", "exited"]

    def search(
        self, queryset: QuerySet[RosterEntry], name: str, value: str
    ) -> QuerySet[RosterEntry]:
        text = value.strip()
        return queryset.filter(
            Q(enterprise__name__icontains=text) | Q(enterprise__uscc__startswith=text.upper())
        )
