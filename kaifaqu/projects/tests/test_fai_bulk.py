"""fai_reports_append: a series of monthly investment reports appended at once keeps the rules of
one report (0 or more, month bounds, after the last month, the chain, the plan) and is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.projects.models import FaiReport
from kaifaqu.projects.services.fai_bulk import fai_reports_append
from kaifaqu.projects.tests.test_fai import registered, report, started_project

pytestmark = pytest.mark.django_db
D = Decimal


def _months(*pairs: tuple[str, str]) -> list[tuple[Month, Decimal]]:
    return [(Month.parse(month), D(amount)) for month, amount in pairs]


def test_a_series_is_chained_from_the_opening_balance_and_audited(
    world: World, personas: Personas
) -> None:
    reg = registered(started_project(world.zone_a, "甲", "5000"))
    written = fai_reports_append(
        by=personas.statistician,
        registration=reg,
        months=_months(("2024-03", "100"), ("2024-04", "250"), ("2024-05", "0")),
        opening=D("400"),
    )
    # 400 + 100 = 500; + 250 = 750; + 0 = 750.
    assert [(r.month, r.month_amount, r.cumulative) for r in written] == [
        (date(2024, 3, 1), D("100"), D("500")),
        (date(2024, 4, 1), D("250"), D("750")),
        (date(2024, 5, 1), D("0"), D("750")),
    ]
    for created in FaiReport.objects.all():
        log = LogEntry.objects.get_for_object(created).get()
        assert (log.action, log.actor) == (LogEntry.Action.CREATE, personas.statistician)


def test_a_series_goes_on_from_the_last_report_not_from_the_opening(world: World) -> None:
    reg = registered(started_project(world.zone_a, "甲", "5000"))
    report(reg, "2024-03", "100", cumulative=D("300"))
    written = fai_reports_append(
        by=None, registration=reg, months=_months(("2024-04", "50")), opening=D("999")
    )
    assert written[0].cumulative == D("350")


@pytest.mark.parametrize(
    ("months", "field"),
    [
        ((("2024-04", "-1"),), "month_amount"),  # negative
        ((("2024-02", "10"),), "month"),  # before the project started (2024-03-10)
        ((("2099-01", "10"),), "month"),  # in the future
        ((("2024-04", "10"), ("2024-04", "10")), "month"),  # twice
        ((("2024-03", "10"),), "month"),  # not after the last report
        ((("2024-04", "4000"),), "above_plan_note"),  # 100 + 4000 > 4000 planned, unexplained
    ],
)
def test_a_series_breaking_a_rule_writes_nothing(
    world: World, months: tuple[tuple[str, str], ...], field: str
) -> None:
    reg = registered(started_project(world.zone_a, "甲", "4000"))
    report(reg, "2024-03", "100")
    with pytest.raises(ValidationError) as raised:
        fai_reports_append(by=None, registration=reg, months=_months(*months))
    assert field in raised.value.message_dict
    assert FaiReport.objects.count() == 1


def test_above_the_plan_with_an_explanation_is_kept_with_it(world: World) -> None:
    reg = registered(started_project(world.zone_a, "甲", "500"))
    written = fai_reports_append(
        by=None,
        registration=reg,
        months=_months(("2024-03", "400"), ("2024-04", "200")),
        above_plan_note="设备涨价，已报批调整概算",
    )
    assert [r.above_plan_note for r in written] == ["", "设备涨价，已报批调整概算"]


def test_only_the_investment_database_keepers_append(world: World, personas: Personas) -> None:
    reg = registered(started_project(world.zone_a, "甲", "5000"))
    for user in (personas.reporter, personas.outsider):
        with pytest.raises(PermissionDenied):
            fai_reports_append(by=user, registration=reg, months=_months(("2024-03", "1")))
    assert not FaiReport.objects.exists()
