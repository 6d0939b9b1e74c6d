"""The after-ack pool: work runs off the listener thread, newest wins per key, failures told."""

from __future__ import annotations

import logging
import threading

import pytest

from bot.slack.after_ack import AfterAck, Coalescer
from demo.local import TrackingExecutor
from flows.errors import Conflict


@pytest.fixture
def pool():
    executor = TrackingExecutor(4, "after-ack-test")
    yield AfterAck(executor), executor
    executor.shutdown(wait=True)


def wait_idle(executor: TrackingExecutor) -> None:
    for _ in range(500):
        if executor.idle:
            return
        threading.Event().wait(0.01)
    raise AssertionError("after-ack work never finished")


def test_runs_work_on_another_thread(pool):
    after_ack, executor = pool
    ran_on = []
    after_ack.run("k", lambda: ran_on.append(threading.current_thread().name))
    wait_idle(executor)
    assert len(ran_on) == 1 and ran_on[0].startswith("after-ack-test")


def test_work_for_a_busy_key_waits_and_only_the_newest_runs(pool):
    after_ack, executor = pool
    release = threading.Event()
    started = threading.Event()
    ran: list[str] = []

    def first() -> None:
        started.set()
        release.wait(5)
        ran.append("first")

    after_ack.run("view", first)
    assert started.wait(5)
    for name in ("second", "third", "fourth"):  # arrive while "first" runs
        after_ack.run("view", lambda name=name: ran.append(name))
    release.set()
    wait_idle(executor)
    assert ran == ["first", "fourth"]


def test_keys_do_not_wait_for_each_other(pool):
    after_ack, executor = pool
    release = threading.Event()
    other_ran = threading.Event()
    after_ack.run("slow", lambda: release.wait(5))
    after_ack.run("fast", other_ran.set)
    assert other_ran.wait(5), "work for another key waited behind the slow one"
    release.set()
    wait_idle(executor)


def test_a_key_runs_again_after_its_work_finished(pool):
    after_ack, executor = pool
    ran: list[int] = []
    for number in range(3):
        after_ack.run("k", lambda number=number: ran.append(number))
        wait_idle(executor)
    assert ran == [0, 1, 2]


def test_failure_is_logged_and_reported_and_the_key_stays_usable(pool, caplog):
    after_ack, executor = pool
    reported: list[Exception] = []

    def boom() -> None:
        raise RuntimeError("render failed")

    with caplog.at_level(logging.ERROR, logger="bot.slack.after_ack"):
        after_ack.run("k", boom, reported.append)
        wait_idle(executor)
    assert [str(error) for error in reported] == ["render failed"]
    assert "after-ack work for 'k' failed" in caplog.text
    ran = []
    after_ack.run("k", lambda: ran.append(1))
    wait_idle(executor)
    assert ran == [1]


def test_a_refusal_is_reported_without_an_error_log(pool, caplog):
    after_ack, executor = pool
    reported: list[Exception] = []

    def refuse() -> None:
        raise Conflict("Voting has closed.")

    with caplog.at_level(logging.INFO, logger="bot.slack.after_ack"):
        after_ack.run("k", refuse, reported.append)
        wait_idle(executor)
    assert [str(error) for error in reported] == ["Voting has closed."]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_failing_report_does_not_wedge_the_key(pool):
    after_ack, executor = pool

    def report(_error: Exception) -> None:
        raise RuntimeError("Slack is down too")

    after_ack.run("k", lambda: 1 / 0, report)
    wait_idle(executor)
    ran = []
    after_ack.run("k", lambda: ran.append(1))
    wait_idle(executor)
    assert ran == [1]


def test_work_without_a_key_is_never_folded_into_other_work(pool):
    after_ack, executor = pool
    release = threading.Event()
    ran: list[int] = []
    after_ack.run(None, lambda: (release.wait(5), ran.append(0)))
    for number in (1, 2, 3):
        after_ack.run(None, lambda number=number: ran.append(number))
    release.set()
    wait_idle(executor)
    assert sorted(ran) == [0, 1, 2, 3]


class StepClock:
    """A clock that moves only when slept on, so waits are exact however loaded the machine."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_coalescer_drained_on_the_callers_thread_spaces_runs_of_one_key():
    clock = StepClock()
    coalescer = Coalescer(spacing=lambda: 1.0, monotonic=clock.monotonic, sleep=clock.sleep)
    started: list[float] = []

    def work(name: str) -> None:
        started.append(clock.now)
        clock.now += 0.25  # each run takes a quarter of a second
        if name == "first":  # two more arrive meanwhile: only the newest runs, once
            assert not coalescer.offer("board", lambda: work("second"))
            assert not coalescer.offer("board", lambda: work("third"))
            assert coalescer.waiting("board")

    assert coalescer.offer("board", lambda: work("first"))
    coalescer.drain("board")
    assert started == [0.0, 1.0]  # the next run starts a second after the last one started
    assert not coalescer.waiting("board")
    assert coalescer.offer("board", lambda: None)  # nothing runs: the next caller drains


def test_work_offered_while_the_drain_waits_out_the_spacing_is_served_by_one_run():
    # The benchmark's board after a burst of votes: the last votes' redraws are offered while
    # the drain waits for the spacing; one redraw after the wait reads every vote, and a second
    # one a second later would only draw the same state again.
    clock = StepClock()
    offers_during_sleep: list[str] = ["late"]
    ran: list[tuple[str, float]] = []

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        while offers_during_sleep:  # a redraw asked for while the drain waits
            name = offers_during_sleep.pop()
            assert not coalescer.offer("board", lambda name=name: work(name))

    coalescer = Coalescer(spacing=lambda: 1.0, monotonic=clock.monotonic, sleep=sleep)

    def work(name: str) -> None:
        ran.append((name, clock.now))
        clock.now += 0.25
        if name == "first":
            assert not coalescer.offer("board", lambda: work("second"))

    assert coalescer.offer("board", lambda: work("first"))
    coalescer.drain("board")
    # first at 0.0; "second" waited for the spacing, "late" came during the wait and replaced
    # it: one run at 1.0 (0.0 + 1 s spacing), none at 2.0.
    assert ran == [("first", 0.0), ("late", 1.0)]
    assert not coalescer.waiting("board")


def test_a_drain_that_raises_lets_go_of_its_key():
    coalescer = Coalescer()

    def fail() -> None:
        coalescer.offer("k", lambda: None)  # arrives meanwhile: dropped with the failure
        raise RuntimeError("Slack is down")

    assert coalescer.offer("k", fail)
    with pytest.raises(RuntimeError):
        coalescer.drain("k", raise_errors=True)
    assert not coalescer.waiting("k")
    assert coalescer.offer("k", lambda: None)
