"""The return ledger mirrors the returns' figures, whichever way the returns were written."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from kaifaqu.conftest import Personas, World
from kaifaqu.statistics.imports import returns_import
from kaifaqu.statistics.models import Return, ReturnLedger, ReturnStatus
from kaifaqu.statistics.models.ledger import LEDGER_FIELDS, NO_VALUE
from kaifaqu.statistics.selectors.ledger import ledger_months, ledger_reuse, ledger_sums
from kaifaqu.statistics.services.ledger import ledger_flush, ledger_rebuild
from kaifaqu.statistics.tests.helpers import month, stored_return
from kaifaqu.statistics.tests.import_helpers import xlsx

pytestmark = pytest.mark.django_db

OUTPUT = LEDGER_FIELDS.index("gross_output")
REVENUE = LEDGER_FIELDS.index("revenue")
KEYS = ["统一社会信用代码", "报告期"]


def ledger() -> dict[tuple[int, int], bytes]:
    ledger_flush()
    return {(row.enterprise_id, row.year): bytes(row.figures) for row in ReturnLedger.objects.all()}


def assert_mirrors_returns() -> None:
    """The ledger as kept equals the ledger rebuilt from the returns."""
    kept = ledger()
    ledger_rebuild()
    assert kept == ledger()


def test_a_row_holds_the_months_in_whole_yuan_and_nothing_where_nothing_was_given(
    world: World,
) -> None:
    stored_return(world.ent_a1, month(2025, 1), gross_output="100.5", revenue="80")
    stored_return(world.ent_a1, month(2025, 3), gross_output="0.0001")
    ledger_flush()  # as every ledger read does first
    row = ReturnLedger.objects.get(enterprise=world.ent_a1, year=2025).months()
    assert row[0, OUTPUT] == 1_005_000  # 100.5 万元
    assert row[0, REVENUE] == 800_000
    assert row[1, OUTPUT] == NO_VALUE  # February: no return
    assert row[2, OUTPUT] == 1  # one yuan
    assert row[2, REVENUE] == NO_VALUE  # March: revenue not given
    assert row[11, OUTPUT] == NO_VALUE


def test_saves_updates_bulk_creates_and_deletes_are_carried_in(world: World) -> None:
    record = stored_return(world.ent_a1, month(2025, 1), gross_output="100")
    stored_return(world.ent_a2, month(2024, 12), gross_output="7")
    record.gross_output = Decimal("120")
    record.save()
    assert_mirrors_returns()
    Return.objects.filter(enterprise=world.ent_a2).update(gross_output=Decimal("9"))
    assert_mirrors_returns()
    Return.objects.bulk_create(
        [Return(enterprise=world.ent_a1, period=month(2025, m), revenue=Decimal(m)) for m in (2, 3)]
    )
    assert_mirrors_returns()
    record.delete()
    assert_mirrors_returns()
    Return.objects.filter(enterprise=world.ent_a1).delete()
    ledger_flush()
    assert not ReturnLedger.objects.filter(enterprise=world.ent_a1).exists()
    assert_mirrors_returns()


def test_a_status_change_leaves_the_ledger_alone(world: World) -> None:
    record = stored_return(world.ent_a1, month(2025, 1), gross_output="100")
    ledger_flush()
    record.status = ReturnStatus.ACCEPTED
    with CaptureQueriesContext(connection) as queries:
        record.save(update_fields=["status"])
        ledger_flush()
    assert not [q for q in queries.captured_queries if ReturnLedger._meta.db_table in q["sql"]]


def test_an_import_carries_its_months_in(world: World, personas: Personas) -> None:
    stored_return(world.ent_a1, month(2025, 1), gross_output="100")
    stored_return(world.ent_a1, month(2025, 2), gross_output="50")
    rows = [
        [world.ent_a1.uscc, "2025-02", 600],  # a correction of a stored month
        [world.ent_a1.uscc, "2025-03", 700],
        [world.ent_a2.uscc, "2025-03", 10],
    ]
    result = returns_import(
        by=personas.statistician,
        file=xlsx([*KEYS, "工业总产值(当年价格)"], rows),
        filename="returns.xlsx",
        today=date(2025, 6, 1),
    )
    assert result.errors == []
    assert (result.created, result.updated) == (2, 1)
    row = ReturnLedger.objects.get(enterprise=world.ent_a1, year=2025).months()
    assert [row[m, OUTPUT] for m in range(3)] == [1_000_000, 600_000, 700_000]
    assert_mirrors_returns()


def test_months_and_sums_read_from_the_ledger(world: World) -> None:
    for number, output in ((1, "100"), (2, "50"), (4, "80")):
        stored_return(world.ent_a1, month(2025, number), gross_output=output)
    stored_return(world.ent_a2, month(2024, 12), gross_output="7", revenue="3")
    ids = [world.ent_a1.pk, world.ent_a2.pk]
    months = ledger_months(ids, first=month(2024, 12), last=month(2025, 4), fields=["gross_output"])
    assert sorted(months.rows()) == [
        (world.ent_a1.pk, month(2025, 1), 1_000_000),
        (world.ent_a1.pk, month(2025, 2), 500_000),
        (world.ent_a1.pk, month(2025, 4), 800_000),
        (world.ent_a2.pk, month(2024, 12), 70_000),
    ]
    sums = ledger_sums(ids, year=2025, before_month=4, fields=["gross_output", "revenue"])
    # January to March: 100 + 50 万元; revenue never given, summed as nothing.
    assert sums.rows() == [(world.ent_a1.pk, 1_500_000, 0)]


def test_rows_kept_for_reuse_see_the_ledgers_own_writes(world: World, personas: Personas) -> None:
    stored_return(world.ent_a1, month(2025, 1), gross_output="100")
    with transaction.atomic(), ledger_reuse():
        before = ledger_months([world.ent_a1.pk], first=month(2025, 1), last=month(2025, 2))
        Return.objects.create(enterprise=world.ent_a1, period=month(2025, 2), gross_output=5)
        after = ledger_months([world.ent_a1.pk], first=month(2025, 1), last=month(2025, 2))
    assert before.height == 1
    assert after["gross_output"].to_list() == [1_000_000, 50_000]


def test_a_month_is_stored_as_its_first_day(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Return.objects.create(enterprise=world.ent_a1, period=date(2025, 3, 15))
    Return.objects.create(enterprise=world.ent_a1, period=date(2025, 3, 1))
