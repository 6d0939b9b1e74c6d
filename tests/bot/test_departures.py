"""Workspaces that leave (issue 19), in OAuth mode with two workspaces installed: A stays, B
uninstalls the app (or revokes its token) and later installs it again.

B's people send their requests through a second stand-in (their own team id, their own
response_url); every Web API call goes to A's stand-in, which also issues B's install code."""

import secrets
from datetime import UTC
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.departures import REINSTALL_MESSAGE
from bot.scheduler import DigestScheduler
from bot.server import EVENTS_PATH, HttpServer, wsgi_application
from bot.slack.clients import team_clients
from bot.slack.oauth import INSTALL_PATH, REDIRECT_PATH
from demo.local import CHANNEL_ID, PEOPLE
from flows.schedules import (
    DigestRule,
    ScheduleAction,
    ScheduleSpec,
    change_schedule,
    create_schedule,
)
from standin import SimulatedSlack
from storage.models import Cadence, DigestSchedule, ScheduleStatus, utcnow
from storage.models.slack_oauth import bots, installations
from tests.bot.slack.test_oauth import CLIENT_ID, CLIENT_SECRET, anas_workspace, get, oauth_settings
from tests.factories import make_workshop

ANA = PEOPLE[0].user_id
STAYS, LEAVES = "T0STAYS", "T0LEAVES"
DAILY = DigestRule(Cadence.daily, "UTC", 9, 0)


