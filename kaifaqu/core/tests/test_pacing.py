"""Background work in paced pieces (core/lib/pacing.py)."""

import pytest

from kaifaqu.core.lib.pacing import Pacer, paced


class FakeTime:
    """A clock that moves only when the work or a wait says so."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def test_each_piece_is_followed_by_a_wait_in_proportion_to_its_work() -> None:
    time = FakeTime()
    work = {"a": 0.2, "b": 0.05, "c": 0.4}
    done = []
    for piece in paced(work, share=0.5, clock=time.clock, sleep=time.sleep):
        done.append(piece)
        time.now += work[piece]
    assert done == ["a", "b", "c"]
    # After a and b, as long as each took (half the time working); nothing after the last.
    assert time.waits == pytest.approx([0.2, 0.05])


def test_a_quarter_share_waits_three_times_the_work() -> None:
    time = FakeTime()
    for _piece in paced([1, 2], share=0.25, clock=time.clock, sleep=time.sleep):
        time.now += 0.1
    assert time.waits == pytest.approx([0.3])


def test_the_whole_share_never_waits() -> None:
    time = FakeTime()
    for _piece in paced(range(5), share=1.0, clock=time.clock, sleep=time.sleep):
        time.now += 1.0
    assert time.waits == []


@pytest.mark.parametrize("share", [0, -0.5, 1.5])
def test_a_share_outside_zero_to_one_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match="share"):
        list(paced([1], share=share))
    with pytest.raises(ValueError, match="share"):
        Pacer(share)


def test_a_pacer_waits_for_the_work_since_it_was_made_or_last_called() -> None:
    time = FakeTime()
    pace = Pacer(0.5, clock=time.clock, sleep=time.sleep)
    time.now += 0.3  # the first piece
    pace()
    time.now += 0.1  # the second, timed from the end of the first wait
    pace()
    assert time.waits == pytest.approx([0.3, 0.1])


def test_a_piece_that_took_no_time_asks_for_no_wait() -> None:
    time = FakeTime()
    pace = Pacer(0.5, clock=time.clock, sleep=time.sleep)
    pace()
    assert time.waits == []
