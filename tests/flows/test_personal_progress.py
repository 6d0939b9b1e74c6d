"""One participant's own progress: what they have done, what is left, what is next."""

from __future__ import annotations

from sqlmodel import select

from flows.gaps.ratings import RawAnswer, save_ratings
from flows.journey import StageSpec
from flows.personal_progress import NextStep, personal_progress
from flows.workshops import join_workshop
from storage.models import Phase, Touchpoint
from tests.factories import TEAM, make_workshop

JOURNEY = [StageSpec("Find", ("Ads", "Search")), StageSpec("Buy", ("Checkout",))]


def test_rating_progress_counts_my_touchpoints_in_this_round(session):
    workshop = make_workshop(session, stages=JOURNEY)
    workshop.phase = Phase.rating
    join_workshop(session, workshop, "U1")
    before = personal_progress(session, workshop, "U1")
    assert (before.touchpoints, before.touchpoints_rated, before.touchpoints_left) == (3, 0, 3)
    assert before.next_step is NextStep.rate_touchpoints
    ads = session.exec(select(Touchpoint.id).where(Touchpoint.name == "Ads")).one()
    save_ratings(session, TEAM, workshop.id, "U1", {ads: RawAnswer("6", "3")})
    after = personal_progress(session, workshop, "U1")
    assert (after.touchpoints_rated, after.touchpoints_left) == (1, 2)
    # Someone else's ratings are theirs, not mine.
    assert personal_progress(session, workshop, "UF").touchpoints_rated == 0


def test_next_steps_by_phase_and_role(session):
    workshop = make_workshop(session, stages=JOURNEY)
    outsider = personal_progress(session, workshop, "U9")
    assert (outsider.role, outsider.next_step) == (None, NextStep.join_workshop)
    assert personal_progress(session, workshop, "UF").next_step is NextStep.wait  # setup
    workshop.phase = Phase.stakeholders
    assert personal_progress(session, workshop, "UF").next_step is NextStep.add_stakeholder
    workshop.phase = Phase.fixes
    assert personal_progress(session, workshop, "UF").next_step is NextStep.propose_fix
    workshop.phase = Phase.voting
    mine = personal_progress(session, workshop, "UF")
    assert (mine.vote_budget, mine.votes_used, mine.votes_left) == (3, 0, 3)
    assert mine.next_step is NextStep.vote
    assert personal_progress(session, workshop, "U9").next_step is NextStep.join_workshop
    workshop.phase = Phase.closed
    assert personal_progress(session, workshop, "UF").next_step is NextStep.read_results
