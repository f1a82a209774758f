"""The columns of a file of value-added rates and of a file of price indexes (PPI)."""

from __future__ import annotations

from kaifaqu.core.imports.headers import FormSpec

PROVINCE = "province"
DIVISION = "division"
YEAR = "year"
RATE = "rate"
PERIOD = "period"
VALUE = "value"
SOURCE = "source"
NOTE = "note"

_PROVINCE = ("省份", "省份代码", "省", "地区", "行政区划代码")
_DIVISION = ("行业代码", "行业大类代码", "国民经济行业代码", "行业大类", "行业")
_SOURCE = ("来源", "数据来源", "资料来源")
_NOTE = ("备注", "说明")

# Nothing is money: every column is a key, read one cell at a time (`core.imports.values`).
RATES = FormSpec(
    fields={},
    keys={
        PROVINCE: _PROVINCE,
        DIVISION: _DIVISION,
        YEAR: ("年份", "年度", "年"),
        RATE: ("增加值率", "工业增加值率", "增加值率(小数)"),
        SOURCE: _SOURCE,
        NOTE: _NOTE,
    },
    money=frozenset(),
    required=(DIVISION, YEAR, RATE, SOURCE),
)
PRICE_INDEXES = FormSpec(
    fields={},
    keys={
        PROVINCE: _PROVINCE,
        PERIOD: ("月份", "时间", "期别", "年月"),
        DIVISION: _DIVISION,
        VALUE: (
            "指数(上年同月=100)",
            "工业生产者出厂价格指数",
            "出厂价格指数",
            "价格指数",
            "指数",
            "PPI",
        ),
        SOURCE: _SOURCE,
        NOTE: _NOTE,
    },
    money=frozenset(),
    required=(PERIOD, VALUE, SOURCE),
)


def _headers(spec: FormSpec, order: tuple[str, ...]) -> list[str]:
    return [spec.title(target) for target in order]


RATES_TEMPLATE_ORDER = (PROVINCE, DIVISION, YEAR, RATE, SOURCE, NOTE)
PRICE_INDEX_TEMPLATE_ORDER = (PROVINCE, PERIOD, DIVISION, VALUE, SOURCE, NOTE)


def rates_headers() -> list[str]:
    return _headers(RATES, RATES_TEMPLATE_ORDER)


def price_index_headers() -> list[str]:
    return _headers(PRICE_INDEXES, PRICE_INDEX_TEMPLATE_ORDER)
