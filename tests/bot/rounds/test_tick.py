"""The scheduler's rounds job at chosen moments, against the Slack stand-in: reminders in each
person's own morning and never twice (two schedulers at once), a phase closed at its deadline
with its results posted once, and a scheduled round opened once. No test waits for the clock."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.rounds.posts import TimezoneCache, run_rounds_tick
from demo.local import CHANNEL_ID, PEOPLE
from flows.rounds import (
    DeadlineSpec,
    as_utc,
    save_round_schedule,
    set_deadline,
    validate_round_schedule,
)
from flows.workshops import get_workshop, join_workshop
from storage.models import (
    DeadlineState,
    Phase,
    PhaseDeadline,
    RatingReminder,
    Touchpoint,
)
from tests.factories import add_gap_rating, utc
from tests.helpers import local_web_client

ANA, BEN, CHLOE = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[2].user_id
# Set on Monday 2030-01-07 09:00 UTC, due Friday 2030-01-11 17:00 UTC.
SET, DUE = utc(2030, 1, 7, 9), utc(2030, 1, 11, 17)


@pytest.fixture
def client(local):
    return local_web_client(local)


def _rate(session, workshop, user_id, number):
    for touchpoint in session.exec(select(Touchpoint).where(Touchpoint.workshop_id == workshop.id)):
        add_gap_rating(session, workshop, touchpoint.id, user_id, number, 6, 3, importance=4)


def _workshop(local, phase=Phase.rating):
    """Ana facilitates; Ben has rated round 1, Chloé has not."""
    workshop_id, board_ts = local.start_workshop(ANA)
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        workshop.phase = phase
        for user in (BEN, CHLOE):
            join_workshop(session, workshop, user)
        _rate(session, workshop, BEN, 1)
    return workshop_id, board_ts


def _dms(local, user):
    channel = local.standin.dm_channel_id(user)
    return [m for m in local.standin.messages(channel) if "closes" in m.get("text", "") + str(m)]


def test_reminders_in_each_persons_morning_once(local, client):
    workshop_id, _ = _workshop(local)
    with local.db.session() as session:
        set_deadline(session, local.team_id, workshop_id, ANA, DeadlineSpec(DUE, "UTC"), now=SET)
    zones = TimezoneCache()

    def tick(now):
        return run_rounds_tick(local.db, lambda team: client, now, zones)

    # Chloé is in Paris (UTC+1): 13:00 UTC (4 h before) is 14:00 there, so her reminder is
    # Friday 10:00 Paris = 09:00 UTC. Ana is in Lisbon (UTC+0): Friday 10:00 UTC.
    assert tick(utc(2030, 1, 11, 8, 59)).reminded == []
    assert tick(utc(2030, 1, 11, 9)).reminded == [(workshop_id, CHLOE)]
    with ThreadPoolExecutor(2) as pool:  # two schedulers at the same moment
        reports = list(pool.map(tick, [utc(2030, 1, 11, 10)] * 2))
    assert sorted(r for report in reports for r in report.reminded) == [(workshop_id, ANA)]
    assert tick(utc(2030, 1, 11, 12)).reminded == []
    local.standin.wait_for(lambda: _dms(local, ANA))
    assert len(_dms(local, CHLOE)) == 1 and len(_dms(local, ANA)) == 1
    assert _dms(local, BEN) == []  # Ben rated
    dm = _dms(local, CHLOE)[0]
    assert "this is the only reminder" in str(dm["blocks"]) and "<!date^" in str(dm["blocks"])
    assert "<@" not in str(dm["blocks"])  # quiet: nobody is mentioned
    with local.db.session() as session:
        assert len(session.exec(select(RatingReminder)).all()) == 2


def test_the_deadline_closes_the_phase_and_posts_the_results_once(local, client):
    workshop_id, board_ts = _workshop(local)
    with local.db.session() as session:
        set_deadline(session, local.team_id, workshop_id, ANA, DeadlineSpec(DUE, "UTC"), now=SET)

    def tick(now):
        return run_rounds_tick(local.db, lambda team: client, now)

    assert tick(DUE - timedelta(seconds=1)).closed == []
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(tick, [DUE, DUE]))
    assert [c for report in reports for c in report.closed] == [(workshop_id, Phase.rating)]
    with local.db.session() as session:
        assert get_workshop(session, local.team_id, workshop_id).phase == Phase.fixes
        assert session.exec(select(PhaseDeadline)).one().state == DeadlineState.closed

    def thread_texts():
        return [m.get("text", "") for m in local.standin.thread(CHANNEL_ID, board_ts)]

    local.standin.wait_for(lambda: any("Journey gaps" in t for t in thread_texts()), timeout=30)
    texts = thread_texts()
    assert sum("closed at its deadline" in t for t in texts) == 1
    assert sum("Journey gaps" in t for t in texts) == 1
    assert tick(DUE + timedelta(minutes=1)).closed == []


def test_a_scheduled_round_opens_once_with_its_deadline(local, client):
    workshop_id, board_ts = _workshop(local, phase=Phase.fixes)
    spec = validate_round_schedule("monthly", "09:00", "Europe/Lisbon", "3", "17:00", now=SET)
    with local.db.session() as session:
        save_round_schedule(session, local.team_id, workshop_id, ANA, spec, now=SET)
    # First Monday of February 2030: the 4th; 09:00 Lisbon (UTC+0) = 09:00 UTC.
    opening = utc(2030, 2, 4, 9)

    def tick(now):
        return run_rounds_tick(local.db, lambda team: client, now)

    assert tick(opening - timedelta(minutes=1)).opened == []
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(tick, [opening + timedelta(minutes=1)] * 2))
    assert [o for report in reports for o in report.opened] == [(workshop_id, 2)]
    with local.db.session() as session:
        assert get_workshop(session, local.team_id, workshop_id).phase == Phase.rating
        deadline = session.exec(select(PhaseDeadline)).one()
    # Open 3 days: Thursday 7 February at 17:00 Lisbon = 17:00 UTC.
    assert (deadline.round, as_utc(deadline.due_at)) == (2, utc(2030, 2, 7, 17))
    post = local.standin.wait_for(
        lambda: [
            m
            for m in local.standin.thread(CHANNEL_ID, board_ts)
            if "as scheduled" in m.get("text", "")
        ]
    )
    assert len(post) == 1 and "*Rating round 2* is open" in post[0]["text"]
    board = local.standin.message(CHANNEL_ID, board_ts)
    assert f"<!date^{int(as_utc(deadline.due_at).timestamp())}^" in str(board["blocks"])


def test_a_workspace_without_a_client_is_left_alone(local, client):
    workshop_id, _ = _workshop(local)
    with local.db.session() as session:
        set_deadline(session, local.team_id, workshop_id, ANA, DeadlineSpec(DUE, "UTC"), now=SET)
    report = run_rounds_tick(local.db, lambda team: None, DUE)
    assert (report.closed, report.reminded) == ([], [])
    with local.db.session() as session:
        assert session.exec(select(PhaseDeadline)).one().state == DeadlineState.pending
