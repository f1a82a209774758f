"""The columns of a roster (名录) file and its downloadable template."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaifaqu.core.imports.headers import NAME, USCC, FormSpec
from kaifaqu.core.imports.template import ImportTemplate

YEAR = "year"
CATEGORY = "category"
ENTRY_KIND = "entry_kind"
ENTERED_ON = "entered_on"
EXITED_ON = "exited_on"
EXIT_REASON = "exit_reason"

# The template's header first, then the names other offices' lists use.
ROSTERS = FormSpec(
    fields={},
    keys={
        USCC: ("统一社会信用代码", "社会信用代码", "信用代码"),
        NAME: ("单位详细名称", "单位名称", "企业名称"),
        YEAR: ("名录年份", "年份", "年度", "名录年度"),
        CATEGORY: ("名录类别", "类别", "专业", "行业类别"),
        ENTRY_KIND: ("入库方式", "入库类型", "入库类别"),
        ENTERED_ON: ("入库日期", "入库时间"),
        EXITED_ON: ("退库日期", "退出日期", "出库日期", "退库时间"),
        EXIT_REASON: ("退库原因", "退出原因", "出库原因"),
    },
    money=frozenset(),
    required=(USCC, YEAR, CATEGORY),
)


def template_headers() -> list[str]:
    return [
        ROSTERS.title(key)
        for key in (USCC, NAME, YEAR, CATEGORY, ENTRY_KIND, ENTERED_ON, EXITED_ON, EXIT_REASON)
    ]


TEMPLATE = ImportTemplate(
    filename="roster-template.xlsx",
    sheet="名录",
    headers=template_headers,
    notes=(
        _(
            "One row per enterprise, year and category; the enterprise is found by its "
            "统一社会信用代码 and must be registered on the platform. 单位详细名称 may be left "
            "empty; when given it must be the enterprise's registered name."
        ),
        _(
            "名录类别: 规上工业, 限上批发, 限上零售, 限上住宿, 限上餐饮, 有资质建筑业, 房地产开发经营, "
            "规上服务业 (or the codes industry, wholesale, retail, accommodation, catering, "
            "construction, real_estate, services)."
        ),
        _(
            "入库方式: 年度 (annual, the default) or 新开业月度入库 (monthly, newly commissioned: "
            "give 入库日期)."
        ),
        _(
            "Dates may be written 2025-03-15, 2025/3/15 or 2025年3月15日. A 退库日期 needs a "
            "退库原因."
        ),
        _(
            "All or nothing: a file with any error writes nothing. An entry already on the "
            "roster takes the file's kind, dates and exit; importing the same file again "
            "changes nothing."
        ),
    ),
)
