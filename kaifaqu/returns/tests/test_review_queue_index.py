"""The review queue reads only the returns awaiting review, through their partial index: a
zone's queue at the month end is a few returns among its firms' years of accepted ones."""

import pytest

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.query_plans import query_plan
from kaifaqu.returns.models import ReturnStatus
from kaifaqu.returns.selectors.returns import clean_awaiting_review, review_queue
from kaifaqu.returns.tests.helpers import month, stored_return

INDEX = "stat_return_awaiting_review"


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
    assert INDEX in query_plan(queue)
    assert INDEX in query_plan(clean)
