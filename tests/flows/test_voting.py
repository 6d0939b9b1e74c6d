import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from flows.board import board_summary
from flows.errors import Conflict, FlowError, NotAllowed, NotFound
from flows.fixes import remove_fix
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.voting import (
    ballot_view,
    change_vote,
    own_votes,
    rank_fixes,
    ranked_fixes,
    ranked_matching,
    tallies_visible,
    vote_totals,
    votes_cast,
    voting_gaps,
)
from flows.workshops import get_workshop, join_workshop
from storage.db import Database
from storage.models import Ballot, Phase, Vote
from tests.factories import fix_summary, propose_fixes
from tests.flows.test_fixes import TEAM
from tests.flows.test_fixes import make_workshop as fixes_workshop

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


# ranking (pure) ------------------------------------------------------------------------------


def summary(fix_id, touchpoint_id, minutes=0, title=None):
    return fix_summary(
        fix_id,
        workshop_id=1,
        title=title or f"Fix {fix_id}",
        touchpoint_id=touchpoint_id,
        touchpoint=f"TP{touchpoint_id}",
        stage="Stage",
        created_at=T0 + timedelta(minutes=minutes),
    )


def test_ranking_shares_ranks_and_breaks_ties_by_gap_then_age():
    """Votes: A 5, B 5, C 5, D 3, E 3, F 0. Gaps by touchpoint: A −1.0, B −2.0, C unrated,
    D and E −0.5 (E older). Competition ranking: B, A, C share 1 (B's gap is the widest, C has
    none so comes last in the tie); E then D share 4 (same gap, E older); F is 6th."""
    fixes = [
        summary(1, touchpoint_id=10, minutes=1),  # A
        summary(2, touchpoint_id=20, minutes=2),  # B
        summary(3, touchpoint_id=30, minutes=0),  # C
        summary(4, touchpoint_id=40, minutes=5),  # D
        summary(5, touchpoint_id=40, minutes=4),  # E
        summary(6, touchpoint_id=10, minutes=6),  # F
    ]
    votes = {1: 5, 2: 5, 3: 5, 4: 3, 5: 3}
    gaps = {10: -1.0, 20: -2.0, 40: -0.5}
    ranked = rank_fixes(fixes, votes, gaps)
    assert [(r.rank, r.fix.id, r.votes, r.gap) for r in ranked] == [
        (1, 2, 5, -2.0),
        (1, 1, 5, -1.0),
        (1, 3, 5, None),
        (4, 5, 3, -0.5),
        (4, 4, 3, -0.5),
        (6, 6, 0, -1.0),
    ]


def test_ranking_without_votes_or_gaps_is_by_age():
    fixes = [summary(1, 1, minutes=2), summary(2, 1, minutes=1), summary(3, 1, minutes=3)]
    assert [(r.rank, r.fix.id) for r in rank_fixes(fixes, {}, {})] == [(1, 2), (1, 1), (1, 3)]
    assert rank_fixes([], {}, {}) == []


# a workshop to vote in -----------------------------------------------------------------------


def make_workshop(session, budget=3, per_fix=1, live=False, team=TEAM, fixes=3):
    workshop = fixes_workshop(session, Phase.fixes, budget, per_fix, team, live)
    made = propose_fixes(session, team, workshop.id, "UA", fixes)
    workshop.phase = Phase.voting
    session.add(workshop)
    for voter in ("UV", "UW"):
        join_workshop(session, workshop, voter)
    session.flush()
    return workshop, made


def add(session, workshop, voter, fix, shown=None):
    shown = own_votes(session, workshop, voter).get(fix.id, 0) if shown is None else shown
    return change_vote(session, workshop.team_id, workshop.id, voter, fix.id, shown, shown + 1)


def take_back(session, workshop, voter, fix):
    shown = own_votes(session, workshop, voter).get(fix.id, 0)
    return change_vote(session, workshop.team_id, workshop.id, voter, fix.id, shown, shown - 1)


def test_votes_count_against_the_budget_and_can_change(session):
    workshop, (a, b, c) = make_workshop(session, budget=2)
    first = add(session, workshop, "UV", a)
    assert (first.count, first.spent, first.budget, first.changed) == (1, 1, 2, True)
    add(session, workshop, "UV", b)
    with pytest.raises(NotAllowed, match="used all 2 of your votes"):
        add(session, workshop, "UV", c)
    take_back(session, workshop, "UV", a)  # change of mind: move the vote from a to c
    add(session, workshop, "UV", c)
    assert own_votes(session, workshop, "UV") == {b.id: 1, c.id: 1}
    assert votes_cast(session, workshop) == 2


