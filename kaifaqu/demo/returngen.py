"""The demo's monthly returns, generated from the parameters in `data/returns.json`.

Pure computation (no database): `generate_returns(params, rates)` gives one `GeneratedReturn` per
firm and month, deterministic for a given seed. Every amount is a Decimal in 万元 (electricity in
万千瓦时), computed to the 千元 of the national forms (one decimal of 万元).

Value added of the 2024 roster firms: gross output is scaled by one factor `k` (in Decimal) so that
Σ over the firms of their 2024 gross output × their division's value-added rate comes to the target
(256580 万元, the article's 25.658 亿元), then the gross output of one balancing firm in one month
(朔州示例杂粮加工, 2024-12, rate 0.2000) takes up the remainder left by rounding, which makes the total
exact: with rates of at most 3 significant decimals and amounts to 0.1 万元 every product has at most
4 decimals, and dividing the remainder by 0.2 keeps 4 decimals.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kaifaqu.core.lib.periods import Month

PARAMETERS = Path(__file__).resolve().parent / "data" / "returns.json"
TENTH = Decimal("0.1")
ZERO = Decimal("0")
ONE = Decimal("1")


class ReturnsDataError(ValueError):
    """The parameters cannot produce the demo's returns (unknown division, target missed…)."""


@dataclass(frozen=True)
class GeneratedReturn:
    uscc: str
    period: Month
    values: dict[str, Any]
    status: str = "accepted"
    explanation: str = ""
    division: str = ""


@dataclass
class Firm:
    uscc: str
    division: str
    base: Decimal
    growth: Decimal
    margin: Decimal
    export: Decimal
    employees: int
    season: list[Decimal]
    tax_factor: Decimal
    first: Month
    scaled: bool
    rng: random.Random = field(repr=False, default_factory=random.Random)


def read_parameters(path: Path = PARAMETERS) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle, parse_float=Decimal)
    return data


def generate_returns(
    params: Mapping[str, Any],
    divisions: Mapping[str, str],
    rates: Mapping[str, Decimal],
) -> list[GeneratedReturn]:
    """The returns of the article's months (`params["months"]`), in firm and month order.

    divisions: the 2-digit division of each firm by USCC; rates: the value-added rate of each
    division in the year of `params["value_added"]["year"]`.
    """
    return generate_base(params, divisions, rates)[0]


def generate_base(
    params: Mapping[str, Any],
    divisions: Mapping[str, str],
    rates: Mapping[str, Decimal],
) -> tuple[list[GeneratedReturn], Decimal]:
    """`generate_returns` and the scale factor of the roster firms' gross output, which the
    later months (`months.py`) apply too, so that they go on from the same level."""
    first, last = (Month.parse(params["months"][key]) for key in ("from", "to"))
    seasons = {name: normalised(factors) for name, factors in params["seasons"].items()}
    firms = [
        make_firm(row, divisions, seasons, params["seed"], first, scaled=True)
        for row in params["firms"]
    ] + [
        make_firm(row, divisions, seasons, params["seed"], Month.parse(row["from"]), scaled=False)
        for row in params["candidates"]
    ]
    months = _months(first, last)
    # Unscaled gross output first: the scale factor depends on all of it.
    raw = {(f.uscc, m): _raw_output(f, m, first) for f in firms for m in months if m >= f.first}
    target = params["value_added"]
    year = int(target["year"])
    k = _scale(firms, raw, rates, year, Decimal(target["target"]))
    scaled = {f.uscc for f in firms if f.scaled}
    outputs = {
        key: (value * k if key[0] in scaled else value).quantize(TENTH)
        for key, value in raw.items()
    }
    _balance(outputs, firms, rates, year, target)
    industries = params["industries"]
    rows = [
        GeneratedReturn(
            uscc=f.uscc,
            period=m,
            values=figures(f, outputs[(f.uscc, m)], industries[f.division]),
            division=f.division,
        )
        for f in firms
        for m in months
        if m >= f.first
    ]
    return _apply_cases(rows, params.get("cases", [])), k


def value_added_total(
    rows: Sequence[GeneratedReturn], rates: Mapping[str, Decimal], usccs: set[str], year: int
) -> Decimal:
    """Σ gross output × rate over the given firms' returns of the year (exact, not rounded)."""
    return sum(
        (
            row.values["gross_output"] * rates[row.division]
            for row in rows
            if row.uscc in usccs and row.period.year == year
        ),
        ZERO,
    )


def normalised(factors: Sequence[Any]) -> list[Decimal]:
    values = [Decimal(str(v)) for v in factors]
    if len(values) != 12:
        raise ReturnsDataError("a season has 12 monthly factors")
    mean = sum(values, ZERO) / 12
    return [v / mean for v in values]


