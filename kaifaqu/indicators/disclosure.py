"""Statistical disclosure control of published aggregates (统计法: respondents are protected).

Pure polars, no ORM. `suppress` marks the cells of a table that must not be shown outside the
statistics office; the caller decides who sees what (statisticians see everything) and masks the
figures with `masked`/`mask`.

The table is one row per cell with a key, 'enterprises' (how many enterprises make the cell),
'top_share' (the largest enterprise's share of the cell's value, 0–1) and the value, plus one
column per breakdown naming the cell's parent in that breakdown: the parts of a breakdown add up
exactly to the parent, whose own row is in the table. A park of a zone has parent = the zone; a
zone×division cell has two parents, the zone (breakdown by division) and the province-wide
division (breakdown by zone); the zone itself is a part of the province in the breakdown by zone.
Each (breakdown, parent) is one equation: parent = sum of its parts. A remainder that is
derivable (a zone's enterprises outside any park = zone − its parks) must be a cell of its own,
or a single firm outside the parks would be published by subtraction.

Rules, for each independent table (`by`, e.g. indicator and month):
- primary: a cell made of 1 to `min_enterprises`−1 enterprises ('few'), or where one enterprise
  makes more than `dominance` of the value ('dominant'). An empty cell (0 enterprises) discloses
  nobody and is never suppressed for itself.
- complementary: in every equation whose parent is published, the suppressed parts must be none,
  or at least two that together pass the primary rule (two single-firm parks suppressed under a
  published zone total would give each firm the other's figure). An equation whose parent is
  suppressed needs at least one suppressed part, else the parent is their sum. A suppressed part
  that is itself a suppressed parent counts as its own suppressed parts where those are smaller
  (parent − rest = hidden park + what the hidden zone hides below it). A failing equation gets
  one more suppressed member, repeated until every equation is stable. The complement chosen is
  a non-empty part; where only a sum of hidden parts is too revealing, a visible cell below a
  hidden part; the parent last. Among those, one that also mends another failing equation, then
  the smallest absolute value (least information lost), then the earliest row.
- with several breakdowns (cross tables), equations can be combined: a suppressed cell that the
  published cells still determine exactly (solved as a linear system) gets one more complement
  and the rules run again. With one breakdown (a tree) the per-equation rule is already enough.

Limits: intervals are not protected. A small complement lets a reader bound a suppressed figure
closely (`suppressed + complement` is known); choosing the smallest complement is the office's
usual trade-off of information loss against protection. Every figure of a suppressed cell (the
value, the base year, growth, contribution, drill-down to enterprises) must be masked, not just
the one the rule was computed on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import polars as pl
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaifaqu.indicators.exact import determined_rows

FEW = "few"
DOMINANT = "dominant"
COMPLEMENT = "complement"

# For statisticians' views; outside the office a suppressed cell shows the same mark whatever the
# reason, because "dominated by one enterprise" is itself a fact about a respondent.
REASON_LABELS = {
    FEW: _("Fewer enterprises than the disclosure minimum"),
    DOMINANT: _("Dominated by one enterprise"),
    COMPLEMENT: _("Complementary suppression (保密), so that another figure cannot be derived"),
}
SUPPRESSED_MARK = _("Suppressed")

# top_share is a Float64 ratio: 85 % computed as a quotient is the float 0.85 exactly, and this
# margin keeps float noise of other computations from suppressing a cell exactly at the limit.
_MARGIN = 1e-9

T = TypeVar("T")


@dataclass(frozen=True)
class DisclosureRule:
    """The thresholds of primary suppression and the text that pages show about them."""

    min_enterprises: int = 3
    dominance: float = 0.85

    def __post_init__(self) -> None:
        if self.min_enterprises < 1:
            raise ValueError("min_enterprises must be at least 1")
        if not 0 < self.dominance <= 1:
            raise ValueError("dominance is a share between 0 (excluded) and 1")

    def description(self) -> str:
        """The rule in the user's language; call it when rendering, not at import."""
        return gettext(
            "Figures made up of fewer than %(count)s enterprises, or where one enterprise "
            "accounts for more than %(share)s %% of the total, are suppressed (保密) to protect "
            "respondents as the Statistics Law (统计法) requires; further figures are suppressed "
            "where needed so that a suppressed figure cannot be worked out from the totals."
        ) % {"count": self.min_enterprises, "share": f"{self.dominance * 100:g}"}


