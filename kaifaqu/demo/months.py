"""The demo's returns after the article: every month up to today, generated month by month.

Pure computation (no database), like `returngen.py`, whose article months (2023-01 … 2024-12, with
the 2024 value added of the article) it continues: from `params["live"]["from"]` (2025-01) each
firm's month is drawn from its own generator seeded with the firm *and the month*, so a month's
figures never depend on which day the demo is loaded — a later day only adds months. The trend,
season and scale factor are those of the article's months, so the series goes on smoothly.

- `history(…, through=last month)`: every firm's accepted month (the roster firms, the
  candidates for 上规入统, firms that started later; none after a firm's exit);
- `current(…)`: the month open for reporting — a share of the firms has submitted, a few keep a
  draft, and the cases of `params["live"]["current"]["cases"]` each trip one review rule;
- `roster_years(…)`: who is on the 规上工业 roster of each year after the files' last roster: the
  year before's, less the firms that stopped, plus those whose revenue of the year before
  reached the threshold.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from kaifaqu.core.lib.periods import Month
from kaifaqu.demo.returngen import (
    ONE,
    TENTH,
    ZERO,
    Firm,
    GeneratedReturn,
    figures,
    generate_base,
    jitter,
    make_firm,
    normalised,
)

ACCEPTED, SUBMITTED, DRAFT, RETURNED = "accepted", "submitted", "draft", "returned"
REVENUE_THRESHOLD = Decimal("2000")  # 万元: 规上工业 (annual main-business revenue)
MONEY = (
    "gross_output",
    "sales_output",
    "export_delivery",
    "revenue",
    "total_profit",
    "vat_payable",
    "taxes",
    "electricity",
)


@dataclass(frozen=True)
class Living:
    """The firms of the living months and how to draw one of their months."""

    params: Mapping[str, Any]
    firms: dict[str, Firm]
    anchors: dict[str, Month]  # the month each firm's trend counts from
    first: dict[str, Month]  # each firm's first generated month
    last: dict[str, Month]  # the last month of firms that stopped
    steps: dict[str, list[tuple[Month, Decimal]]]
    scale: Decimal
    live_from: Month
    base_rows: list[GeneratedReturn]
    # The firm-months closed without a return (未报), recorded by the statistician instead.
    absent: frozenset[tuple[str, Month]] = frozenset()

    @property
    def seed(self) -> str:
        return str(self.params["seed"])

    def reports(self, uscc: str, month: Month) -> bool:
        return self.first[uscc] <= month and (uscc not in self.last or month <= self.last[uscc])

    def returns(self, uscc: str, month: Month) -> bool:
        """Whether the firm's return of the month reached the office (it reports and is not
        one of the months recorded 未报)."""
        return self.reports(uscc, month) and (uscc, month) not in self.absent

    def draw(self, uscc: str, month: Month) -> GeneratedReturn:
        """The firm's month, from its own generator for this month."""
        firm = replace(self.firms[uscc], rng=random.Random(f"{self.seed}:{uscc}:{month}"))
        anchor = self.anchors[uscc]
        elapsed = (month.year - anchor.year) * 12 + month.month - anchor.month
        trend = ONE + firm.growth * elapsed / 12
        step = ONE
        for since, factor in self.steps.get(uscc, []):
            if month >= since:
                step *= factor
        raw = firm.base * firm.season[month.month - 1] * trend * step * jitter(firm.rng, 40)
        gross = (raw * self.scale if firm.scaled else raw).quantize(TENTH)
        industry = self.params["industries"][firm.division]
        return GeneratedReturn(
            uscc=uscc,
            period=month,
            values=figures(firm, gross, industry),
            division=firm.division,
        )