def make_firm(
    row: Mapping[str, Any],
    divisions: Mapping[str, str],
    seasons: Mapping[str, list[Decimal]],
    seed: str,
    first: Month,
    *,
    scaled: bool,
) -> Firm:
    uscc = row["uscc"]
    if uscc not in divisions:
        raise ReturnsDataError(f"{uscc}: no industry for this USCC")
    return Firm(
        uscc=uscc,
        division=divisions[uscc],
        base=Decimal(row["base"]),
        growth=Decimal(row["growth"]),
        margin=Decimal(row["margin"]),
        export=Decimal(row["export"]),
        employees=int(row["employees"]),
        season=seasons[row["season"]],
        tax_factor=Decimal(row.get("tax_factor", "1")),
        first=first,
        scaled=scaled,
        # A string seed is hashed the same way on every platform and Python run.
        rng=random.Random(f"{seed}:{uscc}"),
    )


def _months(first: Month, last: Month) -> list[Month]:
    months = [first]
    while months[-1] < last:
        months.append(months[-1].shift(1))
    return months


def _firm_of(firms: Sequence[Firm], uscc: str) -> Firm:
    return next(f for f in firms if f.uscc == uscc)


def jitter(rng: random.Random, per_mille: int) -> Decimal:
    """1 ± up to per_mille thousandths, from integers only (no floats)."""
    return ONE + Decimal(rng.randint(-per_mille, per_mille)) / 1000


def _raw_output(firm: Firm, month: Month, start: Month) -> Decimal:
    elapsed = (month.year - start.year) * 12 + month.month - start.month
    trend = ONE + firm.growth * elapsed / 12
    return firm.base * firm.season[month.month - 1] * trend * jitter(firm.rng, 40)


def _scale(
    firms: Sequence[Firm],
    raw: Mapping[tuple[str, Month], Decimal],
    rates: Mapping[str, Decimal],
    year: int,
    target: Decimal,
) -> Decimal:
    divisions = {f.uscc: f.division for f in firms if f.scaled}
    total = sum(
        (
            value * rates[divisions[uscc]]
            for (uscc, m), value in raw.items()
            if uscc in divisions and m.year == year
        ),
        ZERO,
    )
    return target / total


def _balance(
    outputs: dict[tuple[str, Month], Decimal],
    firms: Sequence[Firm],
    rates: Mapping[str, Decimal],
    year: int,
    target: Mapping[str, Any],
) -> None:
    key = (target["balancing_firm"], Month.parse(target["balancing_month"]))
    division = _firm_of(firms, key[0]).division
    divisions = {f.uscc: f.division for f in firms if f.scaled}
    others = sum(
        (
            value * rates[divisions[uscc]]
            for (uscc, m), value in outputs.items()
            if uscc in divisions and m.year == year and (uscc, m) != key
        ),
        ZERO,
    )
    balanced = (Decimal(target["target"]) - others) / rates[division]
    if balanced != balanced.quantize(Decimal("0.0001")) or abs(
        balanced / outputs[key] - 1
    ) > Decimal("0.05"):
        raise ReturnsDataError(f"the balancing month cannot take up {balanced - outputs[key]}")
    outputs[key] = balanced


def figures(firm: Firm, gross: Decimal, industry: Mapping[str, Any]) -> dict[str, Any]:
    rng = firm.rng
    sales = gross * (ONE - Decimal(rng.randint(0, 45)) / 1000)
    revenue = sales * (ONE + Decimal(rng.randint(0, 30)) / 1000)
    margin = firm.margin + Decimal(rng.randint(-15, 15)) / 1000
    vat = revenue * Decimal(industry["vat"]) * firm.tax_factor * jitter(rng, 80)
    surcharge = revenue * Decimal(industry["surcharge"]) * firm.tax_factor * jitter(rng, 80)
    per_kwh = Decimal(industry["output_per_kwh"]) * jitter(rng, 50)
    return {
        "gross_output": gross,
        "sales_output": sales.quantize(TENTH),
        "export_delivery": (sales * firm.export * jitter(rng, 100)).quantize(TENTH),
        "revenue": revenue.quantize(TENTH),
        "total_profit": (revenue * margin).quantize(TENTH),
        "vat_payable": vat.quantize(TENTH),
        # 税金总额: VAT payable plus the taxes and surcharges levied with it.
        "taxes": (vat + surcharge).quantize(TENTH),
        "electricity": (gross / per_kwh).quantize(TENTH),
        "employees": firm.employees + rng.randint(-3, 3),
    }


def _apply_cases(
    rows: list[GeneratedReturn], cases: Sequence[Mapping[str, Any]]
) -> list[GeneratedReturn]:
    """Returns typed in `cases` (those that trip a review rule) replace or join the generated."""
    by_key = {(row.uscc, row.period): index for index, row in enumerate(rows)}
    for case in cases:
        key = (case["uscc"], Month.parse(case["period"]))
        values = {
            name: (value if name == "employees" else Decimal(str(value)))
            for name, value in case["values"].items()
        }
        index = by_key.get(key)
        base = rows[index] if index is not None else None
        row = GeneratedReturn(
            uscc=key[0],
            period=key[1],
            values={**(base.values if base else {}), **values},
            status=case["status"],
            explanation=case.get("explanation", ""),
            division=base.division if base else "",
        )
        if index is None:
            by_key[key] = len(rows)
            rows.append(row)
        else:
            rows[index] = row
    return rows