DEFAULT_RULE = DisclosureRule()


def masked(value: T, suppressed: bool | None) -> T | None:
    """The value as a caller outside the statistics office may show it: None when suppressed.

    Fails closed: an unknown flag (None, a cell missing from the suppression table) hides it.
    """
    return value if suppressed is False else None


def mask(frame: pl.DataFrame, columns: Iterable[str], *, flag: str = "suppressed") -> pl.DataFrame:
    """The frame with `columns` set to null where `flag` is true or null (fails closed)."""
    hide = pl.col(flag).fill_null(True)
    return frame.with_columns(
        pl.when(hide).then(None).otherwise(pl.col(name)).alias(name) for name in columns
    )


def suppress(
    cells: pl.DataFrame,
    *,
    rule: DisclosureRule = DEFAULT_RULE,
    key: str = "cell",
    value: str = "value",
    parents: Sequence[str] = ("parent",),
    by: Sequence[str] = (),
) -> pl.DataFrame:
    """`cells` with 'suppressed' (bool) and 'reason' ('few' | 'dominant' | 'complement' | null).

    `key` is unique within each `by` group; every non-null value of a `parents` column is the
    key of a cell of the same `by` group (ValueError otherwise). Row order is kept.
    """
    _check(cells, key, value, parents, by)
    figures = cells.select(
        pl.col("enterprises").fill_null(0).cast(pl.Int64).alias("_ent"),
        pl.col(value).cast(pl.Float64).alias("_val"),
        (pl.col("top_share").cast(pl.Float64) * pl.col(value).cast(pl.Float64)).alias("_top"),
        pl.col(value).cast(pl.Float64).abs().alias("_abs"),
    ).with_row_index("_row")
    primary = cells.select(
        pl.when((pl.col("enterprises") > 0) & (pl.col("enterprises") < rule.min_enterprises))
        .then(pl.lit(FEW))
        .when(pl.col("top_share") > rule.dominance + _MARGIN)
        .then(pl.lit(DOMINANT))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
        .alias("reason")
    ).to_series()
    reasons: list[str | None] = primary.to_list()
    members = _members(cells, key, parents, by).join(figures, on="_row", how="left")
    if members.is_empty():
        return _result(cells, reasons)

    cross = len(parents) > 1
    while True:
        while _complete_equations(members, reasons, rule):
            pass
        if not cross or not _break_exposure(members, reasons):
            break
    return _result(cells, reasons)


def exposed_cells(
    cells: pl.DataFrame,
    *,
    key: str = "cell",
    parents: Sequence[str] = ("parent",),
    by: Sequence[str] = (),
    flag: str = "suppressed",
) -> list[int]:
    """Row numbers of suppressed cells whose value the published cells determine exactly.

    A check for `suppress`'s results (and a caller's own masking): it must return nothing.
    """
    _check(cells, key, None, parents, by)
    members = _members(cells, key, parents, by)
    members = members.with_columns(_s=cells[flag].fill_null(False).gather(members["_row"]))
    return sorted(determined_rows(members))


# --- internals ---------------------------------------------------------------------------------


def _check(
    cells: pl.DataFrame, key: str, value: str | None, parents: Sequence[str], by: Sequence[str]
) -> None:
    needed = [key, *parents, *by] + ([value, "enterprises", "top_share"] if value else [])
    missing = [name for name in needed if name not in cells.columns]
    if missing:
        raise ValueError(f"cells lack the columns {missing}")
    if cells[key].null_count():
        raise ValueError(f"a cell has no {key}")
    if cells.select(pl.struct(*by, key).is_duplicated().any()).item():
        raise ValueError(f"{key} is not unique within {list(by) or 'the table'}")