def as_utc(moment):
    """SQLite gives naive UTC timestamps back, PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Workspaces:
    def __init__(self, db):
        self.db = db
        self.slack = anas_workspace(STAYS, "xoxb-not-configured")
        self.slack.register_oauth_app(CLIENT_ID, CLIENT_SECRET)
        self.away = anas_workspace(LEAVES, "xoxb-unused")
        secret = secrets.token_hex(16)
        settings = oauth_settings(self.slack, db, secret)
        self.scheduler = DigestScheduler(db, team_clients(settings, db), chart_processes=0)
        self.scheduler.start(paused=True)  # jobs are stored, never run
        app = create_app(settings, db, scheduler=self.scheduler)
        self.server = HttpServer(wsgi_application(app)).start()
        url = self.server.url + EVENTS_PATH
        self.sim = {
            STAYS: SimulatedSlack(self.slack, url, secret),
            LEAVES: SimulatedSlack(self.away, url, secret),
        }

    def install(self, team_id):
        _, headers, _ = get(self.server.url + INSTALL_PATH)
        state = parse_qs(urlparse(headers["Location"]).query)["state"][0]
        code = self.slack.approve_install(ANA, team_id)
        cookie = headers["Set-Cookie"].split(";")[0]
        status, _, page = get(f"{self.server.url}{REDIRECT_PATH}?code={code}&state={state}", cookie)
        assert status == 200, page

    def add_schedule(self, team_id, status=ScheduleStatus.active):
        with self.db.session() as session:
            workshop = make_workshop(session, team=team_id, channel=CHANNEL_ID, facilitator=ANA)
            schedule = create_schedule(session, workshop, ANA, ScheduleSpec(DAILY, CHANNEL_ID))
            schedule.status = status
            session.flush()
            schedule_id = schedule.id
        self.scheduler.sync()  # as a listener that changed a schedule does
        return schedule_id

    def rows(self, table, team_id):
        with self.db.engine.connect() as connection:
            query = select(func.count()).select_from(table).where(table.c.team_id == team_id)
            return connection.execute(query).scalar_one()

    def status(self, schedule_id):
        with self.db.session() as session:
            schedule = session.get(DigestSchedule, schedule_id)
            return schedule.status, schedule.last_error

    def close(self):
        self.server.stop()
        self.scheduler.shutdown()
        self.slack.stop()
        self.away.stop()


@pytest.fixture
def workspaces(db):
    both = Workspaces(db)
    try:
        both.install(STAYS)
        both.install(LEAVES)
        yield both
    finally:
        both.close()


UNINSTALLED = {"type": "app_uninstalled"}
BOT_TOKEN_REVOKED = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOT"]}}


@pytest.mark.parametrize("event", [UNINSTALLED, BOT_TOKEN_REVOKED], ids=lambda e: e["type"])
def test_a_workspace_that_leaves_and_comes_back(workspaces, event):
    staying, leaving = workspaces.add_schedule(STAYS), workspaces.add_schedule(LEAVES)
    paused_by_hand = workspaces.add_schedule(LEAVES, ScheduleStatus.paused)
    assert workspaces.scheduler.next_run_time(leaving) is not None

    response = workspaces.sim[LEAVES].event(event, event_id="Ev0LEAVE1")
    assert (response.status, response.problems) == (200, [])
    assert workspaces.rows(bots, LEAVES) == workspaces.rows(installations, LEAVES) == 0
    assert workspaces.status(leaving) == (ScheduleStatus.suspended, event["type"])
    assert workspaces.scheduler.next_run_time(leaving) is None  # its job is gone at once
    assert workspaces.status(paused_by_hand)[0] == ScheduleStatus.paused
    # The workspace that stays is untouched.
    assert workspaces.rows(bots, STAYS) == 1
    assert workspaces.status(staying) == (ScheduleStatus.active, None)
    assert workspaces.scheduler.next_run_time(staying) is not None

    # Slack redelivers it: acknowledged again, nothing else changes.
    again = workspaces.sim[LEAVES].event(event, event_id="Ev0LEAVE1", retry_num=1)
    assert again.status == 200

    # Later requests from the workspace are told to reinstall.
    workspaces.sim[LEAVES].slash_command(ANA, CHANNEL_ID, "help")
    (told,) = workspaces.away.wait_for(lambda: workspaces.away.ephemerals(user=ANA))
    assert told["text"] == REINSTALL_MESSAGE

    # Installed again: the schedules the departure stopped run again; a user's pause stays.
    reinstalled_at = utcnow()
    workspaces.install(LEAVES)
    assert workspaces.status(leaving) == (ScheduleStatus.active, None)
    with workspaces.db.session() as session:  # the slots missed while away are not sent
        active_since = session.get(DigestSchedule, leaving).active_since
    assert as_utc(active_since) >= reinstalled_at
    assert workspaces.scheduler.next_run_time(leaving) is not None
    assert workspaces.status(paused_by_hand)[0] == ScheduleStatus.paused
    workspaces.sim[LEAVES].slash_command(ANA, CHANNEL_ID, "help")
    answers = workspaces.away.wait_for(lambda: workspaces.away.ephemerals(user=ANA)[1:])
    assert answers[0]["text"] == "How to run a workshop"  # answered as before


def test_users_tokens_revoked_keeps_the_bot(workspaces):
    schedule_id = workspaces.add_schedule(LEAVES)
    assert workspaces.rows(installations, LEAVES) == 1  # Ana installed it
    for tokens in ({"oauth": [ANA], "bot": []}, "not an object", {"oauth": "U0X", "bot": None}):
        event = {"type": "tokens_revoked", "tokens": tokens}
        response = workspaces.sim[LEAVES].event(event)
        assert (response.status, response.problems) == (200, [])
    assert workspaces.rows(installations, LEAVES) == 0  # Ana's own installation
    assert workspaces.rows(bots, LEAVES) == 1
    assert workspaces.status(schedule_id) == (ScheduleStatus.active, None)
    workspaces.sim[LEAVES].slash_command(ANA, CHANNEL_ID, "help")  # still answered by the bot
    (answer,) = workspaces.away.wait_for(lambda: workspaces.away.ephemerals(user=ANA))
    assert answer["text"] == "How to run a workshop"


def test_with_one_workspace_an_uninstall_stops_the_schedules_until_resumed(local):
    with local.db.session() as session:
        workshop = make_workshop(session, team=local.team_id, channel=CHANNEL_ID, facilitator=ANA)
        schedule = create_schedule(session, workshop, ANA, ScheduleSpec(DAILY, CHANNEL_ID))
        session.flush()
        schedule_id = schedule.id
    response = local.sim.event(UNINSTALLED)
    assert (response.status, response.problems) == (200, [])
    with local.db.session() as session:
        schedule = session.get(DigestSchedule, schedule_id)
        assert schedule.status == ScheduleStatus.suspended
        assert schedule.last_error == "app_uninstalled"
        # Back with a new token, its creator presses Resume in `/workshop digest list`.
        change_schedule(session, local.team_id, schedule_id, ANA, ScheduleAction.resume)
        assert schedule.status == ScheduleStatus.active
