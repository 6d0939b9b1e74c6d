"""The whole bot wired to the local Slack stand-in: what the demo and end-to-end tests run.

`LocalSlack` starts the stand-in with a seeded workspace, the real Bolt app over HTTP in this
process, and a simulated Slack that signs requests exactly as Slack does.
"""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType

from slack_bolt import App

from bot.app import create_app
from bot.config import Settings
from bot.server import EVENTS_PATH, HttpServer, wsgi_application
from bot.slack import ids
from bot.slack.after_ack import AFTER_ACK_THREADS, AfterAck
from flows.journey import StageSpec, parse_journey
from flows.journey_templates import stage_field
from flows.workshops import PHASE_ORDER, channel_workshops, get_workshop
from standin import SimulatedSlack, SlackStandIn
from standin.simulator import SimResponse
from storage.db import Database
from storage.models import Phase

TEAM_ID = "T0LOCAL"
CHANNEL_ID = "C0JOURNEY"
CHANNEL_NAME = "journey-workshop"
# The second team's channel (demo/compare_scenes.py adds it when its workshop starts)
STORES_CHANNEL_ID = "C0STORES"
STORES_CHANNEL_NAME = "stores-journey"
CHANNEL_NAMES = {CHANNEL_ID: CHANNEL_NAME, STORES_CHANNEL_ID: STORES_CHANNEL_NAME}


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    real_name: str
    tz: str
    team: str  # the function they work in, for the transcript


PEOPLE = (
    Person("U0ANA", "ana", "Ana Lima", "Europe/Lisbon", "Product (facilitator)"),
    Person("U0BEN", "ben", "Ben Okafor", "Europe/London", "Support"),
    Person("U0CHLOE", "chloe", "Chloé Martin", "Europe/Paris", "Marketing"),
    Person("U0DEV", "dev", "Dev Patel", "Asia/Kolkata", "Operations"),
    Person("U0EMI", "emi", "Emi Tanaka", "Asia/Tokyo", "Sales"),
    Person("U0FEMI", "femi", "Femi Adeyemi", "America/New_York", "Customer success"),
)
OUTSIDER = Person("U0OMAR", "omar", "Omar Haddad", "UTC", "Finance (not in the channel)")


class TrackingExecutor(ThreadPoolExecutor):
    """A thread pool that knows whether any submitted work is unfinished, so the demo and tests
    can wait until the bot has done everything it acked."""

    def __init__(self, max_workers: int, thread_name_prefix: str = "listener") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self._unfinished = 0
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self._lock:
            self._unfinished += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: object) -> None:
        with self._lock:
            self._unfinished -= 1

    @property
    def idle(self) -> bool:
        with self._lock:
            return self._unfinished == 0


def seeded_standin(team_id: str = TEAM_ID) -> SlackStandIn:
    """A stand-in workspace with the six people (and the outsider) and the workshop channel."""
    standin = SlackStandIn(team_id=team_id, team_name="Northwind Outfitters")
    for person in (*PEOPLE, OUTSIDER):
        standin.add_user(person.user_id, person.name, person.real_name, tz=person.tz)
    standin.add_channel(CHANNEL_ID, CHANNEL_NAME, [p.user_id for p in PEOPLE])
    return standin


