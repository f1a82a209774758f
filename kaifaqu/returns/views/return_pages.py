"""How the return pages lay out a return: rows of figures, findings and decisions.

The comparisons come from the selector `return_context`, the messages of findings from
`finding_message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.formatting import count_text, fixed
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.returns.models import MONTHLY_FIELDS, Return, ReviewDecision, ReviewFinding, Severity
from kaifaqu.returns.review import finding_message
from kaifaqu.returns.selectors.returns import return_context


def _text(name: str, value: Any) -> str:
    """A figure as the pages write it (core.lib.formatting): persons whole, 万元 and 万千瓦时 to
    2 places; the unit is beside the input or in the row's label."""
    if name == "employees":
        return count_text(value)
    return fixed(value, 2)


@dataclass(frozen=True)
class FigureRow:
    name: str
    label: str
    this_month: str
    last_month: str
    last_year: str
    cumulative: str


def _pick(entry: Any, *keys: str) -> Any:
    for key in keys:
        if isinstance(entry, dict) and key in entry:
            return entry[key]
        if hasattr(entry, key):
            return getattr(entry, key)
    return None


def figure_rows(
    *,
    user: User,
    record: Return | None,
    enterprise: Any = None,
    month: Month | None = None,
) -> list[FigureRow]:
    """Each figure of the month beside last month, the same month last year and 1–N月."""
    enterprise = enterprise if enterprise is not None else record.enterprise  # type: ignore[union-attr]
    period = month.first_day if month is not None else record.period  # type: ignore[union-attr]
    context = return_context(user=user, enterprise=enterprise, period=period)
    rows = []
    for name in MONTHLY_FIELDS:
        entry = context.get(name, {}) if isinstance(context, dict) else getattr(context, name)
        rows.append(
            FigureRow(
                name=name,
                label=str(verbose_label(Return, name)),
                this_month=_text(name, _pick(entry, "this_month", "current")),
                last_month=_text(name, _pick(entry, "last_month", "previous_month")),
                last_year=_text(name, _pick(entry, "last_year", "same_month_last_year")),
                cumulative=_text(name, _pick(entry, "cumulative", "year_to_date")),
            )
        )
    return rows


@dataclass(frozen=True)
class FindingRow:
    severity: str
    is_hard: bool
    label: str
    message: str


def finding_rows(record: Return) -> list[FindingRow]:
    """The findings of a return (prefetched), hard ones first, with their messages."""
    findings: list[ReviewFinding] = sorted(
        record.findings.all(), key=lambda finding: (finding.severity != Severity.HARD, finding.rule)
    )
    rows = []
    for finding in findings:
        rows.append(
            FindingRow(
                severity=finding.severity,
                is_hard=finding.severity == Severity.HARD,
                label=finding.get_severity_display(),
                message=finding_message(finding.rule, finding.params),
            )
        )
    return rows


def decisions_of(record: Return) -> list[ReviewDecision]:
    """The decisions on a return (prefetched), the latest first."""
    return sorted(record.decisions.all(), key=lambda decision: decision.at, reverse=True)
