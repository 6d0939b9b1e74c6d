"""The vote click journal: a click is saved first, without waiting for the voter's locks, then
applied once, in the voter's order, with change_vote's compare-and-set rules."""

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text, update
from sqlmodel import select

from bot.vote_sweeper import VoteSweeper, sweep
from flows.errors import Conflict
from flows.fixes import FixDraft, propose_fix
from flows.journey import StageSpec
from flows.vote_clicks import (
    APPLIED_RETENTION,
    Click,
    apply_clicks,
    apply_workshop_clicks,
    click_key,
    forget_applied_clicks,
    record_click,
    unapplied_clicks,
)
from flows.voting import own_votes, votes_cast
from flows.workshops import WorkshopSpec, create_workshop, get_workshop, join_workshop
from storage.db import Database, is_sqlite
from storage.models import Phase, Touchpoint, VoteClick, utcnow

TEAM = "T1"


@pytest.fixture
def voting(db: Database):
    """A workshop in the voting phase with fixes A, B, C; UV and UW have joined; budget 2."""
    with db.session() as session:
        spec = WorkshopSpec("Checkout", [StageSpec("Buy", ("Pay",))], vote_budget=2)
        workshop = create_workshop(session, TEAM, "C1", "UF", spec)
        workshop.phase = Phase.fixes
        session.add(workshop)
        session.flush()
        touchpoint = session.exec(
            select(Touchpoint.id).where(Touchpoint.workshop_id == workshop.id)
        ).one()
        fixes = [
            propose_fix(session, TEAM, workshop.id, "UA", FixDraft(name, touchpoint)).id
            for name in "ABC"
        ]
        workshop.phase = Phase.voting
        session.add(workshop)
        for voter in ("UV", "UW"):
            join_workshop(session, workshop, voter)
    return workshop.id, fixes


def journal(db, workshop_id, fix_id, shown, wanted, voter="UV", key=None) -> int | None:
    click = Click(TEAM, workshop_id, voter, fix_id, shown, wanted)
    with db.session() as session:
        return record_click(session, click, key or click_key(time.monotonic_ns()))


def apply(db, workshop_id, click_id, voter="UV", **options):
    with db.session() as session:
        return apply_clicks(session, TEAM, workshop_id, voter, click_id, **options)


def votes_of(db, workshop_id, voter="UV") -> dict[int, int]:
    with db.session() as session:
        return own_votes(session, get_workshop(session, TEAM, workshop_id), voter)


