"""When an open month's tally on the provincial office's page is too old, the first request
queues its recount for the background worker and every request shows it as it was until the
worker has counted (selectors/tallies.py, returns/tasks.py): under the load benchmark's 64 users
every request arriving while it was expired counted the province again, and the page took 11 s;
then the request that claimed the recount took 1–2 s (issue 15, item 9). No request counts a
month that has a tally."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.pacing import paced
from kaifaqu.returns.models import MonthTally
from kaifaqu.returns.selectors import tallies
from kaifaqu.returns.selectors.tallies import REGION_TALLY_SECONDS, tallied_progress
from kaifaqu.returns.services import return_accept
from kaifaqu.returns.tests.month_fixtures import MARCH, make_march, the_return

pytestmark = pytest.mark.django_db


def never(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("counted in the request")


def counts(world: World) -> tuple[int, int, int]:
    progress = tallied_progress([(world.zone_a.pk, MARCH)], max_age=REGION_TALLY_SECONDS)[
        (world.zone_a.pk, MARCH)
    ]
    return progress.expected, progress.reached, progress.accepted


def expire() -> None:
    MonthTally.objects.update(
        counted_at=timezone.now() - timedelta(seconds=REGION_TALLY_SECONDS + 1)
    )


@pytest.fixture
def march(world: World, personas: Personas) -> dict[str, Any]:
    made = make_march(world, personas)
    assert counts(world) == (5, 3, 1)  # the fixture's hand-worked counts, now tallied
    return_accept(by=personas.statistician, return_record=the_return(made["waiting"]))
    expire()
    return made


def test_the_first_request_after_the_tally_expired_queues_its_recount(
    world: World, march: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[dict[str, Any]] = []
    monkeypatch.setattr(
        tallies,
        "_recount_later",
        lambda period, zone_ids: queued.append({"period": period, "zone_ids": zone_ids}),
    )
    monkeypatch.setattr(tallies, "month_progress", never)
    # Shown as it was (the acceptance since is not in it), counted by nobody in the request.
    assert counts(world) == (5, 3, 1)
    assert queued == [{"period": MARCH, "zone_ids": [world.zone_a.pk]}]
    # Claimed: the next request neither counts nor queues it again.
    assert counts(world) == (5, 3, 1)
    assert len(queued) == 1


def test_the_worker_counts_it_and_the_next_request_shows_the_new_count(
    world: World, march: dict[str, Any]
) -> None:
    # The suite's task backend runs the queued recount at once, as the worker would.
    assert counts(world) == (5, 3, 1)
    tally = MonthTally.objects.get(zone=world.zone_a, period=MARCH)
    assert tally.counted_at > timezone.now() - timedelta(seconds=5)
    assert tally.states.get("accepted") == 2
    assert counts(world) == (5, 3, 2)


def test_a_month_without_a_tally_is_counted_in_the_request(
    world: World, march: dict[str, Any]
) -> None:
    MonthTally.objects.all().delete()
    assert counts(world) == (5, 3, 2)
    assert MonthTally.objects.get(zone=world.zone_a, period=MARCH).states.get("accepted") == 2


def test_a_zones_own_page_counts_its_open_month_afresh_without_storing_it(
    world: World, march: dict[str, Any]
) -> None:
    before = MonthTally.objects.get(zone=world.zone_a, period=MARCH)
    fresh = tallied_progress([(world.zone_a.pk, MARCH)])[(world.zone_a.pk, MARCH)]
    assert fresh.accepted == 2
    assert MonthTally.objects.get(zone=world.zone_a, period=MARCH).counted_at == before.counted_at


def test_a_request_arriving_while_another_counts_shows_the_tally_as_it_was(
    world: World, march: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = tallies._claimed

    def another_request_first(*args: Any) -> bool:
        assert claim(*args)  # the other request takes the recount …
        return claim(*args)  # … and this one finds it taken

    monkeypatch.setattr(tallies, "_claimed", another_request_first)
    monkeypatch.setattr(tallies, "month_progress", never)
    # The tally as it was: the acceptance since is not in it yet.
    assert counts(world) == (5, 3, 1)


def test_the_worker_counts_a_few_zones_at_a_time_and_waits_between_them(
    world: World, march: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One query of the whole province took a core from the requests for a second: the
    # recount goes a few zones at a time, waiting after each piece as KFQ_BACKGROUND_SHARE says.
    settings.KFQ_BACKGROUND_SHARE = 0.5
    monkeypatch.setattr(tallies, "RECOUNT_ZONES", 1)
    pieces: list[list[int]] = []
    waits: list[float] = []

    def watched(items: Any, *, share: float) -> Any:
        assert share == 0.5
        for piece in paced(items, share=share, sleep=waits.append):
            pieces.append(piece)
            yield piece

    monkeypatch.setattr(tallies, "paced", watched)
    zones = sorted([world.zone_a.pk, world.zone_b.pk])
    assert tallies.tallies_recount(MARCH, reversed(zones)) == 2
    assert pieces == [[zones[0]], [zones[1]]]
    assert len(waits) == 1  # between the two pieces, none after the last
    # Both counted and stored: zone A's month with the acceptance made after its tally.
    assert counts(world) == (5, 3, 2)
    stamps = MonthTally.objects.filter(period=MARCH, zone_id__in=zones).values_list(
        "counted_at", flat=True
    )
    # Stamped as of the recount's start, all alike: they expire together, and the next
    # recount is one task again (stamped as each piece ended, the recount split into ever more
    # tasks under the load benchmark).
    assert len(stamps) == 2 and len(set(stamps)) == 1
