"""The "your turn" call: which phase changes call the team, each at most once, and about how
long the task takes."""

from __future__ import annotations

from sqlmodel import select

from flows.phase_calls import (
    call_facts,
    claim_phase_call,
    phase_call_posted,
    rating_minutes,
    release_phase_call,
)
from flows.workshops import PhaseAction, change_phase
from storage.db import Database
from storage.models import Phase, PhaseCall
from tests.factories import OTHER_TEAM, TEAM, make_workshop


def advance(db: Database, workshop_id: int, action=PhaseAction.advance) -> int:
    with db.session() as session:
        return change_phase(session, TEAM, workshop_id, "UF", action).change_id


def claim(db: Database, change_id: int, team=TEAM):
    with db.session() as session:
        return claim_phase_call(session, team, change_id)


def test_rating_time_is_ten_seconds_a_touchpoint_rounded_up_to_whole_minutes():
    # 19 touchpoints × 10 s = 190 s = 3.17 min → 4 minutes
    assert rating_minutes(19) == 4
    # 6 × 10 s = 60 s = exactly 1 minute
    assert rating_minutes(6) == 1
    # 7 × 10 s = 70 s → 2 minutes; none at all still says 1 minute
    assert rating_minutes(7) == 2
    assert rating_minutes(0) == 1


def test_a_forward_move_into_a_participants_phase_is_called_once(db: Database):
    with db.session() as session:
        workshop_id = make_workshop(session).id
    change_id = advance(db, workshop_id)  # setup → stakeholders
    call_id = claim(db, change_id)
    assert call_id is not None
    assert claim(db, change_id) is None  # a retry, or a second replica
    assert claim(db, change_id, team=OTHER_TEAM) is None  # another workspace's id: nothing
    with db.session() as session:
        phase_call_posted(session, TEAM, call_id, "1700000000.000100")
    with db.session() as session:
        (call,) = session.exec(select(PhaseCall)).all()
        assert (call.phase, call.ts, call.team_id) == (
            Phase.stakeholders,
            "1700000000.000100",
            TEAM,
        )


def test_a_refused_post_releases_the_call_so_a_later_run_may_post_it(db: Database):
    with db.session() as session:
        workshop_id = make_workshop(session).id
    change_id = advance(db, workshop_id)
    call_id = claim(db, change_id)
    with db.session() as session:
        release_phase_call(session, TEAM, call_id)
    assert claim(db, change_id) is not None


def test_going_back_and_closing_call_nobody(db: Database):
    with db.session() as session:
        workshop_id = make_workshop(session).id
    advance(db, workshop_id)  # stakeholders
    rating = advance(db, workshop_id)  # rating: called
    back = advance(db, workshop_id, PhaseAction.back)  # a correction: not called again
    closed = advance(db, workshop_id, PhaseAction.close)
    assert claim(db, rating) is not None
    assert claim(db, back) is None and claim(db, closed) is None


def test_facts_count_the_touchpoints_and_the_votes(db: Database):
    with db.session() as session:
        workshop = make_workshop(session)  # the default journey: 19 touchpoints
        facts = call_facts(session, workshop, Phase.rating)
        assert (facts.touchpoints, facts.minutes, facts.vote_budget) == (19, 4, 3)
        assert call_facts(session, workshop, Phase.voting).minutes == 2