def _members(
    cells: pl.DataFrame, key: str, parents: Sequence[str], by: Sequence[str]
) -> pl.DataFrame:
    """One row per (equation, member): '_eq' (id), '_row' (the member's row), '_is_total'."""
    indexed = cells.select(*by, key, *parents).with_row_index("_row")
    keys = indexed.select(*by, pl.col(key).alias("_total"), pl.col("_row").alias("_total_row"))
    key_type = cells.schema[key]
    parts = pl.concat(
        indexed.filter(pl.col(parent).is_not_null()).select(
            *by,
            pl.lit(dimension, dtype=pl.UInt32).alias("_dim"),
            pl.col(parent).cast(key_type).alias("_total"),
            "_row",
        )
        for dimension, parent in enumerate(parents)
    )
    totals = (
        parts.select(*by, "_dim", "_total")
        .unique(maintain_order=True)
        .join(keys, on=[*by, "_total"], how="left", nulls_equal=True)
    )
    absent = totals.filter(pl.col("_total_row").is_null())
    if not absent.is_empty():
        raise ValueError(
            f"parents without a row of their own: {absent['_total'].head(5).to_list()}"
        )
    totals = totals.with_row_index("_eq")
    return pl.concat(
        [
            parts.join(totals, on=[*by, "_dim", "_total"], nulls_equal=True).select(
                "_eq", "_row", pl.lit(False).alias("_is_total")
            ),
            totals.select(
                "_eq", pl.col("_total_row").alias("_row"), pl.lit(True).alias("_is_total")
            ),
        ]
    )


def _with_state(members: pl.DataFrame, reasons: list[str | None]) -> pl.DataFrame:
    suppressed = pl.Series("_s", [reason is not None for reason in reasons], dtype=pl.Boolean)
    return members.with_columns(_s=suppressed.gather(members["_row"]))


def _complete_equations(
    members: pl.DataFrame, reasons: list[str | None], rule: DisclosureRule
) -> bool:
    """Add complements to the failing equations; False when none fails (or none can be mended)."""
    state = _with_state(members, reasons)
    hidden_part = pl.col("_s") & ~pl.col("_is_total")
    equations = (
        state.join(_frontier(state), on="_row", how="left")
        .group_by("_eq")
        .agg(
            pl.col("_s").filter(pl.col("_is_total")).any().alias("total_hidden"),
            hidden_part.sum().alias("hidden"),
            pl.col("_f_ent").filter(hidden_part).sum().alias("ent"),
            pl.col("_f_val").filter(hidden_part).sum().alias("val"),
            pl.col("_f_top").filter(hidden_part).max().alias("top"),
        )
    )
    # parent − the visible parts publishes the sum of the hidden ones, which must pass the rule.
    sensitive_sum = (pl.col("ent") < rule.min_enterprises) | (
        (pl.col("val") > 0) & (pl.col("top") > (rule.dominance + _MARGIN) * pl.col("val"))
    )
    failing = equations.filter(
        pl.when(pl.col("total_hidden"))
        .then(pl.col("hidden") == 0)
        .otherwise(
            (pl.col("hidden") == 1) | ((pl.col("hidden") >= 2) & sensitive_sum.fill_null(False))
        )
    ).select("_eq", (pl.col("hidden") >= 2).alias("_deep"))
    return _add_complements(state, failing, reasons)


def _frontier(state: pl.DataFrame) -> pl.DataFrame:
    """For each suppressed cell, the smallest set of suppressed cells it can be replaced by.

    A suppressed parent whose suppressed parts are K is known to equal sum(K) + published
    figures, so an equation above it effectively publishes sums of K, not of the parent: a
    dominant park under a complemented zone is only as protected as the smallest cells at the
    end of that chain. Per cell: '_f_ent', '_f_val' (smallest value reachable) and '_f_top'.
    """
    hidden = state.filter(pl.col("_s"))
    front = hidden.select(
        "_row",
        pl.col("_ent").alias("_f_ent"),
        pl.col("_val").alias("_f_val"),
        pl.col("_top").alias("_f_top"),
    ).unique("_row")
    totals = hidden.filter(pl.col("_is_total")).select("_eq", pl.col("_row").alias("_total"))
    parts = hidden.filter(~pl.col("_is_total")).select("_eq", "_row")
    for _pass in range(front.height):  # each pass reaches one level further down; stops when stable
        expanded = (
            parts.join(totals, on="_eq")
            .join(front, on="_row")
            .group_by("_eq", "_total")
            .agg(pl.col("_f_ent").sum(), pl.col("_f_val").sum(), pl.col("_f_top").max())
            .select(pl.col("_total").alias("_row"), "_f_ent", "_f_val", "_f_top")
        )
        smaller = (
            pl.concat([front, expanded])
            .sort("_f_val", "_row", nulls_last=True)
            .group_by("_row", maintain_order=True)
            .first()
        )
        if smaller.sort("_row").equals(front.sort("_row")):
            break
        front = smaller
    return front


