"""Posts to one channel a second apart: the waits are computed on a fake clock (no real sleep)."""

import itertools
import threading

from bot.slack import pacing
from bot.slack.pacing import ChannelPacer


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def pacer(clock):
    return ChannelPacer(1.0, clock=clock, sleep=clock.sleep)


def test_a_channel_is_posted_to_a_second_after_its_previous_post_was_answered():
    clock = FakeClock()
    paced = pacer(clock)
    with paced.turn("C1"):
        clock.now += 0.25  # the post takes a quarter of a second
    with paced.turn("C1"):
        pass
    assert clock.sleeps == [1.0]  # a second from the answer, not from the request
    clock.now += 0.4
    with paced.turn("C1"):
        pass
    assert clock.sleeps == [1.0, 0.6]
    clock.now += 5
    with paced.turn("C1"):
        pass
    assert clock.sleeps == [1.0, 0.6]  # long enough ago: no wait


def test_other_channels_are_not_held_up():
    clock = FakeClock()
    paced = pacer(clock)
    for channel in ("C1", "C2", "U3"):
        with paced.turn(channel):
            pass
    assert clock.sleeps == []


def test_a_failed_post_counts_as_a_post():
    clock = FakeClock()
    paced = pacer(clock)
    try:
        with paced.turn("C1"):
            raise RuntimeError("Slack said no")
    except RuntimeError:
        pass
    with paced.turn("C1"):
        pass
    assert clock.sleeps == [1.0]


def test_threads_posting_to_one_channel_take_turns():
    clock = FakeClock()
    paced = pacer(clock)
    lock = threading.Lock()
    inside, most_inside, posted_at = 0, 0, []
    start = threading.Barrier(6)

    def post():
        nonlocal inside, most_inside
        start.wait()
        with paced.turn("C1"):
            with lock:
                inside += 1
                most_inside = max(most_inside, inside)
                posted_at.append(clock.now)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most_inside == 1
    assert len(posted_at) == 6
    gaps = [b - a for a, b in itertools.pairwise(posted_at)]
    assert all(gap >= 1.0 for gap in gaps)


def test_idle_channels_are_forgotten(monkeypatch):
    monkeypatch.setattr(pacing, "FORGET_AFTER", 3)
    clock = FakeClock()
    paced = pacer(clock)
    for channel in ("C1", "C2", "C3"):
        with paced.turn(channel):
            pass
    assert len(paced) == 3
    clock.now += 2
    with paced.turn("C4"):
        pass
    assert len(paced) == 1  # only C4, whose second is not over
