"""When an open month's tally on the provincial office's page is too old, one request counts it
again and the requests arriving meanwhile show it as it was (selectors/tallies.py): under the
load benchmark's 64 users every request arriving while it was expired counted the province again,
and the page took 11 s (issue 15, item 9)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kaifaqu.conftest import Personas, World
from kaifaqu.returns.models import MonthTally
from kaifaqu.returns.selectors import tallies
from kaifaqu.returns.selectors.tallies import REGION_TALLY_SECONDS, tallied_progress
from kaifaqu.returns.services import return_accept
from kaifaqu.returns.tests.month_fixtures import MARCH, make_march, the_return

pytestmark = pytest.mark.django_db


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


def test_the_first_request_after_the_tally_expired_counts_it_again(
    world: World, march: dict[str, Any]
) -> None:
    assert counts(world) == (5, 3, 2)
    tally = MonthTally.objects.get(zone=world.zone_a, period=MARCH)
    assert tally.counted_at > timezone.now() - timedelta(seconds=5)
    assert tally.states.get("accepted") == 2


def test_a_request_arriving_while_another_counts_shows_the_tally_as_it_was(
    world: World, march: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = tallies._claimed

    def another_request_first(*args: Any) -> bool:
        assert claim(*args)  # the other request takes the recount …
        return claim(*args)  # … and this one finds it taken

    def never(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("counted again while another request counts")

    monkeypatch.setattr(tallies, "_claimed", another_request_first)
    monkeypatch.setattr(tallies, "month_progress", never)
    # The tally as it was: the acceptance since is not in it yet.
    assert counts(world) == (5, 3, 1)
