"""The indicator catalogue (指标目录): every indicator the platform shows, with its method (口径).

One registry, `CATALOGUE`, in the order pages list the indicators. An indicator either comes from
the monthly returns of the enterprises on the year's 规上工业 roster (source `RETURNS`, computed by
`engine.indicator_table`) or is a zone figure another office publishes (source `ENTERED`, a
`statistics.ReportedFigure` whose `indicator` is the code).

Kinds of returns indicator:
- `FLOW`: the months are added up for 1–N月 (output, revenue, profit, taxes, electricity);
- `STOCK`: a month-end count; 1–N月 is the value of the last month (employees);
- `VALUE_ADDED`: gross output × the division's value-added rate, a flow;
- `RATIO`: one flow over another × 100, never added across cells (产品销售率).

Adding an indicator is a change to this file (and, for a new Return field, to the engine's frames).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RETURNS = "returns"
ENTERED = "entered"

FLOW = "flow"
STOCK = "stock"
VALUE_ADDED = "value_added"
RATIO = "ratio"

# Units of the figures as the engine carries them (whole units, exact Int64), and how they are
# shown: money and electricity in 万 of the unit, persons as counted.
YUAN = "yuan"
KWH = "kwh"
PERSONS = "persons"
PERCENT = "percent"

UNIT_LABELS: dict[str, StrOrPromise] = {
    YUAN: _("10,000 yuan (万元)"),
    KWH: _("10,000 kWh (万千瓦时)"),
    PERSONS: _("persons (人)"),
    PERCENT: "%",
}
# Divide the engine's whole units by this to show them in the unit label's unit.
DISPLAY_SCALE: dict[str, int] = {YUAN: 10_000, KWH: 10_000, PERSONS: 1, PERCENT: 1}

SOURCE_LABELS: dict[str, StrOrPromise] = {
    RETURNS: _("Monthly returns of above-scale industry (规上工业月度报表)"),
    ENTERED: _("Entered from the publishing office, with source and date"),
}

# What every indicator computed from returns shares; pages show it once, above the catalogue.
RETURNS_METHOD: StrOrPromise = _(
    "Computed from the accepted monthly returns (月度报表) of the enterprises on the year's "
    "above-scale industry roster (规上工业名录). 1–N月 adds up the months from January; "
    "January is published together with February as 1–2月, never alone. Growth (同比) compares "
    "the same enterprises with the same months of the year before (同口径): an enterprise that "
    "enters or leaves the roster creates no growth, and each enterprise's whole same period of "
    "last year counts in the base, even for a month it has not reported this year."
)


@dataclass(frozen=True)
class Method:
    """One of the statistical methods the indicators share (the catalogue's methods section)."""

    code: str
    title: StrOrPromise
    text: StrOrPromise


METHODS: tuple[Method, ...] = (
    Method(
        code="same_basis",
        title=_("The same basis (同口径)"),
        text=_(
            "The base of growth is this year's roster enterprises with their whole same period "
            "of last year (1–N月 of last year, or the same month). A month an enterprise has not "
            "reported this year stays in last year's figure: leaving it out would make a falling "
            "industry look as if it grew. The missing return is chased, or estimated (估算) when "
            "the month is closed. An enterprise new to the roster, with no figures last year, "
            "adds to this year's figure only."
        ),
    ),
    Method(
        code="estimates",
        title=_("Estimates for firms that did not report (估算)"),
        text=_(
            "When the month is closed without a firm's return, the statistics office may "
            "estimate it: each figure is the firm's same month of last year × the trend of its "
            "industry division (行业大类) in its zone, the sum this year ÷ the sum last year over "
            "the zone's firms of the division that reported both months; where there are none, "
            "the zone's trend over all industry; where there is none either, 1 (last year's "
            "figure carried). A firm with no same month last year carries its latest accepted "
            "month of this year; a firm with neither cannot be estimated and is left out or "
            "waited for. Persons employed are carried from the latest month. Figures are rounded "
            "half up to 4 decimals of 万. An estimate counts like a return, is marked 含估算 in "
            "every figure it reaches, and is replaced by the firm's own return when it arrives."
        ),
    ),
    Method(
        code="contributions",
        title=_("Contribution (贡献率) and pull (拉动)"),
        text=_(
            "For a part of a total (an industry division, a park, a zone, an enterprise): its "
            "pull on the growth, in percentage points, is (its value − its base) ÷ the total's "
            "base × 100; the pulls of all parts add up to the total's growth. Its contribution "
            "is (its value − its base) ÷ (the total's value − the total's base) × 100; the "
            "contributions add up to 100 %. Both are computed from the same 1–N月 figures and "
            "同口径 bases as the table. A part that is confidential (保密) shows no figures; the "
            "total still includes it."
        ),
    ),
)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: StrOrPromise
    unit: str
    method: StrOrPromise
    source: str
    # The Return field summed (RETURNS), or the ReportedFigure indicator (ENTERED); for a ratio
    # the codes of its numerator and denominator are in `ratio_of`.
    field: str | None = None
    kind: str = FLOW
    ratio_of: tuple[str, str] | None = None

    @property
    def additive(self) -> bool:
        """Whether the figure of a cell is the sum of its enterprises' (and of its sub-cells')."""
        return self.kind != RATIO

    @property
    def unit_label(self) -> StrOrPromise:
        return UNIT_LABELS[self.unit]

    @property
    def source_label(self) -> StrOrPromise:
        return SOURCE_LABELS[self.source]


CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        code="gross_output",
        name=_("Gross output of above-scale industry (规上工业总产值)"),
        unit=YUAN,
        source=RETURNS,
        field="gross_output",
        method=_(
            "Sum of the gross industrial output at current prices (工业总产值（当年价格）) "
            "reported by the roster enterprises."
        ),
    ),
    Indicator(
        code="sales_output",
        name=_("Industrial sales output (工业销售产值)"),
        unit=YUAN,
        source=RETURNS,
        field="sales_output",
        method=_(
            "Sum of the industrial sales output at current prices (工业销售产值) reported by "
            "the roster enterprises."
        ),
    ),
    Indicator(
        code="sales_rate",
        name=_("Product sales rate (产品销售率)"),
        unit=PERCENT,
        source=RETURNS,
        kind=RATIO,
        ratio_of=("sales_output", "gross_output"),
        method=_(
            "Industrial sales output ÷ gross industrial output × 100, both summed over the same "
            "enterprises; never added across cells. Its change on the year before is given in "
            "percentage points."
        ),
    ),
    Indicator(
        code="value_added",
        name=_("Value added of above-scale industry (规上工业增加值)"),
        unit=YUAN,
        source=RETURNS,
        field="gross_output",
        kind=VALUE_ADDED,
        method=_(
            "Gross industrial output at current prices × the value-added rate (增加值率) of the "
            "enterprise's industry division (行业大类), for each enterprise and month, rounded to "
            "the yuan. Both years of a comparison use the same rate, the one in force in the "
            "year computed: that year's, else the latest year's before it, so that a change of "
            "rate never shows as growth; the rate is the enterprise's province's own where the "
            "province's statistics office has entered one, else the national reference. Growth "
            "at comparable prices (可比价增速) divides each month's value added by the producer "
            "price index (工业生产者出厂价格指数, same month of the year before = 100) of the "
            "enterprise's province and division, or of the province's all industry where the "
            "division has none; another province's index is never used. Where an enterprise has "
            "a month without either, it is not deflated by 100: growth at comparable prices of "
            "every cell it is in is not available and is flagged (no price index), until the "
            "index is entered."
        ),
    ),
    Indicator(
        code="revenue",
        name=_("Operating revenue (营业收入)"),
        unit=YUAN,
        source=RETURNS,
        field="revenue",
        method=_("Sum of the operating revenue (营业收入) reported by the roster enterprises."),
    ),
    Indicator(
        code="total_profit",
        name=_("Total profit (利润总额)"),
        unit=YUAN,
        source=RETURNS,
        field="total_profit",
        method=_(
            "Sum of the total profit (利润总额) reported by the roster enterprises; losses count "
            "as negative figures."
        ),
    ),
    Indicator(
        code="taxes",
        name=_("Total taxes (税金总额)"),
        unit=YUAN,
        source=RETURNS,
        field="taxes",
        method=_("Sum of the taxes (税金总额) reported by the roster enterprises."),
    ),
    Indicator(
        code="electricity",
        name=_("Electricity consumed (用电量)"),
        unit=KWH,
        source=RETURNS,
        field="electricity",
        method=_(
            "Sum of the electricity consumed (用电量) reported by the roster enterprises, "
            "cross-checked with the power company's data in review."
        ),
    ),
    Indicator(
        code="employees",
        name=_("Persons employed (从业人员)"),
        unit=PERSONS,
        source=RETURNS,
        field="employees",
        kind=STOCK,
        method=_(
            "Persons employed at the end of the month (期末从业人员) by the roster enterprises. "
            "A count, not a flow: the 1–N月 figure is that of the last month, compared with the "
            "same month of the year before."
        ),
    ),
    Indicator(
        code="gdp",
        name=_("GDP (地区生产总值)"),
        unit=YUAN,
        source=ENTERED,
        field="gdp",
        method=_(
            "Gross domestic product of the zone (地区生产总值) as published by the statistics "
            "bureau; entered with its source and date, not computed."
        ),
    ),
    Indicator(
        code="fiscal_revenue",
        name=_("Total fiscal revenue (财政总收入)"),
        unit=YUAN,
        source=ENTERED,
        field="fiscal_revenue",
        method=_(
            "All fiscal revenue collected in the zone (财政总收入), including the part handed "
            "to higher levels of government, as published by the finance bureau; entered with "
            "its source and date."
        ),
    ),
    Indicator(
        code="budget_revenue",
        name=_("General public budget revenue (一般公共预算收入)"),
        unit=YUAN,
        source=ENTERED,
        field="budget_revenue",
        method=_(
            "The local general public budget revenue (一般公共预算收入) as published by the "
            "finance bureau; entered with its source and date."
        ),
    ),
    Indicator(
        code="fixed_asset_investment",
        name=_("Fixed-asset investment (固定资产投资)"),
        unit=YUAN,
        source=ENTERED,
        field="fixed_asset_investment",
        method=_(
            "Investment completed by the projects in the fixed-asset investment database "
            "(固定资产投资项目库, projects of 5 million yuan or more) as published by the "
            "statistics bureau; entered with its source and date."
        ),
    ),
    Indicator(
        code="retail_sales",
        name=_("Retail sales of consumer goods (社会消费品零售总额)"),
        unit=YUAN,
        source=ENTERED,
        field="retail_sales",
        method=_(
            "Retail sales of consumer goods in the zone (社会消费品零售总额) as published by the "
            "statistics bureau; entered with its source and date."
        ),
    ),
)

BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in CATALOGUE}

# The indicators `engine.indicator_table` computes (whole units, additive across enterprises),
# and the ratios `engine.ratio_table` derives from them.
COMPUTED: tuple[Indicator, ...] = tuple(
    indicator for indicator in CATALOGUE if indicator.source == RETURNS and indicator.additive
)
RATIOS: tuple[Indicator, ...] = tuple(
    indicator for indicator in CATALOGUE if indicator.source == RETURNS and not indicator.additive
)
