"""Claiming a board's post: one replica at a time, a dead replica's claim taken over, and a post
Slack never answered handed to the next claim to look for."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.board_posts import (
    BOARD_CLAIM_S,
    board_post_sending,
    board_posted,
    claim_board_post,
    release_board_claim,
)
from flows.errors import NotFound
from flows.workshops import get_workshop
from storage.db import Database
from tests.factories import TEAM, make_workshop, utc

NOW = utc(2026, 12, 6, 3, 0)


def new_workshop(db: Database) -> int:
    with db.session() as session:
        return make_workshop(session).id


def claim(db: Database, workshop_id: int, now=NOW, team=TEAM):
    with db.session() as session:
        return claim_board_post(session, team, workshop_id, now)


def test_only_one_claim_at_a_time_and_none_once_posted(db: Database) -> None:
    workshop_id = new_workshop(db)
    first = claim(db, workshop_id)
    assert first is not None and first.channel_id == "C1" and first.unanswered_since is None
    assert claim(db, workshop_id, NOW + timedelta(seconds=5)) is None  # another replica
    with db.session() as session:
        board_posted(session, TEAM, workshop_id, "1.000100")
    assert claim(db, workshop_id, NOW + timedelta(seconds=10)) is None
    with db.session() as session:
        workshop = get_workshop(session, TEAM, workshop_id)
        assert (workshop.board_ts, workshop.board_claimed_at) == ("1.000100", None)


@pytest.mark.parametrize(
    ("nothing_posted", "after_s", "unanswered_since"),
    [
        pytest.param(False, 30, NOW, id="an unanswered post is handed to the next claim"),
        pytest.param(True, 1, None, id="a refused post leaves nothing to look for"),
    ],
)
def test_a_released_claim_hands_on_what_may_have_been_posted(
    db: Database, nothing_posted: bool, after_s: int, unanswered_since: object
) -> None:
    workshop_id = new_workshop(db)
    claim(db, workshop_id)
    with db.session() as session:
        board_post_sending(session, TEAM, workshop_id, NOW)
        release_board_claim(session, TEAM, workshop_id, nothing_posted=nothing_posted)
    next_claim = claim(db, workshop_id, NOW + timedelta(seconds=after_s))
    assert next_claim is not None and next_claim.unanswered_since == unanswered_since


def test_a_dead_replicas_claim_is_taken_over_once_stale(db: Database) -> None:
    workshop_id = new_workshop(db)
    claim(db, workshop_id)
    with db.session() as session:
        board_post_sending(session, TEAM, workshop_id, NOW)  # then the replica died
    assert claim(db, workshop_id, NOW + timedelta(seconds=BOARD_CLAIM_S - 1)) is None
    taken = claim(db, workshop_id, NOW + timedelta(seconds=BOARD_CLAIM_S + 1))
    assert taken is not None and taken.unanswered_since == NOW


def test_another_workspace_cannot_claim_the_board(db: Database) -> None:
    workshop_id = new_workshop(db)
    with pytest.raises(NotFound):
        claim(db, workshop_id, team="T2")
    assert claim(db, workshop_id) is not None
