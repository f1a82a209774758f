"""Enterprise registry pages and the industry search used by the enterprise and project forms."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.views import Column, DetailField, Registry, RegistryDetailView, describe
from kaifaqu.core.views.related import RelatedRecords, related_cards
from kaifaqu.core.views.tables import attr, decimal_text, verbose_label
from kaifaqu.enterprises.filters import EnterpriseFilter
from kaifaqu.enterprises.forms.enterprises import EnterpriseForm
from kaifaqu.enterprises.models import Enterprise, EnterpriseStatus
from kaifaqu.enterprises.selectors import (
    INDUSTRY_SEARCH_LIMIT,
    enterprise_detail,
    enterprise_list,
    industry_path,
    industry_search,
)
from kaifaqu.enterprises.services import enterprise_create, enterprise_update

STATUS_BADGE: dict[str, str] = {
    EnterpriseStatus.PREPARING: "bg-blue-lt",
    EnterpriseStatus.OPERATING: "bg-green-lt",
    EnterpriseStatus.SUSPENDED: "bg-yellow-lt",
    EnterpriseStatus.CLOSED: "bg-secondary-lt",
}


def _label(name: str) -> Any:
    return verbose_label(Enterprise, name)


COLUMNS = [
    Column("uscc", _label("uscc"), attr("uscc"), sort="uscc"),
    Column("name", _label("name"), attr("name"), sort="name", link=True),
    Column("industry", _label("industry"), attr("industry"), sort="industry__code"),
    Column("park", _label("park"), attr("park.name"), sort="park__name"),
    Column(
        "status",
        _label("status"),
        attr("get_status_display"),
        sort="status",
        badge=lambda enterprise: STATUS_BADGE.get(enterprise.status),
    ),
    Column(
        "land_mu",
        _label("land_mu"),
        attr("land_mu"),
        sort="land_mu",
        numeric=True,
        display=lambda enterprise: decimal_text(enterprise.land_mu),
    ),
]

EXPORT_COLUMNS = [
    Column("uscc", _label("uscc"), attr("uscc")),
    Column("name", _label("name"), attr("name")),
    Column("industry_code", gettext_lazy("Industry code"), attr("industry.code")),
    Column("industry_name", gettext_lazy("Industry name"), attr("industry.name")),
    Column("zone", _label("zone"), attr("zone.name")),
    Column("park", _label("park"), attr("park.name")),
    Column("kind", _label("kind"), attr("get_kind_display")),
    Column("status", _label("status"), attr("get_status_display")),
    Column("established_on", _label("established_on"), attr("established_on")),
    Column("land_mu", _label("land_mu"), attr("land_mu")),
    Column("address", _label("address"), attr("address")),
    Column("is_illustrative", _label("is_illustrative"), attr("is_illustrative")),
]


class EnterpriseDetailView(RegistryDetailView):
    template_name = "enterprises/enterprise_detail.html"

    def get_context_data(self, obj: Enterprise) -> dict[str, Any]:
        fields = describe(
            obj,
            [
                "uscc",
                "name",
                "zone",
                "park",
                "kind",
                "status",
                "established_on",
                "land_mu",
                "address",
                "statistics_contact",
                "statistics_phone",
                "is_illustrative",
            ],
        )
        path = " › ".join(str(node) for node in industry_path(obj.industry))
        fields.insert(2, DetailField(label=str(_label("industry")), text=path))
        return {
            "fields": fields,
            # The enterprise's projects, registered by the projects app (core/views/related.py).
            "related": related_cards(user=self.request.user, obj=obj),
        }


ENTERPRISES = Registry(
    model=Enterprise,
    selector=enterprise_list,
    # One enterprise shows its whole industry path (class › group › division › section).
    object_selector=enterprise_detail,
    filterset_class=EnterpriseFilter,
    columns=COLUMNS,
    export_columns=EXPORT_COLUMNS,
    form_class=EnterpriseForm,
    create=enterprise_create,
    update=enterprise_update,
    detail_view=EnterpriseDetailView,
)


class IndustrySearchView(LoginRequiredMixin, View):
    """Matching 4-digit classes for the industry picker (public reference data, not scoped)."""

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        query = request.GET.get("q", "").strip()
        classes = list(industry_search(query=query, limit=INDUSTRY_SEARCH_LIMIT + 1))
        return TemplateResponse(
            request,
            "enterprises/_industry_results.html",
            {
                "query": query,
                "classes": classes[:INDUSTRY_SEARCH_LIMIT],
                "truncated": len(classes) > INDUSTRY_SEARCH_LIMIT,
                "limit": INDUSTRY_SEARCH_LIMIT,
            },
        )


def related_records() -> list[RelatedRecords]:
    """What the zone and park pages (geo) list of the enterprises; registered at start-up."""
    return [
        RelatedRecords(
            host="geo.zone",
            name="enterprises",
            title=gettext_lazy("Enterprises"),
            empty="",
            rows=lambda user: Enterprise.objects.for_user(user),
            columns=[],
            lookup="zone",
            list_url_name="enterprises:enterprise-list",
        ),
        RelatedRecords(
            host="geo.park",
            name="enterprises",
            title=gettext_lazy("Enterprises"),
            empty=gettext_lazy("No enterprises in this park that you can see."),
            rows=lambda user: (
                Enterprise.objects.for_user(user)
                .select_related("industry", "park")
                .order_by("name")
            ),
            columns=[c for c in COLUMNS if c.name not in {"park", "uscc"}],
            lookup="park",
            list_url_name="enterprises:enterprise-list",
        ),
    ]
