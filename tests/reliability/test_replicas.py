"""Several replicas on one PostgreSQL database, as real processes: two `workshop-bot serve --http
--no-scheduler` behind an imaginary load balancer and two `workshop-bot scheduler` (one more than
the README asks for, to show that a mistake costs nothing).

- RELIABILITY_VOTE_CLICKS (default 500) vote clicks, spread over both replicas and sent as fast
  as 50 people can, a fifth of them delivered twice: the tallies are exact, nobody spends more
  than the budget or gives a fix more than the per-fix maximum. More voters than that click
  every fix at once, far past their budget: each ends with exactly the budget spent.
- The same Events API event, delivered to both replicas at once, is handled once.
- A digest set up through Slack falls due with both schedulers running: it is posted once.

Slow (a minute or two, much of it waiting for the digest's minute): run with `-m slow` against
PostgreSQL (`.ci/run` does).
"""

from __future__ import annotations

import os
import random
import secrets
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.fixes import FixDraft, propose_fix
from flows.voting import own_votes, vote_totals, votes_cast
from flows.workshops import get_workshop, join_workshop
from standin import SimulatedSlack
from storage.models import Ballot, DigestDelivery, DigestSchedule, Phase, Touchpoint, Vote
from tests.processes import bot_environment, bot_processes
from tests.recording import RecordingSlack
from tests.reliability.test_crash import board_figures, open_view, standin_with, start_workshop

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ANA = PEOPLE[0].user_id
CLICKS = int(os.environ.get("RELIABILITY_VOTE_CLICKS", "500"))
BUDGET = 10  # each voter's votes, one per fix (the per-fix maximum is 1)
FIXES = 12
VOTERS = [f"U0VOTER{n:03d}" for n in range(max(1, CLICKS // BUDGET))]
GREEDY = [f"U0GREEDY{n:02d}" for n in range(max(2, len(VOTERS) // 5))]
DUPLICATED = 0.2  # the share of clicks delivered twice
# Clicks in flight at once: enough for every kind of race, and few enough that a busy 2-core
# machine running four bot processes still acknowledges each well inside Slack's 3 seconds.
PEOPLE_CLICKING = int(os.environ.get("RELIABILITY_CLICKERS", "32"))
WAIT = 60


@pytest.fixture
def postgres_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database: set TEST_DATABASE_URL")
    return database_url


@pytest.fixture
def standin():
    yield from standin_with(*VOTERS, *GREEDY)


def schedule_digest_soon(sim, standin, db, workshop_id) -> tuple[int, datetime]:
    """A daily digest at the first whole minute at least 20 s away. The schedulers see a new
    schedule within a minute (or run it at once when they see it late), so it goes out within
    about a minute and a half."""
    sim.slash_command(ANA, CHANNEL_ID, f"digest #{workshop_id}")
    standin.wait_for(
        lambda: (v := standin.top_view(ANA)) and v["callback_id"] == ids.DIGEST_MODAL, timeout=WAIT
    )
    at = (datetime.now(UTC) + timedelta(seconds=80)).replace(second=0, microsecond=0)
    answer = sim.submit_view(
        ANA,
        {ids.DIGEST_CADENCE: "daily", ids.DIGEST_TIME: f"{at:%H:%M}", ids.DIGEST_TIMEZONE: "UTC"},
    )
    assert answer.json is None, answer.json
    with db.session() as session:
        return session.exec(select(DigestSchedule.id)).one(), at


def send_all(replicas, requests) -> list[int]:
    """Every request, request i through replicas[i % 2], PEOPLE_CLICKING at a time."""

    def send(index):
        return replicas[index % len(replicas)].post(*requests[index]).status

    with ThreadPoolExecutor(PEOPLE_CLICKING) as pool:
        return list(pool.map(send, range(len(requests))))


def test_replicas_and_schedulers_on_one_database(postgres_url, standin, db, tmp_path):
    signing_secret = secrets.token_hex(16)
    env = bot_environment(standin, signing_secret, postgres_url)
    with bot_processes(env, tmp_path) as bots:
        servers = [bots.serve("--no-scheduler") for _ in range(2)]
        schedulers = [bots.scheduler() for _ in range(2)]
        for scheduler in schedulers:
            scheduler.wait_for_log("digest scheduler running")
        replicas = [
            SimulatedSlack(standin, server.wait_until_healthy().events_url, signing_secret)
            for server in servers
        ]
        sim = replicas[0]

        workshop_id, board_ts = start_workshop(sim, standin, db, "Checkout", Phase.fixes)
        with db.session() as session:
            workshop = get_workshop(session, "T0LOCAL", workshop_id)
            workshop.vote_budget, workshop.max_votes_per_fix = BUDGET, 1
            session.add(workshop)
            touchpoints = session.exec(
                select(Touchpoint.id).where(Touchpoint.workshop_id == workshop_id)
            ).all()
            fixes = [
                propose_fix(
                    session, "T0LOCAL", workshop_id, ANA, FixDraft(f"Fix {n}", touchpoints[n])
                ).id
                for n in range(FIXES)
            ]
            for voter in VOTERS + GREEDY:
                join_workshop(session, workshop, voter)
        replicas[1].click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
        standin.wait_for(lambda: "Votes cast" in board_figures(standin, board_ts), timeout=WAIT)
        schedule_id, due_at = schedule_digest_soon(replicas[1], standin, db, workshop_id)

        # Each voter opens the voting view (on either replica) and picks BUDGET fixes.
        recorder = RecordingSlack(standin, sim.bot_url, signing_secret)
        picks: dict[str, list[int]] = {}
        for n, voter in enumerate(VOTERS + GREEDY):
            view = open_view(
                replicas[n % 2], standin, voter, ids.VOTE_OPEN, board_ts, ids.VOTE_MODAL
            )
            chosen = fixes if voter in GREEDY else random.Random(voter).sample(fixes, BUDGET)
            picks[voter] = chosen
            for fix_id in chosen:
                recorder.click(voter, ids.VOTE_ADD, view_id=view["id"], value=f"{fix_id}|0|1")
        clicks = recorder.requests[: len(VOTERS) * BUDGET]
        greedy = recorder.requests[len(VOTERS) * BUDGET :]
        shuffle = random.Random(500)
        twice = shuffle.sample(clicks, round(len(clicks) * DUPLICATED))
        requests = clicks + twice + greedy
        shuffle.shuffle(requests)

        statuses = send_all(replicas, requests)
        assert Counter(statuses) == {200: len(requests)}

        # Slack redelivers an event to both replicas at once: one of them handles it.
        event = {"type": "app_home_opened", "user": ANA, "channel": "D0ANA", "tab": "home"}
        redeliveries = [RecordingSlack(standin, sim.bot_url, signing_secret) for _ in range(2)]
        for copy in redeliveries:
            copy.event(event, event_id="Ev0BOTHREPLICAS", retry_num=1)
        with ThreadPoolExecutor(4) as pool:
            answers = list(
                pool.map(lambda n: replicas[n % 2].post(*redeliveries[n % 2].requests[0]), range(4))
            )
        assert {answer.status for answer in answers} == {200}

        expected = Counter(fix for voter in VOTERS for fix in picks[voter])

        def votes_settled():
            with db.session() as session:
                count = votes_cast(session, get_workshop(session, "T0LOCAL", workshop_id))
            return count == len(VOTERS) * BUDGET + len(GREEDY) * BUDGET

        standin.wait_for(votes_settled, timeout=WAIT)
        with db.session() as session:
            workshop = get_workshop(session, "T0LOCAL", workshop_id)
            exact = Counter()
            for voter in VOTERS:
                mine = own_votes(session, workshop, voter)
                assert mine == dict.fromkeys(picks[voter], 1), voter
                exact.update(mine)
            assert exact == expected
            for voter in GREEDY:
                mine = own_votes(session, workshop, voter)
                assert sum(mine.values()) == BUDGET and set(mine.values()) == {1}, voter
            totals = vote_totals(session, workshop)
            assert sum(totals.values()) == (len(VOTERS) + len(GREEDY)) * BUDGET
            per_ballot = Counter(session.exec(select(Vote.ballot_id)).all())
            assert max(per_ballot.values()) == BUDGET
            ballots = session.exec(select(func.count()).select_from(Ballot)).one()
            assert ballots == len(VOTERS) + len(GREEDY)

        def home_publishes():
            return [c for c in standin.calls_to("views.publish") if c.params["user_id"] == ANA]

        # The Home tab is published after the ack, so it may come after the votes settled.
        standin.wait_for(home_publishes, timeout=WAIT)

        # Both replicas refreshed the board as votes came in; it ends showing the truth.
        participants = 1 + len(VOTERS) + len(GREEDY)
        standin.wait_for(
            lambda: (
                board_figures(standin, board_ts).get("Votes cast")
                == f"{participants * BUDGET - BUDGET} of {participants * BUDGET}"
            ),
            timeout=WAIT,
        )

        # The digest falls due with two schedulers running: posted once.
        def digests():
            return [m for m in standin.messages(CHANNEL_ID) if m["text"].startswith("Digest")]

        remaining = (due_at - datetime.now(UTC)).total_seconds()
        standin.wait_for(digests, timeout=max(remaining, 0) + 90)
        time.sleep(5)  # a second post, had there been one, would have come within moments
        assert len(digests()) == 1
        assert len(home_publishes()) == 1  # the event redelivered to both replicas: handled once
        with db.session() as session:
            (delivery,) = session.exec(select(DigestDelivery)).all()
        assert (delivery.schedule_id, delivery.status) == (schedule_id, "sent")
        assert delivery.fire_time.replace(tzinfo=UTC) == due_at
