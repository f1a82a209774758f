"""Registry pages of what indicators are measured against: price indexes (PPI) and zone targets
(value-added rates: views/rates.py).

Each gets the six registry pages (list with filters and export, new, details, edit, history) by
declaration; the filters are the API's.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.views import Column, DetailField, Registry, RegistryDetailView, describe
from kaifaqu.core.views.tables import attr, decimal_text, verbose_label
from kaifaqu.indicators.api.inputs import PriceIndexFilter, TargetFilter
from kaifaqu.indicators.forms import PriceIndexForm, TargetForm, all_industry
from kaifaqu.indicators.models import PriceIndex, Target, TargetKind
from kaifaqu.indicators.selectors.inputs import price_index_list, target_list
from kaifaqu.indicators.services import (
    price_index_create,
    price_index_update,
    target_create,
    target_update,
)
from kaifaqu.indicators.services.inputs import PRICE_INDEX_WRITE
from kaifaqu.indicators.services.provinces import may_write_province

# Price indexes


def _division_text(index: PriceIndex) -> str:
    if not index.division:
        return all_industry()
    name = getattr(index, "division_name", None)
    return f"{index.division} {name}" if name else index.division


PRICE_INDEX_COLUMNS = [
    Column(
        "region",
        verbose_label(PriceIndex, "region"),
        attr("region.name"),
        sort="region__code",
    ),
    Column(
        "period",
        verbose_label(PriceIndex, "period"),
        lambda index: f"{index.period:%Y-%m}",
        sort="period",
        link=True,
    ),
    Column("division", verbose_label(PriceIndex, "division"), _division_text, sort="division"),
    Column("value", verbose_label(PriceIndex, "value"), attr("value"), sort="value", numeric=True),
    Column("source", verbose_label(PriceIndex, "source"), attr("source")),
]
PRICE_INDEX_EXPORT_COLUMNS = [
    *PRICE_INDEX_COLUMNS,
    Column("note", verbose_label(PriceIndex, "note"), attr("note")),
]


class PriceIndexDetailView(RegistryDetailView):
    template_name = "core/detail.html"

    def edit_url(self, obj: PriceIndex) -> str | None:
        # Another province's index (the system administrator reads them all): no button.
        user = self.request.user
        if not isinstance(user, User) or not may_write_province(
            user, PRICE_INDEX_WRITE, obj.region
        ):
            return None
        return super().edit_url(obj)

    def get_context_data(self, obj: PriceIndex) -> dict[str, Any]:
        return {
            "fields": [
                DetailField(label=str(PRICE_INDEX_COLUMNS[0].label), text=obj.region.name),
                DetailField(label=str(PRICE_INDEX_COLUMNS[1].label), text=f"{obj.period:%Y-%m}"),
                DetailField(label=str(PRICE_INDEX_COLUMNS[2].label), text=_division_text(obj)),
                *describe(obj, ["value", "source", "note"]),
            ]
        }


PRICE_INDEXES = Registry(
    model=PriceIndex,
    selector=price_index_list,
    filterset_class=PriceIndexFilter,
    columns=PRICE_INDEX_COLUMNS,
    export_columns=PRICE_INDEX_EXPORT_COLUMNS,
    form_class=PriceIndexForm,
    create=price_index_create,
    update=price_index_update,
    detail_view=PriceIndexDetailView,
    create_links=[("indicators:price-index-import", gettext_lazy("Import"))],
)


# Targets


def _kind_text(target: Target) -> str:
    kind = target.get_kind_display()
    if target.kind == TargetKind.PLAN:
        return f"{kind} {target.plan_name}（{target.start_year}–{target.end_year}）"
    return kind


UNIT_LABEL = capfirst(gettext_lazy("unit"))
TARGET_COLUMNS = [
    Column("zone", verbose_label(Target, "zone"), attr("zone.name"), sort="zone__name"),
    Column(
        "indicator",
        verbose_label(Target, "indicator"),
        attr("get_indicator_display"),
        sort="indicator",
        link=True,
    ),
    Column("year", verbose_label(Target, "year"), attr("year"), sort="year"),
    Column("kind", verbose_label(Target, "kind"), _kind_text, sort="kind"),
    Column("value", verbose_label(Target, "value"), attr("value"), sort="value", numeric=True),
    Column("unit", UNIT_LABEL, attr("unit")),
    Column(
        "growth_pct",
        verbose_label(Target, "growth_pct"),
        attr("growth_pct"),
        sort="growth_pct",
        numeric=True,
    ),
]
TARGET_EXPORT_COLUMNS = [
    *TARGET_COLUMNS,
    *(
        Column(name, verbose_label(Target, name), attr(name))
        for name in ("plan_name", "start_year", "end_year", "source", "note")
    ),
]


class TargetDetailView(RegistryDetailView):
    template_name = "core/detail.html"

    def get_context_data(self, obj: Target) -> dict[str, Any]:
        names = ["zone", "indicator", "year", "kind"]
        if obj.kind == TargetKind.PLAN:
            names += ["plan_name", "start_year", "end_year"]
        fields = describe(obj, names)
        # Four places: a target in 万元 is exact to the yuan, as it was entered.
        fields.append(
            DetailField(
                label=str(verbose_label(Target, "value")),
                text=decimal_text(obj.value, 4),
                numeric=True,
            )
        )
        fields.append(DetailField(label=str(UNIT_LABEL), text=str(obj.unit)))
        fields += describe(obj, ["growth_pct", "source", "note"])
        return {"fields": fields}


TARGETS = Registry(
    model=Target,
    selector=target_list,
    filterset_class=TargetFilter,
    columns=TARGET_COLUMNS,
    export_columns=TARGET_EXPORT_COLUMNS,
    form_class=TargetForm,
    create=target_create,
    update=target_update,
    detail_view=TargetDetailView,
)
