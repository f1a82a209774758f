"""The zones' months counted by state from stored tallies (selectors/tallies.py): a closed month's
tally stands, an open month's is counted afresh (or, on the provincial office's page, when older
than REGION_TALLY_SECONDS); and the month's pages count the firms a fixed number of times
whatever the number of zones, months and firms (the regression the province-scale benchmark,
bench/month_close.py, would otherwise find: one grouped count of 200,000 firms per request)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaifaqu.conftest import Personas, World
from kaifaqu.returns.models import MonthTally, ReportingMonth, ReportingMonthStatus, Return
from kaifaqu.returns.selectors.tallies import REGION_TALLY_SECONDS, tallied_progress
from kaifaqu.returns.services import return_accept
from kaifaqu.returns.services.months import reporting_month_reopen
from kaifaqu.returns.tests.helpers import firm, stored_return
from kaifaqu.returns.tests.month_fixtures import MARCH, make_march, on_roster, the_return
from kaifaqu.returns.tests.test_month_pages import detail, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(world: World, personas: Personas) -> dict[str, Any]:
    return make_march(world, personas)


def counts(world: World, **options: Any) -> tuple[int, int, int]:
    progress = tallied_progress([(world.zone_a.pk, MARCH)], **options)[(world.zone_a.pk, MARCH)]
    return progress.expected, progress.reached, progress.accepted


def close(month: ReportingMonth) -> None:
    ReportingMonth.objects.filter(pk=month.pk).update(
        status=ReportingMonthStatus.CLOSED, closed_at=timezone.now()
    )


def test_an_open_month_is_counted_afresh_unless_a_recent_tally_is_good_enough(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    # The fixture's hand-worked counts: 5 firms, 3 reached, 1 accepted. A zone's own page
    # counts its open month and stores nothing; the province's counts a month never counted
    # and stores its tally.
    assert counts(world) == (5, 3, 1)
    assert not MonthTally.objects.exists()
    assert counts(world, max_age=REGION_TALLY_SECONDS) == (5, 3, 1)
    tally = MonthTally.objects.get(zone=world.zone_a, period=MARCH)
    assert (tally.expected, tally.final) == (5, False)
    return_accept(by=personas.statistician, return_record=the_return(march["waiting"]))
    # A zone's own page counts afresh; the province's takes the tally while it is recent …
    assert counts(world, max_age=REGION_TALLY_SECONDS) == (5, 3, 1)
    assert counts(world) == (5, 3, 2)
    # … and once it is older shows it as it was while the worker counts it again (the suite's
    # task backend runs the recount at once), then the new count.
    MonthTally.objects.update(counted_at=timezone.now() - timedelta(seconds=REGION_TALLY_SECONDS))
    assert counts(world, max_age=REGION_TALLY_SECONDS) == (5, 3, 1)
    assert counts(world, max_age=REGION_TALLY_SECONDS) == (5, 3, 2)


def test_a_closed_months_tally_stands_until_the_month_is_reopened(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    assert counts(world) == (5, 3, 1)  # a tally counted while the month was open: not final
    return_accept(by=personas.statistician, return_record=the_return(march["waiting"]))
    close(march["month"])
    # Even dated after the close, a tally not counted as closed is counted again; then final.
    MonthTally.objects.update(counted_at=timezone.now() + timedelta(seconds=1))
    assert counts(world) == (5, 3, 2)
    assert MonthTally.objects.get().final is True
    # What the closed month counted stands: nothing is counted again (a closed month's returns
    # cannot change; here one is changed behind the services' back to show the tally is read).
    Return.objects.filter(enterprise=march["accepted"], period=MARCH).update(status="returned")
    with CaptureQueriesContext(connection) as queries:
        assert counts(world) == (5, 3, 2)
    assert not [q for q in queries.captured_queries if "rosterentry" in q["sql"]]
    reporting_month_reopen(by=personas.statistician, reporting_month=march["month"], reason="更正")
    assert counts(world) == (5, 3, 1)


def roster_queries(queries: CaptureQueriesContext) -> int:
    """The queries that count firms (they read the roster)."""
    return sum("enterprises_rosterentry" in query["sql"] for query in queries.captured_queries)


def more_firms(world: World, count: int) -> None:
    firms = [firm(world.zone_a, 100 + number, park=world.park_a1) for number in range(count)]
    on_roster(*firms)
    for each in firms:
        stored_return(each, MARCH, status="accepted", gross_output=10)


def test_the_provincial_page_counts_the_firms_once_then_reads_the_tallies(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("province_viewer")
    url = f"{reverse('returns:month-zones')}?month=2025-03"
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    assert roster_queries(first) == 1  # every zone in one grouped count
    more_firms(world, 12)
    with CaptureQueriesContext(connection) as second:
        html = client.get(url).content.decode()
    assert roster_queries(second) == 0
    assert len(second.captured_queries) <= len(first.captured_queries)
    assert "60.0%" in html  # the tally of a moment ago (the 12 new firms not yet in it)


def test_a_zones_months_are_counted_once_each_open_month_whatever_the_closed_ones(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    for number in (1, 2):
        close(
            ReportingMonth.objects.create(
                zone=world.zone_a, period=date(2025, number, 1), deadline=date(2025, 4, 10)
            )
        )
    client = signed_in("statistician")
    url = f"{reverse('returns:month-list')}?zone={world.zone_a.pk}"
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    assert roster_queries(first) == 3  # each month once: January, February, March
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert roster_queries(second) == 1  # March, open: counted afresh; January and February read


def test_a_months_page_counts_its_firms_a_fixed_number_of_times_whatever_their_number(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("statistician")
    with CaptureQueriesContext(connection) as few:
        assert client.get(detail(march["month"])).status_code == 200
    # The roster read once: the counts (the month and its parks), the firms to chase and what
    # blocks the close all come from it.
    assert roster_queries(few) == 1
    more_firms(world, 30)
    with CaptureQueriesContext(connection) as many:
        client.get(detail(march["month"]))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert roster_queries(many) == 1


def test_a_publication_stores_the_counts_it_published_as_the_final_tally(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    from kaifaqu.indicators.services.publication import month_publish
    from kaifaqu.returns.services.months import non_response_record, reporting_month_close

    return_accept(by=personas.statistician, return_record=the_return(march["waiting"]))
    for key in ("sent_back", "silent", "draft"):
        non_response_record(
            by=personas.statistician,
            reporting_month=march["month"],
            enterprise=march[key],
            reason="suspended",
        )
    closed = reporting_month_close(by=personas.statistician, reporting_month=march["month"])
    MonthTally.objects.all().delete()
    month_publish(by=personas.statistician, reporting_month=closed)
    tally = MonthTally.objects.get(zone=world.zone_a, period=MARCH)
    assert tally.final and tally.expected == 5
    assert tally.states == {"accepted": 2, "not_reported": 3}
    with CaptureQueriesContext(connection) as queries:
        assert counts(world) == (5, 2, 2)
    assert roster_queries(queries) == 0
