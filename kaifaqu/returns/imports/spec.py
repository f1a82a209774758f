"""The columns of a month of returns: the national forms' names first (the template's headers),
then aliases seen in files from other offices."""

from __future__ import annotations

from kaifaqu.core.imports.headers import NAME, PERIOD, USCC, FormSpec

FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "gross_output": ("工业总产值(当年价格)", "工业总产值", "工业总产值(现价)"),
    "sales_output": ("工业销售产值", "工业销售产值(当年价格)"),
    "export_delivery": ("出口交货值",),
    "revenue": ("营业收入", "主营业务收入"),
    "total_profit": ("利润总额",),
    "vat_payable": ("应交增值税", "本年应交增值税"),
    "taxes": ("税金总额", "税金", "税金及附加"),
    "electricity": ("用电量", "工业用电量"),
    "employees": ("从业人员期末人数", "从业人员", "期末从业人员"),
}
KEY_HEADERS: dict[str, tuple[str, ...]] = {
    USCC: ("统一社会信用代码", "社会信用代码", "信用代码"),
    NAME: ("单位详细名称", "单位名称", "企业名称"),
    PERIOD: ("报告期", "统计期", "报告期别", "期别"),
}
CUMULATIVE_SUFFIX = "1-本月累计"
# Fields whose unit is money; electricity is in 万千瓦时, employees a head count.
MONEY_FIELDS = frozenset(FIELD_HEADERS) - {"electricity", "employees"}
# The name of the template's header of a field, used in messages.
FIELD_TITLE = {field: names[0] for field, names in FIELD_HEADERS.items()}
KEY_TITLE = {key: names[0] for key, names in KEY_HEADERS.items()}

RETURNS = FormSpec(
    fields=FIELD_HEADERS,
    keys=KEY_HEADERS,
    money=MONEY_FIELDS,
    electricity=frozenset({"electricity"}),
    cumulative=frozenset(FIELD_HEADERS) - {"employees"},
    stocks=frozenset({"employees"}),
)