def living(
    params: Mapping[str, Any], divisions: Mapping[str, str], rates: Mapping[str, Decimal]
) -> Living:
    live = params["live"]
    base_rows, scale = generate_base(params, divisions, rates)
    seasons = {name: normalised(factors) for name, factors in params["seasons"].items()}
    start = Month.parse(params["months"]["from"])
    live_from = Month.parse(live["from"])
    firms: dict[str, Firm] = {}
    anchors: dict[str, Month] = {}
    first: dict[str, Month] = {}
    steps: dict[str, list[tuple[Month, Decimal]]] = {}
    groups = (
        (params["firms"], True, False),
        (params["candidates"], False, False),
        (live.get("later_firms", []), False, True),
    )
    for rows, scaled, later in groups:
        for row in rows:
            own = Month.parse(row["from"]) if "from" in row else start
            firms[row["uscc"]] = make_firm(
                row, divisions, seasons, params["seed"], own, scaled=scaled
            )
            anchors[row["uscc"]] = own if later else start
            first[row["uscc"]] = max(own, live_from)
            steps[row["uscc"]] = [
                (Month.parse(step["from"]), Decimal(step["factor"]))
                for step in row.get("steps", [])
            ]
    last = {row["uscc"]: Month.parse(row["last_month"]) for row in live.get("exits", [])}
    absent = frozenset(
        (row["uscc"], Month.parse(row["month"])) for row in live.get("non_responses", [])
    )
    return Living(params, firms, anchors, first, last, steps, scale, live_from, base_rows, absent)


def history(world: Living, *, through: Month) -> list[GeneratedReturn]:
    """Every accepted month up to `through`: the article's, then the generated ones (a month
    typed in `cases` takes the place of the generated one)."""
    rows = [row for row in world.base_rows if row.period < world.live_from]
    typed = {
        (row.uscc, row.period): row
        for row in world.base_rows
        if world.live_from <= row.period <= through and (row.uscc, row.period) not in world.absent
    }
    rows.extend(typed.values())
    for uscc in world.firms:
        for month in _months(world.live_from, through):
            if world.returns(uscc, month) and (uscc, month) not in typed:
                rows.append(world.draw(uscc, month))
    return rows


def roster_years(
    world: Living,
    rows: Iterable[GeneratedReturn],
    known: Mapping[int, set[str]],
    *,
    through: int,
) -> dict[int, set[str]]:
    """The roster of every year after the last one `known` (year → USCCs) up to `through`:
    the year before's without the firms that stopped in it, with every firm whose revenue in
    the year before reached the threshold."""
    revenue: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        revenue[(row.uscc, row.period.year)] += row.values.get("revenue") or ZERO
    rosters = {year: set(usccs) for year, usccs in known.items()}
    year = max(rosters)
    while year < through:
        year += 1
        before = rosters[year - 1]
        stayed = {u for u in before if u not in world.last or world.last[u].year >= year}
        entered = {
            u
            for u in world.firms
            if u not in before
            and world.reports(u, Month(year, 1))
            and revenue[(u, year - 1)] >= REVENUE_THRESHOLD
        }
        rosters[year] = stayed | entered
    return rosters


def current(
    world: Living,
    rows: Sequence[GeneratedReturn],
    roster: set[str],
    *,
    month: Month,
) -> tuple[list[GeneratedReturn], list[GeneratedReturn]]:
    """The returns of the month open for reporting, and the months before it that its cases
    change (accepted, with the firm's explanation). Every roster firm and candidate that reports
    this month is ranked by a hash of the seed, its USCC and the month: the first share submits,
    the next keeps a draft; the cases replace or add theirs."""
    spec = world.params["live"]["current"]
    by_key = {(row.uscc, row.period): row for row in rows}
    cases = {case["uscc"]: case for case in spec["cases"]}
    reporting = sorted(
        (u for u in roster if world.reports(u, month) and u not in cases),
        key=lambda u: _hash(world.seed, u, month),
    )
    # The industry rule needs the case firm's peers of the month: its division reports fully.
    divisions = {
        world.firms[c["uscc"]].division
        for c in spec["cases"]
        if c["recipe"] == "tax_per_output_industry"
    }
    submitted_n = round(len(reporting) * Decimal(spec["submitted_share"]))
    draft_n = round(len(reporting) * Decimal(spec["draft_share"]))
    out: list[GeneratedReturn] = []
    for index, uscc in enumerate(reporting):
        if index < submitted_n or world.firms[uscc].division in divisions:
            out.append(replace(world.draw(uscc, month), status=SUBMITTED))
        elif index < submitted_n + draft_n:
            out.append(replace(world.draw(uscc, month), status=DRAFT))
    before: list[GeneratedReturn] = []
    for case in spec["cases"]:
        uscc = case["uscc"]
        if not world.reports(uscc, month):
            continue
        made = _case(world, case, month, by_key, roster)
        if made is not None:
            out.append(made[0])
            before.extend(made[1])
    return out, before


