"""Writing estimates (估算) and their replacement by the firm's return, through the form and an
import; who may estimate; what estimates are not (the firm's history, a return received)."""

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from auditlog.context import set_extra_data
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaifaqu.conftest import Personas, World
from kaifaqu.core.hooks import on_returns_changed
from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import RosterEntry, StatCategory
from kaifaqu.returns.imports import returns_import
from kaifaqu.returns.models import (
    ChangedMonth,
    Gap,
    GapKind,
    Return,
    ReturnSource,
    ReturnStatus,
    ReviewDecision,
)
from kaifaqu.returns.models.ledger import NO_VALUE
from kaifaqu.returns.selectors.ledger import month_figures
from kaifaqu.returns.services import estimates_create, gaps_refresh, return_save
from kaifaqu.returns.services.ledger import ledger_rebuild
from kaifaqu.returns.tests.helpers import firm, month, stored_return
from kaifaqu.returns.tests.import_helpers import csv

pytestmark = pytest.mark.django_db

MARCH, LAST_MARCH = month(2025, 3), month(2024, 3)
ACCEPTED = ReturnStatus.ACCEPTED


@pytest.fixture
def marks_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The months marked for the indicators stay marked: the roll-up the hook would run at once
    (the test settings' immediate task backend) would clear them."""
    monkeypatch.setattr(on_returns_changed, "fire", lambda: None)


@pytest.fixture
def division_30(world: World) -> None:
    """甲一 (the firm to estimate): 100 万元 last March, 40 employees in February; 甲二 of the
    same division in the same zone: 100 → 90 万元 (trend 0.9)."""
    stored_return(world.ent_a1, LAST_MARCH, status=ACCEPTED, gross_output="100", revenue="80")
    stored_return(world.ent_a1, month(2025, 2), status=ACCEPTED, gross_output="95", employees=40)
    stored_return(world.ent_a2, LAST_MARCH, status=ACCEPTED, gross_output="100", revenue="50")
    stored_return(world.ent_a2, MARCH, status=ACCEPTED, gross_output="90", revenue="60")


def estimate(personas: Personas, world: World) -> Return:
    (record,) = estimates_create(
        by=personas.statistician, zone=world.zone_a, period=MARCH, enterprise_ids=[world.ent_a1.pk]
    )
    return record


def test_it_writes_an_accepted_estimate_flagged_and_audited(
    personas: Personas, world: World, division_30: None, marks_kept: None
) -> None:
    ChangedMonth.objects.all().delete()
    record = estimate(personas, world)
    stored = Return.objects.get(pk=record.pk)
    # 100 × 90 / 100 = 90 万元; revenue 80 × 60 / 50 = 96; employees carried from February.
    assert (stored.gross_output, stored.revenue, stored.employees) == (
        Decimal("90.0000"),
        Decimal("96.0000"),
        40,
    )
    assert (stored.status, stored.source, stored.is_estimate) == (
        ACCEPTED,
        ReturnSource.ESTIMATE,
        True,
    )
    # No review decision: nobody reviewed a firm's figures; the audit log has the office's write.
    assert not ReviewDecision.objects.filter(return_record=stored).exists()
    entry = LogEntry.objects.get_for_object(stored).get()
    assert entry.actor == personas.statistician
    # The month is marked for the indicators to follow.
    assert ChangedMonth.objects.filter(zone=world.zone_a, period=MARCH).exists()


def test_the_audit_entry_is_the_one_a_save_writes(
    personas: Personas, world: World, division_30: None
) -> None:
    """The estimates are inserted in bulk: each still gets the entry auditlog's signal would
    have written (a creation, every field from nothing, the office's user as actor)."""
    with set_extra_data(context_data={"remote_addr": "10.1.2.3"}):
        record = estimate(personas, world)
    entry = LogEntry.objects.get_for_object(record).get()
    assert entry.action == LogEntry.Action.CREATE
    assert (entry.actor, entry.remote_addr) == (personas.statistician, "10.1.2.3")
    assert entry.changes_dict["is_estimate"] == ["None", "True"]
    assert entry.changes_dict["gross_output"] == ["None", "90.0000"]
    saved = model_instance_diff(None, Return.objects.get(pk=record.pk)) or {}
    assert entry.changes_dict == {name: list(change) for name, change in saved.items()}


def test_many_estimates_cost_the_queries_of_one(
    personas: Personas, world: World, django_assert_num_queries: Any
) -> None:
    """A zone's close estimates all its silent firms at once: the queries do not grow with them."""
    firms = [firm(world.zone_a, 700 + n) for n in range(5)]
    for enterprise in firms:
        stored_return(enterprise, LAST_MARCH, status=ACCEPTED, gross_output="100")

    def queries(ids: list[int]) -> int:
        with CaptureQueriesContext(connection) as captured:
            estimates_create(
                by=personas.statistician, zone=world.zone_a, period=MARCH, enterprise_ids=ids
            )
        return len(captured)

    one = queries([firms[0].pk])
    Return.objects.filter(is_estimate=True).delete()
    assert queries([enterprise.pk for enterprise in firms]) == one
    assert Return.objects.filter(period=MARCH, is_estimate=True).count() == 5


def test_the_ledger_leaves_estimates_out(
    personas: Personas, world: World, division_30: None
) -> None:
    estimate(personas, world)
    figures = month_figures(MARCH, [world.ent_a1.pk, world.ent_a2.pk])
    assert figures[0].tolist() == [NO_VALUE] * figures.shape[1]
    assert figures[1][0] == 900_000  # 甲二's own 90 万元, in yuan
    # What the service wrote is what a rebuild from the returns gives.
    before = month_figures(MARCH, [world.ent_a1.pk])
    ledger_rebuild(periods=[MARCH])
    assert np.array_equal(month_figures(MARCH, [world.ent_a1.pk]), before)


def test_estimating_again_updates_the_estimate(
    personas: Personas, world: World, division_30: None
) -> None:
    first = estimate(personas, world)
    Return.objects.filter(enterprise=world.ent_a2, period=MARCH).update(gross_output=80)
    again = estimate(personas, world)
    assert again.pk == first.pk
    assert Return.objects.get(pk=first.pk).gross_output == Decimal("80.0000")


@pytest.mark.parametrize("status", [ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED])
def test_it_refuses_a_firm_that_has_reported(
    personas: Personas, world: World, division_30: None, status: str
) -> None:
    stored_return(world.ent_a1, MARCH, status=status, gross_output="70")
    with pytest.raises(ValidationError) as refused:
        estimate(personas, world)
    assert refused.value.code == "reported"
    assert Return.objects.get(enterprise=world.ent_a1, period=MARCH).gross_output == 70


def test_it_replaces_a_draft_the_firm_never_submitted(
    personas: Personas, world: World, division_30: None
) -> None:
    return_save(
        by=personas.reporter, enterprise=world.ent_a1, period=MARCH, values={"taxes": Decimal("3")}
    )
    record = estimate(personas, world)
    assert (record.is_estimate, record.taxes, record.gross_output) == (
        True,
        None,
        Decimal("90.0000"),
    )


def test_a_firm_with_nothing_to_estimate_from_is_refused_by_name(
    personas: Personas, world: World, division_30: None
) -> None:
    newcomer = firm(world.zone_a, 77)
    with pytest.raises(ValidationError) as refused:
        estimates_create(
            by=personas.statistician,
            zone=world.zone_a,
            period=MARCH,
            enterprise_ids=[world.ent_a1.pk, newcomer.pk],
        )
    assert refused.value.code == "not_estimable"
    assert newcomer.name in refused.value.messages[0]
    # All or nothing: 甲一 was not estimated either.
    assert not Return.objects.filter(period=MARCH, is_estimate=True).exists()


def test_only_the_zones_statistics_office_estimates(
    personas: Personas, world: World, division_30: None
) -> None:
    for persona in (personas.reporter, personas.zone_admin, personas.province_viewer):
        with pytest.raises(PermissionDenied):
            estimate(personas.__class__(**{**personas.__dict__, "statistician": persona}), world)
    # Another zone's statistician: the zone is outside the scope.
    with pytest.raises(PermissionDenied):
        estimates_create(
            by=personas.statistician_b,
            zone=world.zone_a,
            period=MARCH,
            enterprise_ids=[world.ent_a1.pk],
        )
    # An enterprise of another zone named under this zone is refused.
    with pytest.raises(PermissionDenied):
        estimates_create(
            by=personas.statistician,
            zone=world.zone_a,
            period=MARCH,
            enterprise_ids=[world.ent_b.pk],
        )
    assert not Return.objects.filter(is_estimate=True).exists()


def test_the_firms_form_replaces_the_estimate(
    personas: Personas, world: World, division_30: None, marks_kept: None
) -> None:
    record = estimate(personas, world)
    # The firm does not see the office's estimate: its month is still to be filled in.
    assert not Return.objects.for_user(personas.reporter).filter(period=MARCH).exists()
    ChangedMonth.objects.all().delete()
    mine = return_save(
        by=personas.reporter,
        enterprise=world.ent_a1,
        period=MARCH,
        values={"gross_output": Decimal("88")},
    )
    assert mine.pk == record.pk
    stored = Return.objects.get(pk=record.pk)
    # The firm's figures only: the estimate's revenue and employees are gone.
    assert (stored.gross_output, stored.revenue, stored.employees) == (Decimal("88"), None, None)
    assert (stored.status, stored.source, stored.is_estimate) == (
        ReturnStatus.DRAFT,
        ReturnSource.WEB,
        False,
    )
    # It left the indicators (a draft is not counted): the month is marked again.
    assert ChangedMonth.objects.filter(zone=world.zone_a, period=MARCH).exists()
    # Now the firm's own history: in the ledger.
    assert month_figures(MARCH, [world.ent_a1.pk])[0][0] == 880_000


def test_an_import_replaces_the_estimate_even_with_the_same_figures(
    personas: Personas, world: World, division_30: None, marks_kept: None
) -> None:
    record = estimate(personas, world)
    ChangedMonth.objects.all().delete()
    # 90 万元 = 900 千元: exactly the estimate's figures, employees included.
    result = returns_import(
        by=personas.statistician,
        file=csv(
            [
                "统一社会信用代码",
                "报告期",
                "工业总产值(当年价格)(千元)",
                "营业收入(千元)",
                "从业人员",
            ],
            [[world.ent_a1.uscc, "2025-03", 900, 960, 40]],
        ),
        filename="returns.csv",
        today=date(2025, 4, 20),
    )
    assert (result.updated, result.unchanged, result.errors) == (1, 0, [])
    stored = Return.objects.get(pk=record.pk)
    assert (stored.status, stored.source, stored.is_estimate) == (
        ReturnStatus.SUBMITTED,
        ReturnSource.IMPORT,
        False,
    )
    assert ChangedMonth.objects.filter(zone=world.zone_a, period=MARCH).exists()
    assert month_figures(MARCH, [world.ent_a1.pk])[0][0] == 900_000


def test_the_gap_list_still_says_the_estimated_firm_did_not_report(
    personas: Personas, world: World, division_30: None
) -> None:
    for enterprise in (world.ent_a1, world.ent_a2):
        RosterEntry.objects.create(enterprise=enterprise, year=2025, category=StatCategory.INDUSTRY)
    estimate(personas, world)
    gaps_refresh(by=None, zone=world.zone_a, month=Month(2025, 3), today=date(2025, 5, 30))
    missing = Gap.objects.filter(kind=GapKind.NOT_REPORTED, period=MARCH)
    assert set(missing.values_list("enterprise_id", flat=True)) == {world.ent_a1.pk}
