"""The return ledger mirrors the returns' figures, whichever way the returns were written.

The ledger is written explicitly by the services that write returns (no signal, no queryset
override): each kind of write is followed by its service's ledger call, and every service that
writes returns is checked against a rebuild from the returns.
"""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

import kaifaqu
from kaifaqu.conftest import Personas, World
from kaifaqu.returns.imports import returns_import
from kaifaqu.returns.models import Return, ReturnLedger, ReturnSource
from kaifaqu.returns.models.ledger import BLOCK, LEDGER_FIELDS, NO_VALUE
from kaifaqu.returns.selectors import ledger as selectors
from kaifaqu.returns.selectors.ledger import (
    ledger_months,
    ledger_periods,
    ledger_reuse,
    ledger_sums,
    month_figures,
)
from kaifaqu.returns.services.ledger import ledger_rebuild, ledger_update
from kaifaqu.returns.services.returns import return_accept, return_save, return_submit
from kaifaqu.returns.tests.helpers import firm, month, stored_return
from kaifaqu.returns.tests.import_helpers import xlsx

pytestmark = pytest.mark.django_db

OUTPUT = LEDGER_FIELDS.index("gross_output")
REVENUE = LEDGER_FIELDS.index("revenue")
KEYS = ["统一社会信用代码", "报告期"]


def ledger() -> dict[tuple[date, int], bytes]:
    return {(row.period, row.block): bytes(row.figures) for row in ReturnLedger.objects.all()}


