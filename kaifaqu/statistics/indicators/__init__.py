"""Indicators (指标): the catalogue with each indicator's method, and the engine computing them.

`catalogue.CATALOGUE` lists the indicators; `engine.indicator_table(facts, month)` computes every
slice of a month from `Facts` (pure polars); `facts.load_facts(...)` reads the facts from the
database (imported from its module: the engine and catalogue need no database).
"""

from kaifaqu.statistics.indicators.catalogue import BY_CODE, CATALOGUE, Indicator
from kaifaqu.statistics.indicators.engine import (
    SLICE_KINDS,
    Facts,
    contributions,
    indicator_table,
    is_published,
    ratio_table,
    with_growth,
)

__all__ = [
    "BY_CODE",
    "CATALOGUE",
    "SLICE_KINDS",
    "Facts",
    "Indicator",
    "contributions",
    "indicator_table",
    "is_published",
    "ratio_table",
    "with_growth",
]
