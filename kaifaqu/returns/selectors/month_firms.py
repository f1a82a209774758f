"""Reads of the month's list of firms: each firm in the states asked for, with its contacts'
reminders and 未报 record, a page at a time or all of them (the states come from
`months.month_firm_states`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.returns.models import NonResponse, Reminder, ReportingMonth
from kaifaqu.returns.selectors.months import FirmStatus, month_firm_states


@dataclass(frozen=True)
class FirmLine:
    """One firm of the month's list: its state and how to reach it."""

    enterprise: Enterprise
    state: str
    return_id: int | None
    reminders: int
    last_reminder: date | None
    non_response: NonResponse | None


def month_firms(
    reporting_month: ReportingMonth,
    *,
    states: Iterable[str] | None = None,
    firms: Sequence[FirmStatus] | None = None,
) -> list[FirmLine]:
    """The zone's firms of the month with their state, reminders and 未报 record, by name
    (`firms`: the month's firm states when already read).

    The states are read first as plain values; only the firms in the states asked for are then
    loaded (with their park): the page of firms to chase in a zone of thousands builds a
    handful of objects, not thousands."""
    chosen = _chosen(reporting_month, states, firms)
    return firm_lines(reporting_month, month_firm_enterprises(chosen), chosen)


def month_firm_choice(
    reporting_month: ReportingMonth,
    *,
    states: Iterable[str] | None = None,
    firms: Sequence[FirmStatus] | None = None,
) -> tuple[dict[int, tuple[str, int | None]], QuerySet[Enterprise]]:
    """The firms of the month in these states (enterprise id → state and return id) and the
    query of their enterprises by name, for a page of them (`firm_lines`)."""
    chosen = _chosen(reporting_month, states, firms)
    return chosen, month_firm_enterprises(chosen)


def _chosen(
    reporting_month: ReportingMonth,
    states: Iterable[str] | None,
    firms: Sequence[FirmStatus] | None,
) -> dict[int, tuple[str, int | None]]:
    if firms is None:
        firms = month_firm_states(reporting_month.zone_id, Month.of(reporting_month.period))
    wanted = set(states) if states is not None else None
    return {
        firm.enterprise_id: (firm.state, firm.return_id)
        for firm in firms
        if wanted is None or firm.state in wanted
    }


def month_firm_enterprises(chosen: dict[int, tuple[str, int | None]]) -> QuerySet[Enterprise]:
    return (
        Enterprise.objects.filter(pk__in=list(chosen)).select_related("park").order_by("name", "pk")
    )


def firm_lines(
    reporting_month: ReportingMonth,
    enterprises: Iterable[Enterprise],
    chosen: dict[int, tuple[str, int | None]],
) -> list[FirmLine]:
    """These enterprises (of `chosen`) as lines of the month's list, with their reminders and
    未报 records."""
    enterprises = list(enterprises)
    if not enterprises:
        return []
    ids = [enterprise.pk for enterprise in enterprises]
    reminders: dict[int, list[date]] = {}
    for enterprise_id, sent_at in Reminder.objects.filter(
        reporting_month=reporting_month, enterprise_id__in=ids
    ).values_list("enterprise_id", "sent_at"):
        reminders.setdefault(enterprise_id, []).append(sent_at.date())
    non_responses = {
        record.enterprise_id: record
        for record in NonResponse.objects.filter(
            reporting_month=reporting_month, enterprise_id__in=ids
        )
    }
    lines: list[FirmLine] = []
    for enterprise in enterprises:
        state, return_id = chosen[enterprise.pk]
        sent = reminders.get(enterprise.pk, [])
        lines.append(
            FirmLine(
                enterprise=enterprise,
                state=state,
                return_id=return_id,
                reminders=len(sent),
                last_reminder=max(sent) if sent else None,
                non_response=non_responses.get(enterprise.pk),
            )
        )
    return lines
