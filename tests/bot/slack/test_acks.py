"""A click is acknowledged only once what it changes is saved; on PostgreSQL a lock wait that
would outlast Slack's deadline is given up, and nothing is saved."""

import threading
import time

import pytest
from slack_bolt import BoltContext
from sqlalchemy import text, update

from bot.slack import acks
from bot.slack.acks import RECEIVED_AT, save_then_ack
from flows.errors import Busy, NotAllowed
from storage.db import is_sqlite
from storage.models import Workshop
from tests.factories import make_workshop


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


def test_a_save_kept_waiting_is_not_acknowledged_before_it_ends(monkeypatch):
    monkeypatch.setattr(acks, "ACK_WITHIN_S", 0.1)
    ack, finished = RecordingAck(), []

    def slow_save():
        time.sleep(0.4)  # held, past the deadline, like a lock another transaction holds
        finished.append(time.monotonic())
        return "saved"

    assert save_then_ack(ack, arrived(), slow_save) == "saved"
    time.sleep(0.05)
    (acked_at,) = ack.calls  # once, and only after the save
    assert acked_at >= finished[0]


@pytest.fixture
def postgres(db):
    if is_sqlite(db.engine):
        pytest.skip("row locks and lock_timeout are PostgreSQL's")
    return db


def test_a_lock_held_past_the_deadline_is_given_up_acknowledged_and_nothing_saved(
    postgres, monkeypatch
):
    monkeypatch.setattr(acks, "ACK_WITHIN_S", 0.5)
    db = postgres
    with db.session() as session:
        workshop = make_workshop(session, title="Held")
    holder = db.engine.connect()
    holder.execute(text("BEGIN"))
    holder.execute(text("SELECT id FROM workshop WHERE id = :id FOR UPDATE"), {"id": workshop.id})
    ack = RecordingAck()
    # Should the wait not be limited, the holder lets go after 3 s and the test fails, not hangs.
    letting_go = threading.Timer(3, holder.rollback)
    letting_go.start()

    def rename():
        with db.session() as session:
            session.execute(
                update(Workshop).where(Workshop.id == workshop.id).values(title="Renamed")
            )

    started = time.monotonic()
    try:
        with pytest.raises(Busy) as refused:
            save_then_ack(ack, arrived(), rename)
        waited = time.monotonic() - started
    finally:
        letting_go.cancel()
        holder.rollback()
        holder.close()
    assert str(refused.value) == acks.NOT_SAVED
    assert 0.4 < waited < 2.0  # the deadline, not the lock holder, ended the wait
    assert len(ack.calls) == 1
    with db.session() as session:
        assert session.get(Workshop, workshop.id).title == "Held"


def test_the_limit_holds_inside_save_then_ack_only(postgres):
    def show_limit():
        with postgres.session() as session:
            return session.execute(text("SHOW lock_timeout")).scalar()

    inside = save_then_ack(RecordingAck(), arrived(), show_limit)
    assert inside != "0"
    assert show_limit() == "0"  # the pooled connection kept no limit: other work waits as usual
