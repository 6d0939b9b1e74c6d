"""Your own status: done, left, next, one primary button, no copy of the board."""

from __future__ import annotations

from dataclasses import replace

from bot.slack import ids
from bot.workshop.blocks.progress import build_personal_status, done_and_left, next_button
from flows.board import BoardSummary, Figure, StageSummary
from flows.personal_progress import NextStep, PersonalProgress, next_step
from storage.models import Phase, Role
from tests.helpers import rendered


def summary(phase: Phase) -> BoardSummary:
    stages = [StageSummary("Find", ["Ads", "Search"]), StageSummary("Buy", ["Checkout"])]
    return BoardSummary(7, "T1", "C1", "Onboarding", phase, ["UF"], 4, stages, [Figure("F", "1")])


def progress(phase: Phase, role=Role.participant, **values) -> PersonalProgress:
    base = PersonalProgress(
        workshop_id=7,
        phase=phase,
        role=role,
        stakeholders=5,
        stakeholders_added=1,
        stakeholders_rated=2,
        rating_round=1,
        touchpoints=19,
        touchpoints_rated=4,
        fixes_proposed=2,
        vote_budget=3,
        votes_used=1,
        next_step=NextStep.wait,
    )
    base = replace(base, **values)
    return replace(base, next_step=next_step(base))


def primaries(blocks):
    return [
        e
        for b in blocks
        if b.type == "actions"
        for e in b.elements
        if getattr(e, "style", None) == "primary"
    ]


def test_rating_status_says_what_is_done_what_is_left_and_what_is_next():
    p = progress(Phase.rating)
    # 19 − 4 = 15 left; 15 × 10 s = 150 s → 3 minutes (rounded up)
    assert done_and_left(p) == "You have rated 4 of 19 touchpoints. 15 left, about 3 minutes."
    blocks = build_personal_status(summary(Phase.rating), p)
    (primary,) = primaries(blocks)
    assert (primary.action_id, primary.text.text) == (ids.RATE_OPEN, "Rate touchpoints")
    assert "*Next:* rate the touchpoints left" in rendered(blocks)
    assert "acilitator controls" not in rendered(blocks)


def test_each_phase_in_words():
    assert done_and_left(progress(Phase.stakeholders)) == (
        "You have added 1 stakeholder and rated 2 of 5 stakeholders. 3 left to rate."
    )
    assert done_and_left(progress(Phase.fixes)) == "You have proposed 2 fixes."
    assert done_and_left(progress(Phase.voting)) == "You have used 1 of 3 votes: 2 left."
    assert done_and_left(progress(Phase.rating, touchpoints_rated=19)).endswith(
        "All done: thank you."
    )
    assert (
        done_and_left(progress(Phase.setup, role=None)) == "You haven't joined this workshop yet."
    )


def test_a_facilitator_with_a_task_gets_it_as_primary_and_the_phase_change_plain():
    blocks = build_personal_status(summary(Phase.voting), progress(Phase.voting, Role.facilitator))
    actions = next(b for b in blocks if b.type == "actions")
    assert [(e.action_id, e.style) for e in actions.elements] == [
        (ids.VOTE_OPEN, "primary"),
        (ids.PHASE_CLOSE, None),
    ]
    # Votes all spent: closing the vote becomes the one primary action.
    done = progress(Phase.voting, Role.facilitator, votes_used=3)
    (primary,) = primaries(build_personal_status(summary(Phase.voting), done))
    assert primary.text.text == "Close voting & show results"


def test_a_participant_with_nothing_left_waits_without_a_button():
    p = progress(Phase.voting, votes_used=3)
    assert next_button(summary(Phase.voting), p) is None
    assert "*Your turn* message" in rendered(build_personal_status(summary(Phase.voting), p))
