"""The downloadable templates of value-added rates and price indexes, with their notes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaifaqu.core.imports.template import ImportTemplate
from kaifaqu.indicators.imports.spec import price_index_headers, rates_headers

_PROVINCE_NOTE = _(
    "省份: the province by its 6-digit code (140000) or name (山西省); left blank, your own "
    "zone's province. A statistician imports the rates and indexes of the zone's province only."
)
_ALL_OR_NOTHING = _(
    "All or nothing: when a row has an error nothing is written, and every error is listed with "
    "its row. A row for a province, division and year (or month) already entered replaces it."
)

RATES_TEMPLATE = ImportTemplate(
    filename="value-added-rates-template.xlsx",
    sheet="增加值率",
    headers=rates_headers,
    notes_sheet="填写说明",
    notes=(
        _("One row per industry division and year."),
        _PROVINCE_NOTE,
        _(
            "At the command line (kfq import without --as), a blank 省份 is the national "
            "reference shipped with the platform."
        ),
        _(
            "行业代码: a 2-digit GB/T 4754-2017 division of mining, manufacturing or utilities (06–46)."
        ),
        _("增加值率: a decimal between 0 and 1 (0.2850 = 28.50 %), or a percentage such as 28.5%."),
        _("来源 is required: where the rate comes from (e.g. 省统计局 2025年规上工业增加值率)."),
        _ALL_OR_NOTHING,
    ),
)
PRICE_INDEX_TEMPLATE = ImportTemplate(
    filename="price-indexes-template.xlsx",
    sheet="价格指数",
    headers=price_index_headers,
    notes_sheet="填写说明",
    notes=(
        _("One row per month and industry division (PPI, same month last year = 100)."),
        _PROVINCE_NOTE,
        _("月份: 2025-03 or 2025年3月."),
        _("行业代码: a 2-digit GB/T 4754-2017 division; blank for the index of all industry."),
        _("指数: e.g. 104.30 for prices 4.3 per cent above the same month of last year."),
        _("来源 is required: e.g. 省统计局月度统计快报."),
        _ALL_OR_NOTHING,
    ),
)