def _add_complements(
    state: pl.DataFrame, needing: pl.DataFrame, reasons: list[str | None], *, one: bool = False
) -> bool:
    """Suppress the best visible candidate of each equation in `needing` ('_eq', '_deep')."""
    if needing.is_empty():
        return False
    candidates = _candidates(state, needing)
    if candidates.is_empty():
        return False
    # A member of two failing equations mends both: rows and columns of a cross table, or a zone
    # that is a part above and a parent below, close up instead of each picking its own cell.
    mends = candidates.group_by("_row").agg(pl.col("_eq").alias("_eqs"), pl.len().alias("_mends"))
    best = (
        candidates.join(mends, on="_row")
        .with_columns((pl.col("_ent") == 0).alias("_empty"))
        .sort(
            ["_eq", "_empty", "_level", "_mends", "_abs", "_row"],
            descending=[False, False, False, True, False, False],
            nulls_last=True,
        )
        .group_by("_eq", maintain_order=True)
        .first()
        .sort(["_mends", "_abs", "_row"], descending=[True, False, False], nulls_last=True)
    )
    covered: set[int] = set()
    for eq, row, eqs in best.select("_eq", "_row", "_eqs").iter_rows():
        if eq in covered:
            continue  # an earlier pick of this round is a candidate of it already
        reasons[row] = COMPLEMENT
        covered.update(eqs)
        if one:
            break
    return True


def _candidates(state: pl.DataFrame, needing: pl.DataFrame) -> pl.DataFrame:
    """Visible cells that would mend each equation, by '_level': 0 its parts, 2 its parent.

    Level 1, only where the sum of two or more hidden parts is too revealing ('_deep'): the
    visible parts below a hidden part that is itself a hidden parent; hiding one enlarges what
    that part stands for, which keeps the published parent rather than suppressing it.
    """
    columns = ["_eq", "_row", "_ent", "_abs", "_level"]
    own = (
        state.join(needing, on="_eq", how="semi")
        .filter(~pl.col("_s"))
        .with_columns(pl.when(pl.col("_is_total")).then(2).otherwise(0).alias("_level"))
        .select(columns)
    )
    deep = needing.filter(pl.col("_deep")).select("_eq")
    hidden_parts = (
        state.filter(pl.col("_s") & ~pl.col("_is_total"))
        .join(deep, on="_eq", how="semi")
        .select("_eq", pl.col("_row").alias("_via"))
    )
    below = state.filter(pl.col("_s") & pl.col("_is_total")).select(
        pl.col("_eq").alias("_sub"), pl.col("_row").alias("_via")
    )
    visible_parts = state.filter(~pl.col("_s") & ~pl.col("_is_total")).rename({"_eq": "_sub"})
    sub = (
        hidden_parts.join(below, on="_via")
        .join(visible_parts, on="_sub")
        .with_columns(pl.lit(1).alias("_level"))
        .select(columns)
    )
    return (
        pl.concat([own, sub.cast(own.schema)])
        .sort("_level")
        .unique(["_eq", "_row"], keep="first", maintain_order=True)
    )


def _break_exposure(members: pl.DataFrame, reasons: list[str | None]) -> bool:
    """Complement the first suppressed cell that combined equations still determine exactly."""
    state = _with_state(members, reasons)
    for row in sorted(determined_rows(state)):
        needing = state.filter(pl.col("_row") == row).select("_eq", pl.lit(False).alias("_deep"))
        if _add_complements(state, needing, reasons, one=True):
            return True
    return False


def _result(cells: pl.DataFrame, reasons: list[str | None]) -> pl.DataFrame:
    return cells.with_columns(
        pl.Series("suppressed", [reason is not None for reason in reasons], dtype=pl.Boolean),
        pl.Series("reason", reasons, dtype=pl.Utf8),
    )