class LocalSlack:
    """Stand-in + bot + simulator, started together and stopped together."""

    def __init__(self, database_url: str, *, team_id: str = TEAM_ID) -> None:
        self.signing_secret = secrets.token_hex(16)
        self.standin = seeded_standin(team_id)
        self.db = Database(database_url)
        self.team_id = team_id
        self.app: App | None = None
        self.server: HttpServer | None = None
        self.sim: SimulatedSlack | None = None
        self.listener_executor = TrackingExecutor(max_workers=32)
        self.after_ack_executor = TrackingExecutor(AFTER_ACK_THREADS, "after-ack")

    def start(self) -> LocalSlack:
        self.standin.start()
        settings = Settings(
            slack_bot_token=self.standin.bot_token,
            slack_signing_secret=self.signing_secret,
            slack_api_url=self.standin.api_url,
            database_url=self.db.url,
        )
        self.app = create_app(
            settings,
            self.db,
            listener_executor=self.listener_executor,
            after_ack=AfterAck(self.after_ack_executor),
        )
        self.server = HttpServer(wsgi_application(self.app)).start()
        self.sim = SimulatedSlack(
            self.standin, self.server.url + EVENTS_PATH, signing_secret=self.signing_secret
        )
        return self

    def start_workshop(
        self,
        facilitator_id: str = PEOPLE[0].user_id,
        title: str = "Onboarding journey",
        phase: Phase = Phase.setup,
        values: dict | None = None,
        joiners: tuple[str, ...] | list[str] = (),
    ) -> tuple[int, str]:
        """Create a workshop through Slack (command, setup form), let `joiners` press *Join*
        (the setup board's button: later boards have none, any participation joins), move it
        to `phase` with the board's buttons, and return its number and board ts once the bot
        has posted the board."""
        sim, standin = self.sim, self.standin
        sim.slash_command(facilitator_id, CHANNEL_ID, f"new {title}")
        standin.wait_for(lambda: standin.top_view(facilitator_id))
        values = dict(values or {})
        journey = values.pop(ids.SETUP_JOURNEY, None)
        sim.submit_view(facilitator_id, values)  # step 1, then the stages as the template has them
        stages = None if journey is None else parse_journey(journey)
        self.submit_stages(facilitator_id, stages)
        workshop_id, board_ts = standin.wait_for(lambda: self._newest_board(title))
        for person in joiners:  # one after the other: each Join edits the board
            sim.click(person, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board_ts)
            self.wait_until_idle()
        with self.db.session() as session:
            current = Phase(get_workshop(session, self.team_id, workshop_id).phase)
        for _ in range(PHASE_ORDER.index(phase) - PHASE_ORDER.index(current)):
            sim.click(facilitator_id, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
            self.wait_until_idle()
        self.wait_until_idle()
        return workshop_id, board_ts

    def submit_stages(self, user_id: str, stages: list[StageSpec] | None = None) -> SimResponse:
        """Submit the setup form's stage editor (step 2): as the template filled it, or with
        `stages` (adding rows with "Add a stage" as needed, emptying the rows left over)."""
        return self.sim.submit_view(user_id, self.stage_values(user_id, stages))

    def stage_values(self, user_id: str, stages: list[StageSpec] | None) -> dict:
        view = self.standin.top_view(user_id)
        if stages is None:
            return {}
        while len(stages) > self._stage_rows(view):
            self.sim.click(user_id, ids.SETUP_ADD_STAGE)
            self.standin.wait_for(
                lambda v=view: (
                    self._stage_rows(self.standin.top_view(user_id)) > self._stage_rows(v)
                )
            )
            view = self.standin.top_view(user_id)
        values = {}
        for index in range(self._stage_rows(view)):
            stage = stages[index] if index < len(stages) else None
            values[stage_field("name", index)] = stage.name if stage else None
            values[stage_field("touchpoints", index)] = (
                "\n".join(stage.touchpoints) if stage else None
            )
        return values

    @staticmethod
    def _stage_rows(view: dict) -> int:
        return sum(1 for b in view["blocks"] if b.get("block_id", "").startswith("stage_name:"))

    def _newest_board(self, title: str) -> tuple[int, str] | None:
        with self.db.session() as session:
            workshops = channel_workshops(session, self.team_id, CHANNEL_ID)
        if workshops and workshops[0].title == title and workshops[0].board_ts:
            return workshops[0].id, workshops[0].board_ts
        return None

    def wait_until_idle(self, timeout: float = 30.0) -> None:
        """Wait until every request the bot acked has finished its after-ack work."""
        # Listeners first: a listener hands its after-ack work over before it counts as done.
        self.standin.wait_for(
            lambda: self.listener_executor.idle and self.after_ack_executor.idle, timeout=timeout
        )

    def drain(self) -> None:
        """Stop taking requests and wait until the bot has finished all it acked."""
        if self.server is not None:
            self.server.stop()
        self.listener_executor.shutdown(wait=True)
        self.after_ack_executor.shutdown(wait=True)

    def stop(self) -> None:
        """Stop taking requests, let the bot finish what it acked, then stop Slack."""
        self.drain()
        self.standin.stop()
        self.db.dispose()

    def __enter__(self) -> LocalSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
