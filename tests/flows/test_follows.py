"""Following workshops: one row per (team, workshop, person), never another workspace's workshop;
and what a followed workshop shows, with worked examples over the three rounds of
tests/flows/test_loop.py (its ROUNDS table gives every rating)."""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from flows.errors import NotFound
from flows.follows import (
    JourneyTrend,
    action_item_counts,
    follow_workshop,
    followed_among,
    followed_workshop,
    followed_workshops,
    follower_ids,
    journey_trend,
    unfollow_workshop,
)
from flows.journey import StageSpec
from flows.loop import shown_round
from flows.workshops import join_workshop
from storage.models import (
    Phase,
    PhaseDeadline,
    RatingRound,
    RoundSchedule,
    RoundScheduleStatus,
    WorkshopFollow,
)
from tests.factories import OTHER_TEAM, TEAM, add_gap_rating, make_workshop, touchpoint_ids, utc
from tests.flows.test_loop import _items, _setup
from tests.report_fixtures import set_phase


def _follows(session) -> int:
    return session.exec(select(func.count()).select_from(WorkshopFollow)).one()


def test_following_twice_keeps_one_row_and_unfollowing_removes_it(session):
    workshop = make_workshop(session)
    assert follow_workshop(session, TEAM, workshop.id, "UM").changed is True
    assert follow_workshop(session, TEAM, workshop.id, "UM").changed is False  # a double click
    assert _follows(session) == 1
    assert follower_ids(session, TEAM, workshop.id) == ["UM"]
    assert followed_among(session, TEAM, "UM", [workshop.id, 999]) == {workshop.id}
    assert unfollow_workshop(session, TEAM, workshop.id, "UM").changed is True
    assert unfollow_workshop(session, TEAM, workshop.id, "UM").changed is False
    assert _follows(session) == 0 and follower_ids(session, TEAM, workshop.id) == []


def test_the_database_refuses_a_second_row(session):
    workshop = make_workshop(session)
    session.add(WorkshopFollow(team_id=TEAM, workshop_id=workshop.id, user_id="UM"))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(WorkshopFollow(team_id=TEAM, workshop_id=workshop.id, user_id="UM"))
        session.flush()


def test_another_workspaces_workshop_cannot_be_followed_or_seen(session):
    foreign = make_workshop(session, team=OTHER_TEAM)
    with pytest.raises(NotFound):
        follow_workshop(session, TEAM, foreign.id, "UM")
    with pytest.raises(NotFound):
        unfollow_workshop(session, TEAM, foreign.id, "UM")
    assert _follows(session) == 0
    # A row forged straight into the database for another workspace still shows nothing.
    session.add(WorkshopFollow(team_id=TEAM, workshop_id=foreign.id, user_id="UM"))
    session.flush()
    assert followed_workshops(session, TEAM, "UM").total == 0
    assert follower_ids(session, OTHER_TEAM, foreign.id) == []


def test_journey_trend_like_for_like(session):
    workshop, _ = _setup(session)
    # Round 1 alone: every touchpoint counts. Σ gaps: T1 −8, T2 −5, T3 −3, T4 −2, T5 −1, T6 +1
    # = −18 over 12 ratings → −1.5.
    assert journey_trend(session, workshop, 1) == JourneyTrend((1,), (-1.5,), 6, 6)
    # Rounds 1–3: only T1 and T2 were rated in all three (round 2 rated nothing else).
    # Round 1: T1 −4 −4, T2 −3 −2 → −13 / 4 = −3.25 (shown −3.3)
    # Round 2: T1 −2 −2, T2 −3 −2 →  −9 / 4 = −2.25 (shown −2.3)
    # Round 3: T1 −1 −1, T2 −2 −2 →  −6 / 4 = −1.5
    # Change −1.5 − (−3.25) = +1.75 (shown +1.8): narrowing.
    trend = journey_trend(session, workshop, 3)
    assert trend == JourneyTrend((1, 2, 3), (-3.25, -2.25, -1.5), 2, 6)
    assert trend.change == 1.75 and trend.direction == "narrowing"
    # Through round 2: −3.25 → −2.25, +1.0.
    assert journey_trend(session, workshop, 2).gaps == (-3.25, -2.25)
    assert journey_trend(session, workshop, 0) is None


def test_direction_in_words():
    # −1.0 → −1.04: −0.04 shows as 0.0, holding steady; −1.0 → −1.2: −0.2, widening.
    assert JourneyTrend((1, 2), (-1.0, -1.04), 1, 1).direction == "holding steady"
    assert JourneyTrend((1, 2), (-1.0, -1.2), 1, 1).direction == "widening"
    assert JourneyTrend((1, 2), (-1.0, -0.95), 1, 1).direction == "narrowing"  # +0.05 → +0.1
    assert JourneyTrend((1,), (-1.0,), 1, 1).direction is None