def figures(enterprise_id: int, period: date) -> list[int]:
    """An enterprise's figures in the stored ledger row of its month and block."""
    row = ReturnLedger.objects.get(period=period, block=enterprise_id // BLOCK)
    return row.enterprise_figures(enterprise_id).tolist()


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
    january = figures(world.ent_a1.pk, month(2025, 1))
    assert january[OUTPUT] == 1_005_000  # 100.5 万元
    assert january[REVENUE] == 800_000
    march = figures(world.ent_a1.pk, month(2025, 3))
    assert march[OUTPUT] == 1  # one yuan
    assert march[REVENUE] == NO_VALUE  # March: revenue not given
    # February: no return of anyone in the block, so no row; the block's other slots are empty.
    assert not ReturnLedger.objects.filter(period=month(2025, 2)).exists()
    row = ReturnLedger.objects.get(period=month(2025, 1))
    others = [i for i in range(BLOCK) if i != world.ent_a1.pk % BLOCK]
    assert all(
        row.enterprise_figures(row.block * BLOCK + i)[OUTPUT] == NO_VALUE for i in others[:50]
    )


def test_saves_updates_bulk_creates_and_deletes_are_carried_in(world: World) -> None:
    """Each kind of ORM write, followed by the ledger call its service makes."""
    record = stored_return(world.ent_a1, month(2025, 1), gross_output="100")
    stored_return(world.ent_a2, month(2024, 12), gross_output="7")
    record.gross_output = Decimal("120")
    record.save()
    ledger_update([(record.enterprise_id, record.period)])
    assert_mirrors_returns()
    Return.objects.filter(enterprise=world.ent_a2).update(gross_output=Decimal("9"))
    ledger_update([(world.ent_a2.pk, month(2024, 12))])
    assert_mirrors_returns()
    created = Return.objects.bulk_create(
        [Return(enterprise=world.ent_a1, period=month(2025, m), revenue=Decimal(m)) for m in (2, 3)]
    )
    ledger_update((r.enterprise_id, r.period) for r in created)
    assert_mirrors_returns()
    record.delete()
    ledger_update([(world.ent_a1.pk, month(2025, 1))])
    assert_mirrors_returns()
    Return.objects.filter(enterprise=world.ent_a1).delete()
    ledger_update([(world.ent_a1.pk, month(2025, m)) for m in (2, 3)])
    assert not ReturnLedger.objects.filter(period__year=2025).exists()
    assert_mirrors_returns()


def test_every_service_that_writes_returns_keeps_the_ledger(
    world: World, personas: Personas
) -> None:
    """A reporter's draft (created, then changed), its submission and acceptance, and an import
    that creates and corrects returns: after each, the ledger equals a rebuild from the returns.
    A service that forgot its ledger call leaves a stale row and fails here."""
    march = month(2025, 3)
    values: dict[str, Decimal | int | None] = {
        "gross_output": Decimal("100"),
        "sales_output": Decimal("95"),
        "employees": 40,
    }
    record = return_save(by=personas.reporter, enterprise=world.ent_a1, period=march, values=values)
    assert figures(world.ent_a1.pk, march)[OUTPUT] == 1_000_000
    assert_mirrors_returns()
    record = return_save(
        by=personas.reporter,
        enterprise=world.ent_a1,
        period=march,
        values={"gross_output": Decimal("110")},
    )
    assert figures(world.ent_a1.pk, march)[OUTPUT] == 1_100_000
    assert_mirrors_returns()
    record = return_submit(by=personas.reporter, return_record=record)
    assert_mirrors_returns()
    return_accept(by=personas.statistician, return_record=record)
    assert_mirrors_returns()
    # The office's own paper return of 甲二 (an import may correct it; 甲一's own return, never).
    stored_return(world.ent_a2, march, source=ReturnSource.IMPORT, gross_output="10")
    result = returns_import(
        by=personas.statistician,
        file=xlsx(
            [*KEYS, "工业总产值(当年价格)(千元)"],
            [[world.ent_a2.uscc, "2025-03", 1_500], [world.ent_a2.uscc, "2025-04", 20]],
        ),
        filename="returns.xlsx",
        today=date(2025, 6, 1),
    )
    assert (result.errors, result.created, result.updated) == ([], 1, 1)
    assert figures(world.ent_a2.pk, march)[OUTPUT] == 1_500_000
    assert_mirrors_returns()


def test_a_write_without_its_ledger_call_is_caught(world: World) -> None:
    """What the check above catches: a return written and no ledger call made."""
    record = stored_return(world.ent_a1, month(2025, 1), gross_output="100")
    Return.objects.filter(pk=record.pk).update(gross_output=Decimal("5"))
    with pytest.raises(AssertionError):
        assert_mirrors_returns()


def test_every_module_that_writes_returns_calls_the_ledger_service() -> None:
    """Code that writes returns (ORM writes, frames inserted into the table, model_create or
    model_update of a Return, an import's upsert, raw deletes) calls a ledger service in the same
    module: a new writer that forgets it fails here."""
    root = Path(kaifaqu.__file__).parent
    writes = re.compile(
        r"Return\.objects\.(?:create|bulk_create|bulk_update|update_or_create|get_or_create)\b"
        r"|insert_frame\(Return\b|model_(?:create|update)\(\s*model=Return\b"
        r"|writer\.upsert\(|_raw_delete\("
    )
    calls = re.compile(r"\bledger_(?:update|record|rebuild)\(")
    forgetting = []
    for path in [*root.rglob("*.py"), *(root.parent / "bench").rglob("*.py")]:
        if "tests" in path.parts or "migrations" in path.parts or path.name == "ledger.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "Return" in text and writes.search(text) and not calls.search(text):
            forgetting.append(str(path.relative_to(root.parent)))
    assert forgetting == []


def test_a_status_change_leaves_the_ledger_alone(world: World, personas: Personas) -> None:
    record = return_save(
        by=personas.reporter,
        enterprise=world.ent_a1,
        period=month(2025, 3),
        values={"gross_output": Decimal("100"), "sales_output": Decimal("95"), "employees": 40},
    )
    with CaptureQueriesContext(connection) as queries:
        return_submit(by=personas.reporter, return_record=record)
    table = ReturnLedger._meta.db_table
    written = [
        q["sql"]
        for q in queries.captured_queries
        if table in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert written == []  # the review reads the ledger; nothing writes it


def test_an_import_carries_its_months_in(world: World, personas: Personas) -> None:
    stored_return(world.ent_a1, month(2025, 1), source=ReturnSource.IMPORT, gross_output="100")
    stored_return(world.ent_a1, month(2025, 2), source=ReturnSource.IMPORT, gross_output="50")
    rows = [
        [world.ent_a1.uscc, "2025-02", 600],  # a correction of a stored month
        [world.ent_a1.uscc, "2025-03", 700],
        [world.ent_a2.uscc, "2025-03", 10],
    ]
    result = returns_import(
        by=personas.statistician,
        file=xlsx([*KEYS, "工业总产值(当年价格)(千元)"], rows),
        filename="returns.xlsx",
        today=date(2025, 6, 1),
    )
    assert result.errors == []
    assert (result.created, result.updated) == (2, 1)
    outputs = [figures(world.ent_a1.pk, month(2025, m))[OUTPUT] for m in (1, 2, 3)]
    assert outputs == [1_000_000, 600_000, 700_000]
    assert figures(world.ent_a2.pk, month(2025, 3))[OUTPUT] == 10_000  # 10 千元
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
        ledger_update([(world.ent_a1.pk, month(2025, 2))])
        after = ledger_months([world.ent_a1.pk], first=month(2025, 1), last=month(2025, 2))
    assert before.height == 1
    assert after["gross_output"].to_list() == [1_000_000, 50_000]


def test_a_month_is_stored_as_its_first_day(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Return.objects.create(enterprise=world.ent_a1, period=date(2025, 3, 15))
    Return.objects.create(enterprise=world.ent_a1, period=date(2025, 3, 1))


def test_enterprises_of_other_blocks_are_kept_apart(world: World) -> None:
    """Enterprises whose ids fall in different blocks: each month's rows are read and written by
    block, a save rewrites its own block's row only, and reads gather across blocks."""
    near = world.ent_a1
    far = firm(world.zone_a, 900, id=(near.pk // BLOCK + 3) * BLOCK + 7)
    farther = firm(world.zone_a, 901, id=(near.pk // BLOCK + 9) * BLOCK)
    for enterprise, output in ((near, "1"), (far, "2"), (farther, "3")):
        stored_return(enterprise, month(2025, 5), gross_output=output)
    before = ledger()
    assert sorted(block for _period, block in before) == [
        near.pk // BLOCK,
        far.pk // BLOCK,
        farther.pk // BLOCK,
    ]
    stored_return(far, month(2025, 6), gross_output="5")
    record = Return.objects.get(enterprise=far, period=month(2025, 5))
    record.gross_output = Decimal("20")
    record.save()
    ledger_update([(far.pk, month(2025, 5))])
    after = ledger()
    changed = {key for key in after if before.get(key) != after[key]}
    assert changed == {(month(2025, 5), far.pk // BLOCK), (month(2025, 6), far.pk // BLOCK)}
    ids = [farther.pk, near.pk, far.pk, far.pk + 1]
    values = month_figures(month(2025, 5), ids, [OUTPUT])[:, 0].tolist()
    assert values == [30_000, 10_000, 200_000, NO_VALUE]
    assert_mirrors_returns()


def test_scattered_blocks_are_read_from_the_whole_month(world: World, monkeypatch) -> None:
    """More runs of blocks than a query lists: the month is read and the wanted blocks kept."""
    first = world.ent_a1
    second = firm(world.zone_a, 902, id=(first.pk // BLOCK + 2) * BLOCK + 1)
    third = firm(world.zone_a, 903, id=(first.pk // BLOCK + 4) * BLOCK + 1)
    for enterprise in (first, second, third):
        stored_return(enterprise, month(2025, 1), revenue="4")
    monkeypatch.setattr(selectors, "MAX_RUNS", 1)
    values = month_figures(month(2025, 1), [third.pk, first.pk], [REVENUE])[:, 0].tolist()
    assert values == [40_000, 40_000]
    Return.objects.filter(enterprise__in=[first, third]).update(revenue=Decimal("6"))
    ledger_update([(first.pk, month(2025, 1)), (third.pk, month(2025, 1))])
    assert month_figures(month(2025, 1), [first.pk, second.pk, third.pk], [REVENUE])[
        :, 0
    ].tolist() == [60_000, 40_000, 60_000]
    assert_mirrors_returns()


def test_no_enterprises_have_no_figures(world: World) -> None:
    assert month_figures(month(2025, 1), [], [OUTPUT]).shape == (0, 1)
    assert ledger_periods([], periods=[month(2025, 1)]).is_empty()


def test_the_ledger_keeps_the_head_count_as_it_is_and_money_in_yuan(world: World) -> None:
    stored_return(world.ent_a1, month(2025, 3), gross_output="1.2345", employees=35)
    figures = month_figures(month(2025, 3), [world.ent_a1.pk])[0]
    assert figures[LEDGER_FIELDS.index("employees")] == 35
    assert figures[OUTPUT] == 12_345
    frame = ledger_periods([world.ent_a1.pk], periods=[month(2025, 3)], fields=["employees"])
    assert frame.rows() == [(world.ent_a1.pk, month(2025, 3), 35)]
