"""贡献率 and 拉动 of an indicator by industry division and by park (a zone), or by zone (a
province or city): the page with its tabs and its Excel export, masked as the table is."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import AccessEventKind
from kaifaqu.accounts.services import access_event_record
from kaifaqu.core.exports import BOLD, TITLE, XLSX_TYPE, ExportWorkbook, Style
from kaifaqu.core.views.tables import decimal_text
from kaifaqu.indicators.disclosure import DEFAULT_RULE, SUPPRESSED_MARK
from kaifaqu.indicators.selectors.contributions import (
    PartContributions,
    breakdown_label,
    part_contributions,
)
from kaifaqu.indicators.views.table import IndicatorView, growth_text, number_text, query_string


def _chosen(view: IndicatorView, code: str) -> PartContributions:
    month, chosen_slice, _latest = view.chosen()
    return part_contributions(
        user=view.request.user,
        month=month,
        slice=chosen_slice,
        code=code,
        by=view.request.GET.get("by") or None,
    )


class IndicatorContributionsView(IndicatorView):
    template_name = "indicators/indicator_contributions.html"

    def get(
        self, request: AuthenticatedHttpRequest, code: str, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        parts = _chosen(self, code)
        query = query_string(parts.month, parts.slice)
        here = reverse("indicators:indicator-contributions", args=[code])
        export = reverse("indicators:indicator-contributions-export", args=[code])
        return TemplateResponse(
            request,
            self.template_name,
            {
                "parts": parts,
                "tabs": [
                    {
                        "by": by,
                        "label": breakdown_label(by),
                        "url": f"{here}?{query}&by={by}",
                        "active": by == parts.by,
                    }
                    for by in parts.breakdowns
                ],
                "rows": [
                    {
                        "row": row,
                        "value": number_text(row.value),
                        "base": number_text(row.base),
                        "change": number_text(row.change),
                        "growth": growth_text(row.growth),
                        "pull": decimal_text(row.pull_pp, 2),
                        "contribution": growth_text(row.contribution_pct),
                    }
                    for row in parts.rows
                ],
                "total": {
                    "value": number_text(parts.value),
                    "base": number_text(parts.base),
                    "change": number_text(parts.change),
                    "growth": growth_text(parts.growth),
                },
                "table_url": f"{reverse('indicators:indicator-table')}?{query}",
                "export_url": f"{export}?{query}&by={parts.by}",
                "mark": SUPPRESSED_MARK,
                "rule_text": DEFAULT_RULE.description(),
            },
        )


class IndicatorContributionsExportView(IndicatorView):
    """The contributions as an Excel workbook, masked as on the page; logged as an export."""

    def get(
        self, request: AuthenticatedHttpRequest, code: str, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        parts = _chosen(self, code)
        access_event_record(
            kind=AccessEventKind.EXPORT,
            request=request,
            user=request.user,  # type: ignore[arg-type]
            detail=f"indicator contributions {code} {parts.slice.token} {parts.by} {parts.month}",
        )
        response = HttpResponse(contributions_workbook(parts), content_type=XLSX_TYPE)
        slug = parts.slice.token.replace(":", "-")
        response["Content-Disposition"] = (
            f'attachment; filename="contributions-{code}-{slug}-{parts.by}-{parts.month}.xlsx"'
        )
        return response


def contributions_workbook(parts: PartContributions) -> bytes:
    """A title line, the header, the total, one row per part, the notes: numbers stay numbers."""
    workbook = ExportWorkbook()
    sheet = workbook.sheet(f"{parts.slice.label} {parts.month}")
    # The sheet streams: widths before the first row.
    sheet.widths({"A": 36, **dict.fromkeys("BCDEFGHI", 16)})
    sheet.append(
        [
            f"{parts.indicator.name} · {parts.slice.label} · {parts.month} · "
            f"{parts.period_label} · {parts.by_label}"
        ],
        Style(font=TITLE),
    )
    sheet.append(
        [
            _("Part"),
            parts.period_label,
            _("Same months last year"),
            _("Change"),
            _("Growth (%)"),
            _("Pull (拉动, pp)"),
            _("Contribution (贡献率, per cent)"),
            _("Enterprises"),
            _("Of them estimated (含估算)"),
        ],
        Style(font=BOLD),
    )
    mark = str(SUPPRESSED_MARK)
    if parts.total_suppressed:
        sheet.append([_("Total"), *([mark] * 8)])
    else:
        sheet.append(
            [
                _("Total"),
                parts.value,
                parts.base,
                parts.change,
                parts.growth,
                # The pulls add up to the growth, the contributions to 100.
                parts.growth,
                100 if parts.change else None,
                None,
                parts.estimated or None,
            ]
        )
    for row in parts.rows:
        if row.suppressed:
            sheet.append([row.label, *([mark] * 8)])
            continue
        sheet.append(
            [
                row.label,
                row.value,
                row.base,
                row.change,
                row.growth,
                row.pull_pp,
                row.contribution_pct,
                row.enterprises,
                row.estimated or None,
            ]
        )
    sheet.append([])
    sheet.append([f"{_('Unit')}: {parts.indicator.unit_label}"])
    sheet.append(
        [
            _(
                "Pull (拉动) = the part's change ÷ the total's figure of last year × 100; "
                "contribution (贡献率) = the part's change ÷ the total's change × 100."
            )
        ]
    )
    if parts.masked and (parts.any_suppressed or parts.total_suppressed):
        sheet.append([f"{mark}: {DEFAULT_RULE.description()}"])
    return workbook.content()