def test_no_trend_without_a_touchpoint_rated_in_every_round(session):
    workshop = make_workshop(session, stages=[StageSpec("S", ("A", "B"))])
    join_workshop(session, workshop, "UA")
    ids = touchpoint_ids(session, workshop)
    session.add(RatingRound(team_id=TEAM, workshop_id=workshop.id, number=2, opened_by="UF"))
    for number, name in ((1, "A"), (2, "B")):
        add_gap_rating(session, workshop, ids[name], "UA", number, 6, 4)
    session.flush()
    assert journey_trend(session, workshop, 2) == JourneyTrend((1, 2), (), 0, 2)


def test_shown_round_is_the_last_one_whose_rating_ended(session):
    workshop, _ = _setup(session)  # three rounds
    assert shown_round(session, workshop) == 2  # in setup: round 3 has not ended
    for phase, shown in ((Phase.rating, 2), (Phase.fixes, 3), (Phase.voting, 3), (Phase.closed, 3)):
        set_phase(session, workshop, phase)
        assert shown_round(session, workshop) == shown


def test_action_item_counts(session):
    workshop, ids = _setup(session)
    _items(session, workshop, ids)  # T1, T3, T5 done; T2 in progress, due 1 Feb 2027
    assert action_item_counts(session, workshop, utc(2027, 2, 1).date()).overdue == 0
    counts = action_item_counts(session, workshop, utc(2027, 2, 2).date())
    assert (counts.open, counts.overdue) == (1, 1)  # due at the end of its day: overdue next day


def test_a_followed_workshop_after_three_rounds(session):
    workshop, ids = _setup(session)
    _items(session, workshop, ids)
    set_phase(session, workshop, Phase.closed)
    followed = followed_workshop(session, workshop, utc(2027, 4, 10))
    assert (followed.current_round, followed.shown_round) == (3, 3)
    assert followed.trend.gaps == (-3.25, -2.25, -1.5)
    # The figure of tests/flows/test_loop.py: T1 and T5 closed of 5 top gaps = 40 %.
    assert (followed.closure.closed, followed.closure.share) == (2, 40)
    assert (followed.items.open, followed.items.overdue) == (1, 1)
    assert followed.deadline is None and followed.next_round is None


def test_a_round_under_way_counts_only_the_rounds_shown(session):
    workshop, ids = _setup(session)
    _items(session, workshop, ids)
    set_phase(session, workshop, Phase.rating)  # round 3 is being rated
    session.add(
        PhaseDeadline(
            team_id=TEAM,
            workshop_id=workshop.id,
            phase=Phase.rating,
            round=3,
            due_at=utc(2027, 4, 12, 17),
            timezone="UTC",
            set_by="UF",
        )
    )
    session.add(
        RoundSchedule(
            team_id=TEAM,
            workshop_id=workshop.id,
            created_by="UF",
            cron="0 9 1 * *",  # the 1st of each month at 09:00 UTC
            timezone="UTC",
        )
    )
    session.flush()
    followed = followed_workshop(session, workshop, utc(2027, 4, 10))
    assert followed.shown_round == 2
    assert followed.trend.gaps == (-3.25, -2.25)  # round 3's ratings so far do not count
    # Through round 2: T1 done, −4.0 → −2.0: closed; T3 and T5 (done) were not rated in round 2;
    # T2 narrowed by nothing (−2.5 both times). 1 of 5 = 20 %.
    assert (followed.closure.closed, followed.closure.share) == (1, 20)
    assert followed.deadline == utc(2027, 4, 12, 17)
    assert followed.next_round == utc(2027, 5, 1, 9)
    set_phase(session, workshop, Phase.closed)  # a closed workshop opens no scheduled round
    assert followed_workshop(session, workshop, utc(2027, 4, 10)).next_round is None
    set_phase(session, workshop, Phase.fixes)
    assert followed_workshop(session, workshop, utc(2027, 4, 10)).next_round == utc(2027, 5, 1, 9)
    schedule = session.exec(select(RoundSchedule)).one()
    schedule.status = RoundScheduleStatus.paused
    session.flush()
    assert followed_workshop(session, workshop, utc(2027, 4, 10)).next_round is None


def test_followed_workshops_open_first_newest_first_capped(session):
    made = [make_workshop(session, title=f"Journey {n}") for n in range(7)]
    for workshop in made:
        follow_workshop(session, TEAM, workshop.id, "UM")
    set_phase(session, made[6], Phase.closed)
    make_workshop(session, title="Not followed")
    page = followed_workshops(session, TEAM, "UM", limit=5)
    assert page.total == 7
    # Open ones first, newest first; the closed #7 would come last.
    assert [f.title for f in page.workshops] == [f"Journey {n}" for n in (5, 4, 3, 2, 1)]
    assert followed_workshops(session, TEAM, "UX").total == 0
