"""A click is acknowledged once what it changes is saved, but never later than Slack allows."""

import threading
import time

import pytest
from slack_bolt import BoltContext

from bot import acks
from bot.acks import RECEIVED_AT, save_then_ack
from flows.errors import NotAllowed


class RecordingAck:
    def __init__(self):
        self.calls: list[float] = []

    def __call__(self):
        self.calls.append(time.monotonic())


def arrived(seconds_ago: float = 0.0) -> BoltContext:
    return BoltContext({RECEIVED_AT: time.monotonic() - seconds_ago})


def test_the_ack_comes_after_the_save_and_once():
    ack, saved = RecordingAck(), []

    def save():
        assert ack.calls == []  # not acknowledged while saving
        saved.append(time.monotonic())
        return "saved"

    assert save_then_ack(ack, arrived(), save) == "saved"
    assert len(ack.calls) == 1 and ack.calls[0] >= saved[0]


def test_a_refusal_is_acknowledged_and_raised():
    ack = RecordingAck()

    def refuse():
        raise NotAllowed("Only the facilitator can do that.")

    with pytest.raises(NotAllowed):
        save_then_ack(ack, arrived(), refuse)
    assert len(ack.calls) == 1


def test_an_unexpected_failure_is_not_acknowledged():
    ack = RecordingAck()

    def fail():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        save_then_ack(ack, arrived(), fail)
    time.sleep(0.05)
    assert ack.calls == []


def test_a_save_kept_waiting_is_acknowledged_at_the_deadline_and_still_completes(monkeypatch):
    monkeypatch.setattr(acks, "ACK_WITHIN_S", 0.2)
    ack, release = RecordingAck(), threading.Event()

    def slow_save():
        assert release.wait(5)  # held, like a lock another transaction holds
        return "saved"

    context = arrived()
    started = time.monotonic()
    waiter = threading.Timer(0.6, release.set)
    waiter.start()
    assert save_then_ack(ack, context, slow_save) == "saved"
    waiter.join()
    (acked_at,) = ack.calls  # once: at the deadline, not again after the save
    assert acked_at - started < 0.6  # before the save was let through


def test_the_deadline_counts_from_the_requests_arrival(monkeypatch):
    monkeypatch.setattr(acks, "ACK_WITHIN_S", 0.5)
    ack, release = RecordingAck(), threading.Event()
    threading.Timer(1, release.set).start()
    save_then_ack(ack, arrived(seconds_ago=0.5), lambda: release.wait(5))
    assert len(ack.calls) == 1 and ack.calls[0] < time.monotonic() - 0.5  # at once


def test_deadlines_share_one_thread_and_a_cancelled_one_never_fires(monkeypatch):
    monkeypatch.setattr(acks, "ACK_WITHIN_S", 0.1)
    recorded = [RecordingAck() for _ in range(50)]
    for ack in recorded:
        save_then_ack(ack, arrived(), lambda: "saved")
    time.sleep(0.3)  # every deadline has passed
    assert [len(ack.calls) for ack in recorded] == [1] * 50
    names = [thread.name for thread in threading.enumerate()]
    assert names.count("ack-deadlines") == 1


def test_an_earlier_deadline_added_later_still_fires_first(monkeypatch):
    monkeypatch.setattr(acks, "ACK_WITHIN_S", 0.6)
    late, early, release = RecordingAck(), RecordingAck(), threading.Event()
    waiting = threading.Thread(
        target=save_then_ack, args=(late, arrived(), lambda: release.wait(5))
    )
    waiting.start()
    time.sleep(0.05)
    threading.Timer(1.5, release.set).start()
    save_then_ack(early, arrived(seconds_ago=0.4), lambda: release.wait(5))
    waiting.join(5)
    assert early.calls[0] < late.calls[0]
