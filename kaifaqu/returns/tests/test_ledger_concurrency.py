"""Two firms of one ledger block saved at once both reach the ledger (PostgreSQL; SQLite has one
writer at a time).

Each writer of a block reads (the returns, or the stored row) and then writes the block's row
whole; without a lock the writer that committed last wrote what it had read before the other's
commit and dropped the other firm's figures from the ledger the roll-up and the review read."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from kaifaqu.conftest import Personas, World
from kaifaqu.returns.models import ReturnLedger
from kaifaqu.returns.models.ledger import BLOCK, LEDGER_FIELDS, unpack
from kaifaqu.returns.services.returns import return_save
from kaifaqu.returns.tests.helpers import month

pytestmark = pytest.mark.django_db(transaction=True)

OUTPUT = LEDGER_FIELDS.index("gross_output")


def test_two_firms_of_one_block_saved_at_once_are_both_in_the_ledger(
    world: World, personas: Personas
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    march = month(2025, 3)
    first, second = world.ent_a1, world.ent_a2
    assert first.pk // BLOCK == second.pk // BLOCK
    saved, commit = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def save(enterprise: object, output: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                return_save(
                    by=personas.statistician,
                    enterprise=enterprise,  # type: ignore[arg-type]
                    period=march,
                    values={"gross_output": Decimal(output)},
                )
                if hold:
                    saved.set()
                    commit.wait(10)
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)
            saved.set()
        finally:
            connections.close_all()

    holder = threading.Thread(target=save, args=(first, "100", True))
    holder.start()
    assert saved.wait(10)
    # The second save starts while the first holds its transaction open, then the first commits.
    other = threading.Thread(target=save, args=(second, "200", False))
    other.start()
    other.join(0.5)
    commit.set()
    holder.join(10)
    other.join(10)
    assert not failures
    (row,) = ReturnLedger.objects.filter(period=march, block=first.pk // BLOCK)
    (values,) = unpack([bytes(row.figures)])
    assert values[first.pk % BLOCK][OUTPUT] == 100 * 10_000
    assert values[second.pk % BLOCK][OUTPUT] == 200 * 10_000
