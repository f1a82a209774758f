"""Indicator pages: the table of a slice and month, its Excel export, the catalogue (口径), and the
enterprises behind a figure (statistics office only).

The table reads the stored cells through `selectors.indicators`, which scopes the slice and masks
what a reader outside the statistics office may not see; these views only pick the month and
slice from the query and lay the rows out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import AccessEventKind
from kaifaqu.accounts.services import access_event_record
from kaifaqu.core.exports import BOLD, TITLE, WRAP_TOP, XLSX_TYPE, ExportWorkbook, Style
from kaifaqu.core.lib.formatting import count_text
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.views.tables import EMPTY, decimal_text
from kaifaqu.indicators.catalogue import CATALOGUE, METHODS, RETURNS_METHOD
from kaifaqu.indicators.disclosure import DEFAULT_RULE, SUPPRESSED_MARK
from kaifaqu.indicators.selectors import (
    IndicatorRow,
    IndicatorTable,
    Slice,
    default_slice,
    drillable_indicator,
    indicator_contributions,
    reader_latest_month,
    resolve_slice,
    sees_everything,
    sees_unpublished,
    slice_options,
    slice_table,
    split_token,
)
from kaifaqu.indicators.selectors.contributions import BREAKDOWNS
from kaifaqu.indicators.selectors.status import table_status
from kaifaqu.returns.views.access import chosen_month, ensure_office_reader


def number_text(value: Decimal | int | None, places: int = 2) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, int):
        return count_text(value)
    return decimal_text(value, places)


# Where value added at comparable prices is not available (catalogue: value_added's method).
NO_PRICE_INDEX = gettext_lazy("no price index: comparable-price growth not available")


def growth_text(value: Decimal | None) -> str:
    return decimal_text(value, 1)


@dataclass(frozen=True)
class RowTexts:
    """A table row as the page shows it (units in the headers, 'pp' for a ratio's change)."""

    row: IndicatorRow
    month_value: str
    month_growth: str
    ytd_value: str
    ytd_growth: str
    comparable_growth: str
    enterprises: str


def row_texts(row: IndicatorRow) -> RowTexts:
    places = 1 if row.growth_in_points else 2
    return RowTexts(
        row=row,
        month_value=number_text(row.month_value, places),
        month_growth=growth_text(row.month_growth),
        ytd_value=number_text(row.ytd_value, places),
        ytd_growth=growth_text(row.ytd_growth),
        comparable_growth=(
            str(NO_PRICE_INDEX) if row.no_price_index else growth_text(row.ytd_comparable_growth)
        ),
        enterprises=number_text(row.enterprises),
    )


class IndicatorView(LoginRequiredMixin, View):
    """What the indicator pages share: office readers only, and the month and slice asked for."""

    request: AuthenticatedHttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            ensure_office_reader(request.user)
        return super().dispatch(request, *args, **kwargs)

    def chosen(self) -> tuple[Month, Slice, Month | None]:
        user = self.request.user
        token = self.request.GET.get("slice", "")
        chosen_slice = resolve_slice(user, *split_token(token)) if token else default_slice(user)
        latest = reader_latest_month(user, chosen_slice)
        fallback = latest or Month.of(timezone.localdate()).shift(-1)
        return chosen_month(self.request.GET.get("month"), fallback), chosen_slice, latest


def query_string(month: Month, chosen_slice: Slice, **extra: str) -> str:
    return urlencode({"month": str(month), "slice": chosen_slice.token, **extra})


class IndicatorTableView(IndicatorView):
    template_name = "indicators/indicator_table.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        month, chosen_slice, latest = self.chosen()
        table = slice_table(user=request.user, month=month, slice=chosen_slice)
        query = query_string(month, chosen_slice)
        return TemplateResponse(
            request,
            self.template_name,
            {
                "table": table,
                "rows": [row_texts(row) for row in table.rows],
                "month": month,
                "latest": latest,
                "february": str(Month(month.year, 2)),
                "chosen_slice": chosen_slice,
                "slice_groups": slice_options(request.user, chosen_slice, month),
                "query": query,
                "export_url": f"{reverse('indicators:indicator-export')}?{query}",
                "drill": sees_everything(request.user),
                "contributions": chosen_slice.kind in BREAKDOWNS,
                "unpublished_visible": sees_unpublished(request.user),
                "rule_text": DEFAULT_RULE.description(),
                "mark": SUPPRESSED_MARK,
                "status": table_status(),
            },
        )


class IndicatorTableStatusView(IndicatorView):
    """The table's status element, polled by htmx every 2 s while the table is updating; empty
    (and so removed, which ends the polling) once it is up to date."""

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return TemplateResponse(request, "indicators/table_status.html", {"status": table_status()})


class IndicatorExportView(IndicatorView):
    """The table as an Excel workbook, masked as on the page; logged as an export."""

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        month, chosen_slice, _latest = self.chosen()
        table = slice_table(user=request.user, month=month, slice=chosen_slice)
        content = table_workbook(table)
        access_event_record(
            kind=AccessEventKind.EXPORT,
            request=request,
            user=request.user,  # type: ignore[arg-type]
            detail=f"indicator table {chosen_slice.token} {month}",
        )
        response = HttpResponse(content, content_type=XLSX_TYPE)
        slug = chosen_slice.token.replace(":", "-")
        response["Content-Disposition"] = f'attachment; filename="indicators-{slug}-{month}.xlsx"'
        return response


def table_workbook(table: IndicatorTable) -> bytes:
    """A title line, the header, one row per indicator, and the notes: numbers stay numbers."""
    workbook = ExportWorkbook()
    sheet = workbook.sheet(f"{table.slice.label} {table.month}")
    # The sheet streams: widths before the first row.
    widths: dict[str, float] = {"A": 44, "L": 40}
    widths.update(dict.fromkeys("BCDEFGHIJK", 16))
    sheet.widths(widths)
    sheet.append([f"{table.slice.label} · {table.month} · {table.period_label}"], Style(font=TITLE))
    header = [
        _("Indicator"),
        _("Unit"),
        _("The month"),
        _("Same month last year"),
        _("Growth of the month"),
        table.period_label,
        _("Same months last year"),
        _("Growth, %(months)s") % {"months": table.period_label},
        _("Growth at comparable prices, %(months)s") % {"months": table.period_label},
        _("Enterprises"),
        _("Of them estimated (含估算)"),
        _("Source"),
    ]
    sheet.append(header, Style(font=BOLD, alignment=WRAP_TOP))
    mark = str(SUPPRESSED_MARK)
    for row in table.rows:
        figures: list[Any]
        if row.suppressed:
            figures = [mark] * 9
        else:
            figures = [
                row.month_value,
                row.month_base,
                row.month_growth,
                row.ytd_value,
                row.ytd_base,
                row.ytd_growth,
                str(NO_PRICE_INDEX) if row.no_price_index else row.ytd_comparable_growth,
                row.enterprises,
                row.estimated or None,
            ]
        sheet.append(
            [
                str(row.indicator.name),
                str(row.indicator.unit_label),
                *figures,
                row.source or str(row.indicator.source_label),
            ]
        )
    sheet.append([])
    notes = [_("Growth in per cent on the same months of the year before (同口径).")]
    notes.append(
        _("The product sales rate (产品销售率) is in per cent; its change in percentage points.")
    )
    if not table.published:
        notes.append(_("January is published together with February, as 1–2月."))
    if table.any_estimated:
        notes.append(
            _(
                "含估算: the figure includes estimates (估算) for enterprises that had not "
                "reported when the month was closed."
            )
        )
    if table.masked:
        notes.append(f"{mark}: {DEFAULT_RULE.description()}")
    for note in notes:
        sheet.append([note])
    return workbook.content()


class IndicatorCatalogueView(IndicatorView):
    template_name = "indicators/indicator_catalogue.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return TemplateResponse(
            request,
            self.template_name,
            {
                "catalogue": CATALOGUE,
                "returns_method": RETURNS_METHOD,
                "methods": METHODS,
                "rule_text": DEFAULT_RULE.description(),
            },
        )