def test_a_repeated_request_counts_once_and_a_stale_one_changes_nothing(session):
    workshop, (a, *_) = make_workshop(session, budget=3, per_fix=2)
    assert add(session, workshop, "UV", a, shown=0).changed is True
    repeat = add(session, workshop, "UV", a, shown=0)  # double click / retried delivery
    assert (repeat.changed, repeat.count) == (False, 1)
    add(session, workshop, "UV", a, shown=1)
    with pytest.raises(Conflict, match="changed in the meantime"):
        # an old view still showing 0 asks for 0 → 1, but there are 2 now
        change_vote(session, TEAM, workshop.id, "UV", a.id, 0, 1)
    with pytest.raises(Conflict, match="out of date"):  # a forged jump of several votes
        change_vote(session, TEAM, workshop.id, "UV", a.id, 2, 5)
    assert vote_totals(session, workshop) == {a.id: 2}


def test_the_per_fix_maximum_holds(session):
    workshop, (a, *_) = make_workshop(session, budget=3, per_fix=1)
    add(session, workshop, "UV", a)
    with pytest.raises(NotAllowed, match="at most 1 vote;"):
        add(session, workshop, "UV", a)
    assert own_votes(session, workshop, "UV") == {a.id: 1}


def test_refusals_change_nothing(session):
    workshop, (a, b, _) = make_workshop(session)
    with pytest.raises(NotAllowed, match="Press \\*Join\\*"):
        add(session, workshop, "UOUTSIDER", a)
    remove_fix(session, TEAM, b.id, "UF")
    with pytest.raises(NotFound, match="removed"):
        add(session, workshop, "UV", b)
    with pytest.raises(NotFound):  # forged ids from another workspace
        change_vote(session, "T2", workshop.id, "UV", a.id, 0, 1)
    _, (foreign, *_) = make_workshop(session, team="T2")
    with pytest.raises(NotFound):
        change_vote(session, TEAM, workshop.id, "UV", foreign.id, 0, 1)
    workshop.phase = Phase.closed
    session.add(workshop)
    with pytest.raises(Conflict, match="Voting has closed"):
        add(session, workshop, "UV", a)
    workshop.phase = Phase.fixes
    session.add(workshop)
    with pytest.raises(Conflict, match="Voting is not open"):
        add(session, workshop, "UV", a)
    assert votes_cast(session, workshop) == 0
    assert session.exec(select(Ballot).where(Ballot.voter_id == "UOUTSIDER")).first() is None


def test_ballot_view_shows_own_votes_and_hides_tallies_until_close(session):
    workshop, (a, b, _) = make_workshop(session, budget=3)
    add(session, workshop, "UV", a)
    add(session, workshop, "UW", a)
    add(session, workshop, "UW", b)
    view = ballot_view(session, workshop, "UV", {a.touchpoint_id: -1.5})
    assert (view.budget, view.spent, view.remaining, view.tallies_visible) == (3, 1, 2, False)
    assert [(e.fix.id, e.mine, e.tally, e.gap) for e in view.entries][:2] == [
        (a.id, 1, None, -1.5),
        (b.id, 0, None, -1.5),
    ]
    assert not tallies_visible(workshop)
    workshop.phase = Phase.closed
    session.add(workshop)
    closed = ballot_view(session, workshop, "UV", {})
    assert closed.tallies_visible and not closed.open
    assert [e.tally for e in closed.entries] == [2, 1, 0]


def test_live_tallies_show_while_voting(session):
    workshop, (a, *_) = make_workshop(session, live=True)
    add(session, workshop, "UW", a)
    view = ballot_view(session, workshop, "UV", {})
    assert view.tallies_visible and view.entries[0].tally == 1 and view.entries[0].mine == 0


def test_ranked_fixes_and_board_figures(session):
    workshop, (a, b, c) = make_workshop(session, budget=2)
    add(session, workshop, "UV", b)
    add(session, workshop, "UW", b)
    add(session, workshop, "UW", c)
    ranked = ranked_fixes(session, workshop, gaps={})
    assert [(r.rank, r.fix.id, r.votes) for r in ranked] == [
        (1, b.id, 2),
        (2, c.id, 1),
        (3, a.id, 0),
    ]
    figures = {f.label: f.value for f in board_summary(session, workshop).figures}
    # participants: the facilitator, the author UA, UV and UW; budget 2 each
    assert figures["Fixes"] == "3" and figures["Votes cast"] == "3 of 8"


def test_ranked_matching_searches_keeping_the_whole_ranking_s_ranks(session):
    workshop, fixes = make_workshop(session, budget=2, fixes=12)
    add(session, workshop, "UV", fixes[11])
    add(session, workshop, "UW", fixes[10])
    ranked = ranked_matching(session, workshop, "fix 1")  # Fix 1, Fix 10, Fix 11
    assert [(r.rank, r.fix.title) for r in ranked] == [(1, "Fix 10"), (1, "Fix 11"), (3, "Fix 1")]
    assert [r.fix.title for r in ranked_matching(session, workshop, limit=3)] == [
        "Fix 10",
        "Fix 11",
        "Fix 0",
    ]
    assert ranked_matching(session, workshop, "nothing like it") == []


