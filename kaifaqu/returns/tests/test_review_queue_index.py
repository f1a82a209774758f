"""The review queue reads only the returns awaiting review, through their partial index: a
zone's queue at the month end is a few returns among its firms' years of accepted ones."""

from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet

from kaifaqu.conftest import Personas, World
from kaifaqu.returns.models import ReturnStatus
from kaifaqu.returns.selectors.returns import clean_awaiting_review, review_queue
from kaifaqu.returns.tests.helpers import month, stored_return

INDEX = "stat_return_awaiting_review"


def plan(queryset: QuerySet[Any]) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The tables are tiny: make PostgreSQL say whether the index can serve the query.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.fixture
def history(world: World) -> None:
    for number in range(1, 13):
        stored_return(
            world.ent_a1,
            month(2024, number),
            gross_output=100 + number,
            status=ReturnStatus.ACCEPTED,
        )
    stored_return(world.ent_a1, month(2025, 1), gross_output=120, status=ReturnStatus.SUBMITTED)


@pytest.mark.django_db
@pytest.mark.usefixtures("history")
def test_the_review_queue_and_its_clean_count_read_the_returns_awaiting_review_by_their_index(
    personas: Personas,
) -> None:
    queue = review_queue(user=personas.statistician, filters={})
    clean = clean_awaiting_review(
        user=personas.statistician, filters={"period": None, "park": None, "q": None}
    )
    assert [record.period for record in queue] == [month(2025, 1)]
    assert INDEX in plan(queue)
    assert INDEX in plan(clean)
