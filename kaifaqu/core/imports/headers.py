"""Tolerant matching of the column headers of an imported file to the fields it fills.

Files from other offices differ: spaces, full-width brackets and dashes, a unit suffix such as
(千元) or (万千瓦时), the column order. A header is reduced to a key (NFKC, no spaces, one kind of
dash, unit suffix removed) and looked up among the names of a `FormSpec`, which each kind of
file declares (the returns' national forms, the tax bureau's list, a project ledger…).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kaifaqu.core.lib.money import MoneyUnit

# The usual key columns of a file of enterprises' monthly figures.
USCC = "uscc"
NAME = "name"
PERIOD = "period"

_MONEY_SUFFIX = {
    "元": MoneyUnit.YUAN,
    "千元": MoneyUnit.THOUSAND,
    "万元": MoneyUnit.WAN,
    "亿元": MoneyUnit.YI,
}
# How many kWh one unit is; the stored unit is 万千瓦时.
ELECTRICITY_SUFFIX = {"万千瓦时": 10_000, "万kwh": 10_000, "千瓦时": 1, "kwh": 1, "度": 1}
_OTHER_SUFFIX = {"人", "个"}
_UNIT = re.compile(r"\(([^()]*)\)$")
_DASHES = re.compile(r"[‐‑‒–—―−~～至]")
_CUMULATIVE = re.compile(r"(1-本月累计数?|1-本月|本年累计数?|累计数?|本年1-本月累计)$")
_MONTH = re.compile(r"(本月数?|当月数?)$")


def header_key(text: object) -> str:
    """A header reduced for comparison: NFKC, no whitespace, one dash, lower case."""
    key = unicodedata.normalize("NFKC", str(text or ""))
    key = "".join(key.split())
    key = key.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    return _DASHES.sub("-", key).lower()


MONEY = "money"
ELECTRICITY = "electricity"
COUNT = "count"


@dataclass(frozen=True, eq=False)
class FormSpec:
    """One kind of file: the figures its columns give, its key columns, and how to read them.

    `fields` and `keys` name each target's headers, the template's (and messages') name first.
    A figure is money (unit declared on the form or in the header), electricity (万千瓦时 unless
    the header says kWh) or a count. `cumulative` figures may come as 1–本月累计 columns;
    `stocks` are end-of-month figures for which a 累计 suffix means nothing (read as the month);
    any other figure with a 累计 header is not recognised rather than misread as the month.
    """

    fields: dict[str, tuple[str, ...]]
    keys: dict[str, tuple[str, ...]]
    money: frozenset[str]
    electricity: frozenset[str] = frozenset()
    cumulative: frozenset[str] = frozenset()
    stocks: frozenset[str] = frozenset()
    required: tuple[str, ...] = (USCC, PERIOD)
    lookup: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        lookup = {}
        for target, names in (*self.fields.items(), *self.keys.items()):
            for name in names:
                lookup[header_key(name)] = target
        object.__setattr__(self, "lookup", lookup)

    @property
    def anchor(self) -> str:
        """The key whose header marks the header row (the first required one)."""
        return self.required[0]

    def title(self, target: str) -> str:
        """The header a target is known by (the template's)."""
        names = self.fields.get(target) or self.keys.get(target)
        return names[0] if names else target

    def measure(self, target: str) -> str:
        if target in self.money:
            return MONEY
        return ELECTRICITY if target in self.electricity else COUNT


@dataclass(frozen=True)
class MatchedColumn:
    index: int
    header: str
    target: str  # a key (uscc, name, period…) or a figure of the spec
    cumulative: bool = False
    money_unit: MoneyUnit | None = None  # declared by the header's suffix
    kwh_per_unit: int | None = None  # electricity declared in kWh or 万kWh
    measure: str = ""  # MONEY, ELECTRICITY or COUNT for a figure; empty for a key


def match_header(index: int, text: object, spec: FormSpec) -> MatchedColumn | None:
    """The column a header names, or None for a column to ignore."""
    key = header_key(text)
    if not key:
        return None
    money: MoneyUnit | None = None
    kwh: int | None = None
    cumulative = False
    # Units and the cumulative suffix come in either order: 产值(千元)1-本月累计 or 产值1-本月累计(千元).
    for _ in range(3):
        unit = _UNIT.search(key)
        if unit and unit.group(1) in {*_MONEY_SUFFIX, *ELECTRICITY_SUFFIX, *_OTHER_SUFFIX}:
            money = _MONEY_SUFFIX.get(unit.group(1), money)
            kwh = ELECTRICITY_SUFFIX.get(unit.group(1), kwh)
            key = key[: unit.start()]
            continue
        found = _CUMULATIVE.search(key)
        if found and key[: found.start()]:
            cumulative = True
            key = key[: found.start()]
            continue
        month = _MONTH.search(key)
        if month and key[: month.start()]:
            key = key[: month.start()]
            continue
        break
    target = spec.lookup.get(key)
    if target is None:
        return None
    if target not in spec.fields:
        return MatchedColumn(index=index, header=str(text), target=target)
    if cumulative and target not in spec.cumulative and target not in spec.stocks:
        return None
    measure = spec.measure(target)
    return MatchedColumn(
        index=index,
        header=str(text),
        target=target,
        cumulative=cumulative and target in spec.cumulative,
        money_unit=money if measure == MONEY else None,
        kwh_per_unit=kwh if measure == ELECTRICITY else None,
        measure=measure,
    )