# the database itself refuses overshoot -------------------------------------------------------


def test_the_schema_refuses_votes_beyond_the_limits(db: Database):
    with db.session() as session:
        workshop, (a, b, _) = make_workshop(session, budget=2, per_fix=1)
        add(session, workshop, "UV", a)
        ballot = session.exec(select(Ballot).where(Ballot.voter_id == "UV")).one()
        ids = (workshop.id, ballot.id, a.id, b.id)
    workshop_id, ballot_id, a_id, b_id = ids

    def insert(**overrides):
        values = {
            "team_id": TEAM,
            "workshop_id": workshop_id,
            "ballot_id": ballot_id,
            "fix_id": b_id,
            "vote_budget": 2,
            "max_votes_per_fix": 1,
            "budget_slot": 1,
            "fix_slot": 0,
        } | overrides
        with pytest.raises(IntegrityError), db.session() as session:
            session.add(Vote(**values))
            session.flush()

    insert(budget_slot=2)  # past the budget
    insert(fix_id=a_id, fix_slot=1)  # past the per-fix maximum
    insert(budget_slot=0)  # a budget slot used twice
    insert(fix_id=a_id, fix_slot=0)  # a fix slot used twice
    insert(vote_budget=5, budget_slot=4)  # borrowing a bigger budget than the ballot's
    insert(workshop_id=workshop_id + 999)  # a fix of another workshop
    with db.session() as session:
        assert votes_cast(session, get_workshop(session, TEAM, workshop_id)) == 1


# concurrency ---------------------------------------------------------------------------------


def test_concurrent_votes_from_two_replicas_never_overshoot(db: Database, migrated_url: str):
    """Two engines (as two processes would have) race 60 requests: each of four voters asks
    three times over for a vote on each of five fixes, with a budget of 3 and 1 per fix."""
    with db.session() as session:
        workshop, fixes = make_workshop(session, budget=3, per_fix=1, fixes=5)
        for voter in ("UX", "UY"):
            join_workshop(session, workshop, voter)
        workshop_id, fix_ids = workshop.id, [f.id for f in fixes]
    replicas = [db, Database(migrated_url)]
    voters = ("UV", "UW", "UX", "UY")
    requests = [(v, f) for v in voters for f in fix_ids for _ in range(3)]
    outcomes: list[str] = []
    start = threading.Barrier(len(requests))

    def fire(index: int, voter: str, fix_id: int) -> None:
        start.wait()
        try:
            with replicas[index % 2].session() as session:
                result = change_vote(session, TEAM, workshop_id, voter, fix_id, 0, 1)
            outcomes.append("added" if result.changed else "repeat")
        except FlowError:
            outcomes.append("refused")

    threads = [
        threading.Thread(target=fire, args=(i, voter, fix_id))
        for i, (voter, fix_id) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    replicas[1].dispose()

    assert outcomes.count("added") == 4 * 3  # each voter spent exactly the budget
    with db.session() as session:
        workshop = get_workshop(session, TEAM, workshop_id)
        for voter in voters:
            mine = own_votes(session, workshop, voter)
            assert sum(mine.values()) == 3 and set(mine.values()) == {1}
        assert votes_cast(session, workshop) == 12
        assert sum(vote_totals(session, workshop).values()) == 12


def test_gaps_while_voting_are_worked_out_once_per_workshop_state(session):
    """Ratings change only in the rating phase, and a phase change stamps updated_at."""
    workshop, (fix, *_) = make_workshop(session)
    touchpoint = fix.touchpoint_id

    def move_to(phase: Phase, minutes: int) -> None:
        workshop.phase = phase
        workshop.updated_at = datetime(2026, 11, 23, 9, minutes, tzinfo=UTC)
        session.add(workshop)
        session.flush()

    move_to(Phase.rating, 0)
    save_ratings(session, TEAM, workshop.id, "UV", {touchpoint: RawAnswer("4", "2")})
    move_to(Phase.voting, 1)
    assert voting_gaps(session, workshop) == {touchpoint: -2.0}

    statements: list[str] = []
    bind = session.get_bind()
    record = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(bind, "before_cursor_execute", record)
    try:
        assert voting_gaps(session, workshop) == {touchpoint: -2.0}
    finally:
        event.remove(bind, "before_cursor_execute", record)
    assert statements == []  # kept, not worked out again

    move_to(Phase.rating, 2)  # a new look at the ratings: (4 − 2) and now (5 − 1)
    save_ratings(session, TEAM, workshop.id, "UW", {touchpoint: RawAnswer("5", "1")})
    assert voting_gaps(session, workshop) == {touchpoint: -3.0}  # rating: never kept
    move_to(Phase.voting, 3)
    assert voting_gaps(session, workshop) == {touchpoint: -3.0}
