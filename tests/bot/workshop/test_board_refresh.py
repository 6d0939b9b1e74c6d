"""The board is refreshed from the database; concurrent refreshes coalesce and end fresh."""

import threading
import time

import pytest

from bot.workshop import board
from bot.workshop.board import refresh_board
from flows.journey import DEFAULT_JOURNEY
from flows.workshops import WorkshopSpec, create_workshop, join_workshop


class SlowClient:
    """Records every board edit; the first edit is slow, so other refreshes pile up meanwhile."""

    def __init__(self, fail_first: bool = False):
        self.edits: list[str] = []
        self.fail_first = fail_first
        self.started = threading.Event()

    def chat_update(self, channel, ts, text, blocks):
        first = not self.edits and not self.started.is_set()
        self.started.set()
        if first:
            time.sleep(0.3)
            if self.fail_first:
                raise RuntimeError("Slack is down")
        participants = next(
            f.text
            for b in blocks
            for f in (getattr(b, "fields", None) or [])
            if "Participants" in f.text
        )
        self.edits.append(participants)


@pytest.fixture
def workshop(db):
    with db.session() as session:
        workshop = create_workshop(
            session, "T1", "C1", "UF", WorkshopSpec("W", list(DEFAULT_JOURNEY))
        )
        workshop.board_ts = "1.0"
    return workshop


def test_a_burst_of_refreshes_coalesces_into_a_final_fresh_render(db, workshop):
    client = SlowClient()
    first = threading.Thread(target=refresh_board, args=(client, db, "T1", workshop.id))
    first.start()
    client.started.wait(5)
    for user in ("U1", "U2", "U3"):  # three joins while the first render is in flight
        with db.session() as session:
            join_workshop(session, workshop, user)
        refresh_board(client, db, "T1", workshop.id)  # returns at once: folded into the first
    first.join(5)
    assert client.edits[-1] == "*Participants*\n4"
    assert len(client.edits) == 2  # the slow one, then one more that saw everything


def test_a_failed_refresh_does_not_wedge_later_ones(db, workshop):
    client = SlowClient(fail_first=True)
    with pytest.raises(RuntimeError):
        refresh_board(client, db, "T1", workshop.id)
    refresh_board(client, db, "T1", workshop.id)
    assert client.edits == ["*Participants*\n1"]


class OtherReplicaClient(SlowClient):
    """While this process's edit is on its way to Slack, another replica saves a change and
    edits the board first, so this edit lands last, drawn from older data."""

    def __init__(self, db, workshop):
        super().__init__()
        self.db, self.workshop = db, workshop

    def chat_update(self, channel, ts, text, blocks):
        if not self.edits:
            with self.db.session() as session:
                join_workshop(session, self.workshop, "U9")
            self.edits.append("*Participants*\n2")  # the other replica's edit
        super().chat_update(channel, ts, text, blocks)


def test_an_edit_drawn_before_another_replicas_change_is_drawn_again(db, workshop):
    client = OtherReplicaClient(db, workshop)
    refresh_board(client, db, "T1", workshop.id)
    assert client.edits == ["*Participants*\n2", "*Participants*\n1", "*Participants*\n2"]


def test_a_refresh_asked_for_while_the_last_edit_is_checked_is_not_lost(db, workshop, monkeypatch):
    client, checked = SlowClient(), []
    read_board = board._current_summary

    def check_while_someone_joins(*args):
        summary = read_board(*args)  # read just before the join below
        if not checked:
            checked.append(True)
            with db.session() as session:
                join_workshop(session, workshop, "U7")
            other = threading.Thread(target=refresh_board, args=(client, db, "T1", workshop.id))
            other.start()  # folds into the refresh under way, which must then run once more
            other.join(5)
        return summary

    monkeypatch.setattr(board, "_current_summary", check_while_someone_joins)
    refresh_board(client, db, "T1", workshop.id)
    assert client.edits[-1] == "*Participants*\n2"


class FakeClock:
    """Stands in for the time module in bot.workshop.board: sleeping moves the clock on at once."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_edits_of_one_board_are_spaced_out_under_a_burst(db, workshop, monkeypatch):
    monkeypatch.setattr(board, "BOARD_EDIT_INTERVAL_S", 0.5)
    clock = FakeClock()  # the board's own clock: what it waits is exact, however loaded we are
    monkeypatch.setattr(board, "time", clock)
    render_started: list[float] = []
    render = board._render_board

    def timed_render(*args):
        render_started.append(clock.monotonic())
        clock.now += 0.1  # a render (a read, then the edit) takes a tenth of a second
        return render(*args)

    monkeypatch.setattr(board, "_render_board", timed_render)
    client = SlowClient()
    first = threading.Thread(target=refresh_board, args=(client, db, "T1", workshop.id))
    first.start()
    client.started.wait(5)
    with db.session() as session:
        join_workshop(session, workshop, "U1")
    refresh_board(client, db, "T1", workshop.id)
    first.join(5)
    assert client.edits == ["*Participants*\n1", "*Participants*\n2"]
    # the interval counts from the start of one render to the start of the next
    assert render_started == [0.0, 0.5]
