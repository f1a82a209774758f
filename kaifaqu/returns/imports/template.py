"""The downloadable template of a month of returns: the national forms' headers, and the notes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaifaqu.core.imports.template import ImportTemplate
from kaifaqu.returns.imports.spec import CUMULATIVE_SUFFIX, FIELD_TITLE, KEY_TITLE
from kaifaqu.returns.models import MONTHLY_FIELDS


def template_headers() -> list[str]:
    keys = [KEY_TITLE["uscc"], KEY_TITLE["name"], KEY_TITLE["period"]]
    months = [FIELD_TITLE[f] for f in MONTHLY_FIELDS]
    cumulated = [FIELD_TITLE[f] + CUMULATIVE_SUFFIX for f in MONTHLY_FIELDS if f != "employees"]
    return keys + months + cumulated


TEMPLATE = ImportTemplate(
    filename="returns-template.xlsx",
    sheet="月度报表",
    headers=template_headers,
    notes=(
        _(
            "Money is in 千元 (thousand yuan) unless the import form or a column header says otherwise, e.g. 营业收入(万元)."
        ),
        _("用电量 is in 万千瓦时; 从业人员期末人数 is a head count at the end of the month."),
        _("报告期 may be written 2025-03, 2025年3月, 202503 or as a date."),
        _(
            "Give each figure for the month, or from January to the month (columns ending in 1-本月累计), or both."
        ),
        _("One row per enterprise and month; the enterprise is found by its 统一社会信用代码."),
    ),
)
