"""The returns the return ledger does not mirror as counted (not yet accepted, or estimates) are
read through their partial index: by a roll-up that reads the ledger (indicators/facts.py) and
by a month's page (its firms' states); a few dozen at a month's end among a zone's years."""

from datetime import date

import numpy as np
import pytest
from django.db import connection

from kaifaqu.conftest import World
from kaifaqu.core.tests.query_plans import query_plan
from kaifaqu.enterprises.models import RosterEntry, StatCategory
from kaifaqu.returns.models import ReturnStatus
from kaifaqu.returns.selectors.ledger import ledger_exceptions
from kaifaqu.returns.selectors.months import not_plainly_accepted_returns
from kaifaqu.returns.tests.helpers import month, stored_return

INDEX = "stat_return_rollup_exception"


@pytest.fixture
def history(world: World) -> None:
    RosterEntry.objects.create(enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY)
    for number in range(1, 13):
        stored_return(
            world.ent_a1, month(2024, number), gross_output=100, status=ReturnStatus.ACCEPTED
        )
    stored_return(world.ent_a1, month(2025, 1), gross_output=120, status=ReturnStatus.SUBMITTED)


@pytest.mark.django_db
@pytest.mark.usefixtures("history")
def test_a_month_page_reads_the_returns_not_plainly_accepted_by_their_index(world: World) -> None:
    returns = not_plainly_accepted_returns(world.zone_a.pk, date(2025, 1, 1))
    assert [record.period for record in returns] == [month(2025, 1)]
    assert INDEX in query_plan(returns)


@pytest.mark.django_db
@pytest.mark.usefixtures("history")
def test_a_roll_up_reads_the_ledgers_exceptions_by_their_index(world: World) -> None:
    periods = [month(year, number) for year in (2024, 2025) for number in (1, 2, 3)]
    exceptions = ledger_exceptions(periods, np.array([world.ent_a1.pk]))
    assert [record.period for record in exceptions] == [month(2025, 1)]
    plan = query_plan(exceptions)
    if connection.vendor == "postgresql":
        # On tables this small PostgreSQL costs the partial index and the (firm, month) index the
        # same and takes either (its plan at a province's scale is not checked here): an index,
        # never a scan of the returns.
        assert "Index Scan" in plan and "Seq Scan" not in plan
    else:
        assert INDEX in plan
