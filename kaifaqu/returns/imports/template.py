"""The downloadable template of a month of returns: the national forms' headers, and the notes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaifaqu.core.imports.template import ImportTemplate
from kaifaqu.returns.imports.spec import CUMULATIVE_SUFFIX, FIELD_TITLE, KEY_TITLE
from kaifaqu.returns.models import MONTHLY_FIELDS


def _unit(field: str) -> str:
    """The unit the template writes in a figure's header: explicit, so that a file says what
    its numbers are (a clerk whose figures are in 千元 changes (万元) to (千元))."""
    if field == "employees":
        return "(人)"
    return "(万千瓦时)" if field == "electricity" else "(万元)"


def template_headers() -> list[str]:
    keys = [KEY_TITLE["uscc"], KEY_TITLE["name"], KEY_TITLE["period"]]
    months = [FIELD_TITLE[f] + _unit(f) for f in MONTHLY_FIELDS]
    cumulated = [
        FIELD_TITLE[f] + CUMULATIVE_SUFFIX + _unit(f) for f in MONTHLY_FIELDS if f != "employees"
    ]
    return keys + months + cumulated


TEMPLATE = ImportTemplate(
    filename="returns-template.xlsx",
    sheet="月度报表",
    headers=template_headers,
    notes=(
        _(
            "Each figure's header names its unit: (万元) as given. Figures in 元, 千元 or 亿元: "
            "change the header, e.g. 营业收入(千元) or 营业收入（元）; the unit in a header wins "
            "over the one chosen on the import form, which applies to headers without a unit."
        ),
        _(
            "用电量 is in 万千瓦时 (or 用电量(千瓦时)); 从业人员期末人数 is a head count (人) at "
            "the end of the month."
        ),
        _("报告期 may be written 2025-03, 2025年3月, 202503 or as a date."),
        _(
            "Give each figure for the month, or from January to the month (columns ending in 1-本月累计), or both."
        ),
        _("One row per enterprise and month; the enterprise is found by its 统一社会信用代码."),
    ),
)
