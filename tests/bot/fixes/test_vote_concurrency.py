"""Vote counts stay exact under load: ~100 concurrent signed vote requests, exact duplicates
among them, spread over two replicas of the bot (two WSGI servers, two database engines) on
one database, as with several processes behind a load balancer."""

from collections import Counter

import pytest
from sqlmodel import select

from bot.app import create_app
from bot.config import Settings
from bot.server import EVENTS_PATH, HttpServer, wsgi_application
from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.voting import own_votes, vote_totals, votes_cast
from flows.workshops import get_workshop, join_workshop
from standin import SimulatedSlack
from storage.db import Database
from storage.models import Ballot, Phase, Vote
from tests.factories import propose_fixes
from tests.helpers import settle as wait_until_quiet
from tests.recording import RecordingSlack, fire_at_once

ANA = PEOPLE[0].user_id
VOTERS = [f"U0VOTER{n}" for n in range(8)]
BUDGET = 3


@pytest.fixture
def second_replica(local):
    """Another bot process: its own Bolt app, HTTP server and database engine."""
    db = Database(local.db.url)
    settings = Settings(
        slack_bot_token=local.standin.bot_token,
        slack_signing_secret=local.signing_secret,
        slack_api_url=local.standin.api_url,
        database_url=local.db.url,
    )
    server = HttpServer(wsgi_application(create_app(settings, db))).start()
    yield SimulatedSlack(local.standin, server.url + EVENTS_PATH, local.signing_secret)
    settle(local)
    server.stop()
    db.dispose()


def settle(local):
    wait_until_quiet(local, quiet=0.4, limit=20.0)


def test_concurrent_duplicated_votes_on_two_replicas_are_counted_exactly(local, second_replica):
    workshop_id, board_ts = local.start_workshop(
        ANA, phase=Phase.fixes, values={ids.SETUP_VOTE_BUDGET: str(BUDGET)}
    )
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        fixes = [f.id for f in propose_fixes(session, local.team_id, workshop_id, ANA, 5)]
        for voter in VOTERS:
            local.standin.add_user(voter, voter.lower())
            join_workshop(session, workshop, voter)
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(
        lambda: "Voting is open" in str(local.standin.thread(CHANNEL_ID, board_ts))
    )
    views = {}
    for voter in VOTERS:
        local.sim.slash_command(voter, CHANNEL_ID, "vote")
        views[voter] = local.standin.wait_for(lambda v=voter: local.standin.top_view(v))
    recorder = RecordingSlack(local.standin, local.sim.bot_url, local.signing_secret)

    def votes_for(targets, copies):
        """Each voter's click on each target fix, `copies[fix]` times over (exact copies)."""
        for voter in VOTERS:
            for fix_id in targets:
                before = len(recorder.requests)
                recorder.click(
                    voter, ids.VOTE_ADD, view_id=views[voter]["id"], value=f"{fix_id}|0|1"
                )
                recorder.requests += [recorder.requests[before]] * (copies[fix_id] - 1)
        requests, recorder.requests[:] = list(recorder.requests), []
        return requests

    def totals():
        with local.db.session() as session:
            return vote_totals(session, get_workshop(session, local.team_id, workshop_id))

    # Wave 1: every voter asks for a vote on fix 0 three times over and on fix 1 once, all at
    # once (within budget): 8 voters × 4 = 32 requests. Fix 1's single request per voter must
    # not be lost to the copies racing it, and no copy may count twice.
    wave = votes_for(fixes[:2], copies={fixes[0]: 3, fixes[1]: 1})
    answers = fire_at_once([local.sim, second_replica], wave)
    assert len(answers) == 32 and {a.status for a in answers} == {200}
    assert all(a.elapsed < 3 for a in answers)
    local.standin.wait_for(lambda: totals() == {fixes[0]: 8, fixes[1]: 8}, timeout=20)

    # Wave 2: each now has one vote left and asks for three more fixes, twice over: 48
    # requests (80 in all), of which exactly one per voter may count; the others are refused
    # inside the voter's view.
    for voter in VOTERS:
        views[voter] = local.standin.top_view(voter)
    wave = votes_for(fixes[2:], copies=dict.fromkeys(fixes[2:], 2))
    answers = fire_at_once([second_replica, local.sim], wave)
    assert len(answers) == 48 and {a.status for a in answers} == {200}
    local.standin.wait_for(lambda: sum(totals().values()) == 8 * BUDGET, timeout=20)
    settle(local)

    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        final = vote_totals(session, workshop)
        assert final[fixes[0]] == final[fixes[1]] == 8
        assert sum(final.get(f, 0) for f in fixes[2:]) == 8
        assert votes_cast(session, workshop) == 8 * BUDGET
        for voter in VOTERS:
            mine = own_votes(session, workshop, voter)
            assert sum(mine.values()) == BUDGET and set(mine.values()) == {1}
        per_ballot = Counter(session.exec(select(Vote.ballot_id)).all())
        assert set(per_ballot.values()) == {BUDGET}
        assert len(session.exec(select(Ballot)).all()) == len(VOTERS)
    # every voter's view ends showing the truth: no votes left
    for voter in VOTERS:
        assert "You have *0 of 3* votes left" in str(local.standin.top_view(voter)["blocks"])
    local.standin.wait_for(
        lambda: "24 of 27" in str(local.standin.message(CHANNEL_ID, board_ts)["blocks"])
    )