class IndicatorDrillView(IndicatorView):
    """The enterprises that make one figure, with 拉动 and 贡献率: the statistics office only."""

    template_name = "indicators/indicator_drill.html"

    def get(
        self, request: AuthenticatedHttpRequest, code: str, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if not sees_everything(request.user):
            raise PermissionDenied(_("Enterprise figures are for the statistics office only."))
        drillable_indicator(code)
        month, chosen_slice, _latest = self.chosen()
        cumulative = request.GET.get("period") != "month"
        drill = indicator_contributions(
            user=request.user, month=month, slice=chosen_slice, code=code, cumulative=cumulative
        )
        base_query = query_string(month, chosen_slice)
        here = reverse("indicators:indicator-drill", args=[code])
        return TemplateResponse(
            request,
            self.template_name,
            {
                "drill": drill,
                "rows": [
                    {
                        "row": row,
                        "value": number_text(row.value),
                        "base": number_text(row.base),
                        "change": number_text(row.change),
                        "pull": decimal_text(row.pull_pp, 2),
                        "contribution": growth_text(row.contribution_pct),
                        "share": growth_text(row.share_pct),
                    }
                    for row in drill.rows
                ],
                "total": {
                    "value": number_text(drill.value),
                    "base": number_text(drill.base),
                    "growth": growth_text(drill.growth),
                    # The contributions add up to 100 % of a change, the shares to the value.
                    "contribution": "100.0" if drill.value != drill.base else EMPTY,
                    "share": "100.0" if drill.value else EMPTY,
                },
                "table_url": f"{reverse('indicators:indicator-table')}?{base_query}",
                "cumulative_url": f"{here}?{base_query}",
                "month_url": f"{here}?{query_string(month, chosen_slice, period='month')}",
                "monthly": month.month != 2,
            },
        )
