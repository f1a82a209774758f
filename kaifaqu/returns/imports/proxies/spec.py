"""The tax bureau's and the grid's monthly lists: their headers, and the downloadable template.

One row per enterprise and month, found by its 统一社会信用代码 (the tax bureau's 纳税人识别号 is
the same code) and 报告期 (所属期); 应纳税额 in money, 用电量 in 万千瓦时, either or both; 来源
optional. Units come from the import form or a header suffix, as for returns.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaifaqu.core.imports.headers import NAME, PERIOD, USCC, FormSpec
from kaifaqu.core.imports.template import ImportTemplate
from kaifaqu.returns.models import ProxyKind

SOURCE = "source"

# Figures are named by their ProxyKind value: the column fills the figure of that kind.
PROXIES = FormSpec(
    fields={
        ProxyKind.TAX.value: ("应纳税额", "应纳税额合计", "应纳税总额", "纳税额", "税额"),
        ProxyKind.ELECTRICITY.value: ("用电量", "工业用电量", "月用电量", "用电量合计"),
    },
    keys={
        USCC: ("统一社会信用代码", "社会信用代码", "信用代码", "纳税人识别号"),
        NAME: ("单位名称", "单位详细名称", "企业名称", "纳税人名称", "户名"),
        PERIOD: ("报告期", "所属期", "税款所属期", "所属月份", "用电月份", "统计期", "期别"),
        SOURCE: ("来源", "数据来源"),
    },
    money=frozenset({ProxyKind.TAX.value}),
    electricity=frozenset({ProxyKind.ELECTRICITY.value}),
)
# Largest value in whole yuan or kWh: ProxyFigure.value has 16 digits, 4 of them decimals.
LIMIT = {kind: 10**16 - 1 for kind in PROXIES.fields}
SOURCE_LENGTH = 200


def template_headers() -> list[str]:
    # The figures' headers name their unit, as the returns' template's do.
    units = {ProxyKind.TAX.value: "(万元)", ProxyKind.ELECTRICITY.value: "(万千瓦时)"}
    return [
        PROXIES.title(target) + units.get(target, "")
        for target in (USCC, NAME, PERIOD, *PROXIES.fields, SOURCE)
    ]


TEMPLATE = ImportTemplate(
    filename="proxy-figures-template.xlsx",
    sheet="税电数据",
    headers=template_headers,
    notes=(
        _(
            "Each figure's header names its unit: 应纳税额(万元), 用电量(万千瓦时). Figures in "
            "元, 千元 or 亿元, or in 千瓦时: change the header, e.g. 应纳税额(元) or "
            "用电量(千瓦时); the unit in a header wins over the one chosen on the import form."
        ),
        _(
            "报告期 may be written 2025-03, 2025年3月, 202503, as a date, or as 2025-03-01至2025-03-31."
        ),
        _("Fill in 应纳税额, 用电量 or both; 来源 may be left empty."),
        _("One row per enterprise and month; the enterprise is found by its 统一社会信用代码."),
    ),
)