def wait_for_votes(db, workshop_id, timeout=10.0) -> None:
    """Until the voter has votes, or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not votes_of(db, workshop_id) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_click_is_journaled_once_per_delivery_and_applied_once(db, voting):
    workshop_id, (a, *_) = voting
    key = click_key("trigger-1", "1700000000.000100", "UV")
    first = journal(db, workshop_id, a, 0, 1, key=key)
    assert journal(db, workshop_id, a, 0, 1, key=key) == first  # the same request again
    assert votes_of(db, workshop_id) == {}  # saved, not applied yet
    outcome = apply(db, workshop_id, first)
    assert (outcome.changed, outcome.refusal) == (True, None)
    assert apply(db, workshop_id, first) == outcome  # applying again reports, changes nothing
    assert votes_of(db, workshop_id) == {a: 1}
    with db.session() as session:
        (row,) = session.exec(select(VoteClick)).all()
        assert row.applied_at is not None and row.changed


def test_a_voters_clicks_are_applied_in_the_order_they_arrived(db, voting):
    workshop_id, (a, *_) = voting
    vote = journal(db, workshop_id, a, 0, 1)
    take_back = journal(db, workshop_id, a, 1, 0)  # drawn after the vote was shown
    # Applying the later click first applies the earlier one before it: had the take-back gone
    # first, it would have been refused (still 0 votes) and the vote then counted.
    assert apply(db, workshop_id, take_back).changed
    assert apply(db, workshop_id, vote).changed
    assert votes_of(db, workshop_id) == {}


def test_a_refused_click_says_why_spoils_nothing_else_and_leaves_no_row(db, voting):
    workshop_id, (a, b, c) = voting
    clicks = [journal(db, workshop_id, fix, 0, 1) for fix in (a, b, c)]
    assert apply(db, workshop_id, clicks[-1]).refusal.startswith("You've used all 2 of your")
    assert [apply(db, workshop_id, click).changed for click in clicks] == [True, True, False]
    assert votes_of(db, workshop_id) == {a: 1, b: 1}
    with db.session() as session:
        assert sorted(session.exec(select(VoteClick.id)).all()) == clicks[:2]


@pytest.mark.parametrize(
    "click",
    [
        Click(TEAM, 1, "UV", 2**40, 0, 1),  # an id no column holds
        Click(TEAM, 2**31, "UV", 1, 0, 1),
        Click(TEAM, 1, "UV", 1, 0, 2),  # not one step
        Click(TEAM, 1, "UV", 1, 10**30, 10**30 + 1),
        Click(TEAM, 1, "U" * 40, 1, 0, 1),  # longer than any user id
        Click(TEAM, 1, "U\x00V", 1, 0, 1),
        Click(None, 1, "UV", 1, 0, 1),  # a payload without a team
    ],
)
def test_a_click_no_button_could_send_is_refused_and_not_journaled(db, click):
    with pytest.raises(Conflict, match="out of date"), db.session() as session:
        record_click(session, click, click_key("x"))
    with db.session() as session:
        assert session.exec(select(VoteClick)).all() == []


def test_the_sweep_applies_what_was_left_unapplied_and_forgets_old_clicks(db, voting):
    workshop_id, (a, b, _) = voting
    journal(db, workshop_id, a, 0, 1)
    journal(db, workshop_id, b, 0, 1)
    journal(db, workshop_id, a, 0, 1, voter="UW")
    with db.session() as session:
        assert unapplied_clicks(session, received_before_s=60) == []  # all too young
        assert len(unapplied_clicks(session, received_before_s=0)) == 2  # newest per voter
    assert sweep(db, grace_s=0) == 2
    assert votes_of(db, workshop_id) == {a: 1, b: 1}
    assert votes_of(db, workshop_id, "UW") == {a: 1}
    assert sweep(db, grace_s=0) == 0
    with db.session() as session:
        old = utcnow() - APPLIED_RETENTION - timedelta(minutes=1)
        session.execute(update(VoteClick).where(VoteClick.voter_id == "UW").values(applied_at=old))
        assert forget_applied_clicks(session) == 1
        assert len(session.exec(select(VoteClick)).all()) == 2


def test_the_sweeper_thread_sweeps_at_start(db, voting):
    workshop_id, (a, *_) = voting
    journal(db, workshop_id, a, 0, 1)
    sweeper = VoteSweeper(db, every_s=60).start()
    try:
        wait_for_votes(db, workshop_id)
    finally:
        sweeper.stop()
    assert votes_of(db, workshop_id) == {a: 1}


def test_the_sweeper_thread_sweeps_again_and_again(db, voting):
    workshop_id, (a, *_) = voting
    sweeper = VoteSweeper(db, every_s=0.1, grace_s=0).start()
    try:
        time.sleep(0.3)  # past the start-up sweep
        journal(db, workshop_id, a, 0, 1)
        wait_for_votes(db, workshop_id)
    finally:
        sweeper.stop()
    assert votes_of(db, workshop_id) == {a: 1}


def test_closing_the_vote_first_counts_the_clicks_answered_while_it_was_open(db, voting):
    workshop_id, (a, b, _) = voting
    journal(db, workshop_id, a, 0, 1)
    journal(db, workshop_id, b, 0, 1, voter="UW")
    with db.session() as session:
        assert apply_workshop_clicks(session, TEAM, workshop_id) == 2
        assert votes_cast(session, get_workshop(session, TEAM, workshop_id)) == 2


# PostgreSQL: the journal does not wait for the locks a vote takes ----------------------------


@pytest.fixture
def postgres(db):
    if is_sqlite(db.engine):
        pytest.skip("row locks are PostgreSQL's (SQLite has one lock for the whole database)")
    return db


def hold_the_voters_rows(db, workshop_id, voter="UV"):
    """Another transaction holding everything a vote of `voter` locks, FOR UPDATE."""
    holder = db.engine.connect()
    holder.execute(text("BEGIN"))
    for statement in (
        "SELECT 1 FROM workshop WHERE id = :w FOR UPDATE",
        "SELECT 1 FROM fix WHERE workshop_id = :w FOR UPDATE",
        "SELECT 1 FROM participant WHERE workshop_id = :w AND user_id = :v FOR UPDATE",
        "SELECT 1 FROM ballot WHERE workshop_id = :w AND voter_id = :v FOR UPDATE",
    ):
        holder.execute(text(statement), {"w": workshop_id, "v": voter})
    return holder


def test_journaling_does_not_wait_for_locks_held_on_the_voters_rows(postgres, voting):
    db = postgres
    workshop_id, (a, *_) = voting
    journal(db, workshop_id, a, 0, 1)
    apply(db, workshop_id, journal(db, workshop_id, a, 1, 0))  # the ballot row exists
    holder = hold_the_voters_rows(db, workshop_id)
    try:
        started = time.monotonic()
        click = journal(db, workshop_id, a, 0, 1)
        assert time.monotonic() - started < 1.0
        applied: list = []
        applier = threading.Thread(target=lambda: applied.append(apply(db, workshop_id, click)))
        applier.start()
        time.sleep(0.5)
        assert applied == []  # applying waits for the voter's locks…
        assert apply(db, workshop_id, click, skip_locked=True) is None  # …the sweeper skips it
    finally:
        holder.rollback()
        holder.close()
    applier.join(10)
    assert applied[0].changed
    assert votes_of(db, workshop_id) == {a: 1}


def test_two_appliers_of_one_click_apply_it_once(postgres, voting, migrated_url):
    workshop_id, (a, *_) = voting
    click = journal(postgres, workshop_id, a, 0, 1)
    replicas = [postgres, Database(migrated_url)]
    holder = hold_the_voters_rows(postgres, workshop_id)
    outcomes: list = []
    appliers = [
        threading.Thread(target=lambda r=r: outcomes.append(apply(r, workshop_id, click)))
        for r in replicas
    ]
    for applier in appliers:
        applier.start()
    time.sleep(0.3)  # both waiting
    holder.rollback()
    holder.close()
    for applier in appliers:
        applier.join(10)
    replicas[1].dispose()
    assert [o.changed for o in outcomes] == [True, True]  # the same outcome, reported twice
    assert votes_of(postgres, workshop_id) == {a: 1}


class _ConflictingInsert:
    """What the journal's INSERT … ON CONFLICT DO NOTHING returns when the key is taken."""

    def scalar(self):
        return None


def test_a_copy_whose_journal_row_was_refused_and_forgotten_is_already_handled(
    db, voting, monkeypatch
):
    # Two copies of one delivery on two replicas: the other's insert took the key, its click
    # was refused and its row deleted before this copy read the row it conflicted with.
    workshop_id, (a, *_) = voting
    click = Click(TEAM, workshop_id, "UV", a, 0, 1)
    with db.session() as session:
        monkeypatch.setattr(session, "execute", lambda *args, **kwargs: _ConflictingInsert())
        assert record_click(session, click, click_key("copied-trigger")) is None
    assert votes_of(db, workshop_id) == {}
