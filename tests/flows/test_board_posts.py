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


def test_an_unanswered_post_is_handed_to_the_next_claim(db: Database) -> None:
    workshop_id = new_workshop(db)
    claim(db, workshop_id)
    with db.session() as session:
        board_post_sending(session, TEAM, workshop_id, NOW)
        release_board_claim(session, TEAM, workshop_id, nothing_posted=False)
    later = claim(db, workshop_id, NOW + timedelta(seconds=30))
    assert later is not None and later.unanswered_since == NOW


def test_a_refused_post_leaves_nothing_to_look_for(db: Database) -> None:
    workshop_id = new_workshop(db)
    claim(db, workshop_id)
    with db.session() as session:
        board_post_sending(session, TEAM, workshop_id, NOW)
        release_board_claim(session, TEAM, workshop_id, nothing_posted=True)
    again = claim(db, workshop_id, NOW + timedelta(seconds=1))
    assert again is not None and again.unanswered_since is None


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