def _case(
    world: Living,
    case: Mapping[str, Any],
    month: Month,
    by_key: Mapping[tuple[str, Month], GeneratedReturn],
    roster: set[str],
) -> tuple[GeneratedReturn, list[GeneratedReturn]] | None:
    uscc, recipe, status = case["uscc"], case["recipe"], case["status"]
    drawn = replace(world.draw(uscc, month), status=status)
    values = dict(drawn.values)
    earlier: list[GeneratedReturn] = []
    if recipe == "month_on_month_swing":
        # Last month dipped (accepted, explained) so that this ordinary month is `rise` times
        # it: the swing is against last month only, not against the same month last year.
        previous = by_key[(uscc, month.shift(-1))]
        factor = values["gross_output"] / (Decimal(case["rise"]) * previous.values["gross_output"])
        dipped = _scaled(previous.values, factor)
        earlier.append(replace(previous, values=dipped, explanation=case["explanation_before"]))
    elif recipe == "year_on_year_swing":
        # A new line: the two months before (accepted, explained) and this one well above
        # the same months of last year, level with each other.
        factor = Decimal(case["factor"])
        for back in (2, 1):
            row = by_key[(uscc, month.shift(-back))]
            earlier.append(
                replace(
                    row,
                    values=_scaled(row.values, factor),
                    explanation=case["explanation_before"],
                )
            )
        values = _scaled(values, factor)
    elif recipe == "output_per_kwh_own":
        # The meter read a fraction of the month's power (a mistyped unit, a missed meter).
        values["electricity"] = (values["electricity"] / Decimal(case["factor"])).quantize(TENTH)
    elif recipe == "tax_per_output_industry":
        pass  # its VAT is refunded (即征即退): its own month is far below its industry
    elif recipe == "newly_above_threshold":
        if uscc in roster:
            return None
        eleven = sum(
            (
                by_key[(uscc, month.shift(-back))].values["revenue"]
                for back in range(1, 12)
                if (uscc, month.shift(-back)) in by_key
            ),
            ZERO,
        )
        needed = REVENUE_THRESHOLD - eleven
        if values["revenue"] < needed:
            values = _scaled(values, (needed + 15) / values["revenue"])
    elif recipe == "sales_above_output":
        values["sales_output"] = (values["gross_output"] * Decimal(case["factor"])).quantize(TENTH)
    elif recipe == "negative_value":
        # A refund typed as a negative payable.
        values["vat_payable"] = -values["vat_payable"].quantize(TENTH)
    elif recipe != "sent_back":
        raise ValueError(f"unknown recipe {recipe!r}")
    return replace(drawn, values=values, explanation=case.get("explanation", "")), earlier


def _scaled(values: Mapping[str, Any], factor: Decimal) -> dict[str, Any]:
    return {
        name: (value * factor).quantize(TENTH) if name in MONEY else value
        for name, value in values.items()
    }


def _hash(seed: str, uscc: str, month: Month) -> str:
    return hashlib.sha256(f"{seed}:{uscc}:{month}:current".encode()).hexdigest()


def _months(first: Month, last: Month) -> list[Month]:
    months: list[Month] = []
    month = first
    while month <= last:
        months.append(month)
        month = month.shift(1)
    return months
