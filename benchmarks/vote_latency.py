"""Benchmark 1: vote clicks through the signed HTTP endpoint, beside a bare Bolt app that only acks.

The bot is the real `workshop-bot serve --http` in a process of its own, on a fresh database,
talking to the Slack stand-in (in this process, standing in for Slack's servers). A workshop is
set up through Slack as people would: the setup form, the board's phase buttons, `/workshop vote`.
Each simulated user opens the vote modal the bot renders, and their two clicks are recorded from
it, signed payloads exactly as Slack builds them: "＋ Vote" on one fix and, from the modal the bot
re-rendered after that click, "－ Take back". During the load every user sends them in turn,
each once the previous one was answered: twice, first at a human pace (a pause of 0.5–1.5 s
after each answer, as a person looks at the redrawn modal before clicking again), then with no
pause at all (the most load that many users can put on the bot: it measures capacity).

The floor gets the same requests, from the same load generator, served the same way
(`benchmarks.floor_app`). A short run against a WSGI app without Bolt measures HTTP and the load
generator themselves, to show the load generator is not what limits the floor.
"""

from __future__ import annotations

import json
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from sqlmodel import select

from benchmarks.databases import BenchDatabase, fresh_postgres, fresh_sqlite
from benchmarks.load import FORM, LoadResult, LoadSpec, run_in_child_process
from benchmarks.report import BenchmarkResult, Figure
from benchmarks.servers import ServedProcess, launch_bot, launch_floor
from benchmarks.stats import median, percentile
from bot.slack import ids
from flows.fixes import FixDraft, propose_fix
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.workshops import channel_workshops, get_workshop
from standin import SimResponse, SimulatedSlack, SlackStandIn
from standin.blockkit import iter_elements
from storage.db import Database
from storage.models import Phase, Touchpoint

TEAM_ID = "T0BENCH"
CHANNEL_ID = "C0BENCHVOTE"
FACILITATOR = "U0BENCHFAC"
SLACK_ACK_LIMIT_S = 3.0
P99_GOAL_RATIO = 2.0
SETUP_THREADS = 4
MODAL_ATTEMPTS = 3


@dataclass(frozen=True)
class VoteConfig:
    users: int = 50
    duration_s: float = 30.0
    warmup_s: float = 2.0
    fixes: int = 10
    raw_duration_s: float = 5.0  # the run without Bolt, which checks the load generator
    quiet_s: float = 1.5  # no Web API call from the bot for this long: its work is done
    # The human pace: after each answer a person looks at the redrawn modal before the next
    # click. The closed loop without pause comes after it.
    think_s: tuple[float, float] = (0.5, 1.5)


FULL = VoteConfig()
QUICK = VoteConfig(users=10, duration_s=5.0, warmup_s=1.0, raw_duration_s=2.0)
TINY = VoteConfig(
    users=3,
    duration_s=1.0,
    warmup_s=0.3,
    fixes=3,
    raw_duration_s=0.5,
    quiet_s=0.5,
    think_s=(0.05, 0.15),
)


@dataclass
class ServerRun:
    """One server under the load: what the clients saw and what the server spent."""

    load: LoadResult
    cpu_s: float | None  # the server's CPU from the start of the load until its work was done
    rss_idle_mib: float | None
    rss_after_mib: float | None
    peak_rss_mib: float | None
    drain_s: float = 0.0  # after the last click, until the after-ack work was done

    @property
    def median_ms(self) -> float | None:
        value = median(self.load.latencies_s)
        return None if value is None else value * 1000

    @property
    def p99_ms(self) -> float | None:
        value = percentile(self.load.latencies_s, 0.99)
        return None if value is None else value * 1000

    @property
    def cpu_ms_per_request(self) -> float | None:
        sent = self.load.sent
        return None if self.cpu_s is None or not sent else self.cpu_s / sent * 1000

    def summary(self) -> dict:
        return {
            "median_ms": self.median_ms,
            "p99_ms": self.p99_ms,
            "max_ms": max(self.load.latencies_s) * 1000 if self.load.latencies_s else None,
            "throughput_per_s": self.load.throughput,
            "answered_in_window": self.load.answered,
            "sent_in_all": self.load.sent,
            "statuses": self.load.statuses,
            "failures": self.load.failures,
            "client_cores": self.load.client_cores,
            "server_cpu_s": self.cpu_s,
            "server_cpu_ms_per_request": self.cpu_ms_per_request,
            "rss_idle_mib": self.rss_idle_mib,
            "rss_after_mib": self.rss_after_mib,
            "peak_rss_mib": self.peak_rss_mib,
            "drain_s": self.drain_s,
        }


@dataclass
class VoteRuns:
    config: VoteConfig
    database: str
    bot: ServerRun  # the closed loop without pause
    floor: ServerRun
    raw: ServerRun
    bot_paced: ServerRun  # at the human pace
    floor_paced: ServerRun
    bot_rss_after_setup_mib: float | None
    standin_cpu_s: float
    bot_calls: dict[str, int]  # Web API calls the bot made during its load, by method
    bot_errors: list[str] = field(default_factory=list)


# the benchmark -------------------------------------------------------------------------------


def run(config: VoteConfig, workdir: Path, database_url: str | None = None) -> VoteRuns:
    """Set the workshop up through the bot, then load the raw app, the floor and the bot."""
    database = (
        fresh_postgres(database_url, "votes") if database_url else fresh_sqlite(workdir, "votes")
    )
    standin = _standin(config.users)
    signing_secret = secrets.token_hex(16)
    settings = {
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database.url,
        "LOG_LEVEL": "INFO",
    }
    # Started together, so their start-ups overlap; the floors idle while the bot is set up.
    bot = launch_bot(settings, workdir)
    floors = [launch_floor(settings, workdir, raw=True), launch_floor(settings, workdir)]
    try:
        for server in (bot, *floors):
            server.wait_until_healthy()
        time.sleep(config.quiet_s)  # let start-up work (scheduler sync, first GC) settle
        bot_idle = bot.rss_mib()
        sim = SimulatedSlack(standin, bot.events_url, signing_secret)
        scripts = set_up_voters(sim, standin, database, config)
        _wait_until_quiet(standin, config.quiet_s)
        after_setup = bot.rss_mib()

        raw = load_server(floors[0], scripts, signing_secret, config, config.raw_duration_s)
        floor_paced = load_server(
            floors[1], scripts, signing_secret, config, config.duration_s, paced=True, stop=False
        )
        floor = load_server(floors[1], scripts, signing_secret, config, config.duration_s)
        bot_paced = load_server(
            bot, scripts, signing_secret, config, config.duration_s, paced=True, stop=False
        )
        _wait_until_quiet(standin, config.quiet_s)
        standin_cpu = time.process_time()
        calls_before = Counter(c.method for c in standin.calls)
        errors_before = len(bot.log_lines("ERROR"))
        bot_run = load_server(
            bot, scripts, signing_secret, config, config.duration_s, standin=standin, stop=False
        )
        bot_run.rss_idle_mib = bot_idle
        standin_cpu = time.process_time() - standin_cpu
        bot_calls = Counter(c.method for c in standin.calls) - calls_before
        errors = bot.log_lines("ERROR")[errors_before:]
    finally:
        for server in (bot, *floors):
            server.stop()
        standin.stop()
        database.drop()
    return VoteRuns(
        config,
        database.label,
        bot_run,
        floor,
        raw,
        bot_paced,
        floor_paced,
        bot_rss_after_setup_mib=after_setup,
        standin_cpu_s=standin_cpu,
        bot_calls=dict(bot_calls),
        bot_errors=errors,
    )


def load_server(
    server: ServedProcess,
    scripts: tuple[tuple[bytes, ...], ...],
    signing_secret: str,
    config: VoteConfig,
    duration_s: float,
    *,
    standin: SlackStandIn | None = None,
    stop: bool = True,
    paced: bool = False,
) -> ServerRun:
    """Put the load on `server`; with `standin`, also wait until the server's after-ack work
    (its calls to Slack) is over, and count its CPU until then."""
    try:
        idle = server.rss_mib()
        cpu_before = server.cpu_seconds()
        spec = LoadSpec(
            server.events_url,
            signing_secret,
            scripts,
            duration_s,
            config.warmup_s,
            think_s=config.think_s if paced else (0.0, 0.0),
        )
        load = run_in_child_process(spec)
        load_ended = time.time()
        drain = _wait_until_quiet(standin, config.quiet_s) - load_ended if standin else 0.0
        cpu_after = server.cpu_seconds()
        cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
        return ServerRun(load, cpu, idle, server.rss_mib(), server.peak_rss_mib(), max(0.0, drain))
    finally:
        if stop:
            server.stop()


def _wait_until_quiet(standin: SlackStandIn, quiet_s: float = 1.5, limit_s: float = 600) -> float:
    """Wait until the bot has made no Web API call for `quiet_s`; return when its last was."""
    deadline = time.monotonic() + limit_s
    count, changed = len(standin.calls), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now_count = len(standin.calls)
        if now_count != count:
            count, changed = now_count, time.monotonic()
        elif time.monotonic() - changed >= quiet_s:
            break
    calls = standin.calls
    return calls[-1].at if calls else time.time()


# setting the workshop up through Slack -------------------------------------------------------


def voter_ids(count: int) -> list[str]:
    return [f"U0VOTER{n:03d}" for n in range(count)]


def _standin(users: int) -> SlackStandIn:
    standin = SlackStandIn(team_id=TEAM_ID, team_name="Benchmark Co")
    standin.add_user(FACILITATOR, "facilitator", "Fran Facilitator")
    for voter in voter_ids(users):
        standin.add_user(voter, voter.lower(), f"Voter {voter[-3:]}")
    standin.add_channel(CHANNEL_ID, "bench-votes", [FACILITATOR, *voter_ids(users)])
    standin.start()
    return standin


def set_up_voters(
    sim: SimulatedSlack, standin: SlackStandIn, database: BenchDatabase, config: VoteConfig
) -> tuple[tuple[bytes, ...], ...]:
    """A workshop in the voting phase, every voter with the vote modal open; returns each
    voter's two recorded clicks (vote on a fix, then take it back)."""
    db = Database(database.url)
    try:
        workshop_id, board_ts = _start_workshop(sim, standin, db)
        for label in ("Stakeholders", "Gap rating"):
            _advance(sim, standin, board_ts, label)
        _rate_every_touchpoint(db, workshop_id, config)
        _advance(sim, standin, board_ts, "Fixes")
        fixes = _propose_fixes(db, workshop_id, config)
        _advance(sim, standin, board_ts, "Voting")
        _wait_until_quiet(standin, config.quiet_s)  # the gap results drawn when rating ended
    finally:
        db.dispose()
    voters = voter_ids(config.users)
    with ThreadPoolExecutor(SETUP_THREADS) as pool:
        return tuple(
            pool.map(
                lambda pair: _record_clicks(sim, standin, pair[1], fixes[pair[0] % len(fixes)]),
                enumerate(voters),
            )
        )


def _open_modal(sim: SimulatedSlack, user: str, text: str, ready: Callable[[], bool]) -> None:
    """Run `/workshop text` until the modal it opens is there. A busy machine can make the bot
    open it after its trigger id expired (3 s), and then, like a person, we run it again."""
    for attempt in range(MODAL_ATTEMPTS):
        _ok(sim.slash_command(user, CHANNEL_ID, text))
        try:
            sim.standin.wait_for(ready, timeout=10)
            return
        except AssertionError:
            if attempt == MODAL_ATTEMPTS - 1:
                raise


def _start_workshop(sim: SimulatedSlack, standin: SlackStandIn, db: Database) -> tuple[int, str]:
    _open_modal(
        sim,
        FACILITATOR,
        "new Benchmark workshop",
        lambda: (standin.top_view(FACILITATOR) or {}).get("callback_id") == ids.SETUP_MODAL,
    )
    _ok(sim.submit_view(FACILITATOR, {ids.SETUP_VOTE_BUDGET: "3"}))
    standin.wait_for(
        lambda: (standin.top_view(FACILITATOR) or {}).get("callback_id") == ids.SETUP_STAGES_MODAL
    )
    _ok(sim.submit_view(FACILITATOR, {}))  # the template's stages as they are

    def board() -> tuple[int, str] | None:
        with db.session() as session:
            workshops = channel_workshops(session, TEAM_ID, CHANNEL_ID)
        return (
            (workshops[0].id, workshops[0].board_ts)
            if workshops and workshops[0].board_ts
            else None
        )

    return standin.wait_for(board, timeout=30)


def _advance(sim: SimulatedSlack, standin: SlackStandIn, board_ts: str, label: str) -> None:
    _ok(sim.click(FACILITATOR, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts))
    standin.wait_for(
        lambda: f"*▶ {label}*" in str(standin.message(CHANNEL_ID, board_ts)["blocks"]),
        timeout=60,
    )


def _rate_every_touchpoint(db: Database, workshop_id: int, config: VoteConfig) -> None:
    """Every voter rates every touchpoint (which joins them), as in the rating phase: the vote
    modal then shows each fix's gap, as it does in a real workshop."""
    rng = random.Random(1)
    with db.session() as session:
        touchpoints = session.exec(
            select(Touchpoint.id).where(Touchpoint.workshop_id == workshop_id)
        ).all()
        for voter in voter_ids(config.users):
            answers = {}
            for touchpoint in touchpoints:
                expectation = rng.randint(3, 7)
                experience = rng.randint(max(1, expectation - 3), 7)
                answers[touchpoint] = RawAnswer(str(expectation), str(experience), "3", None)
            save_ratings(session, TEAM_ID, workshop_id, voter, answers)


def _propose_fixes(db: Database, workshop_id: int, config: VoteConfig) -> list[int]:
    with db.session() as session:
        assert get_workshop(session, TEAM_ID, workshop_id).phase == Phase.fixes
        touchpoints = session.exec(
            select(Touchpoint.id).where(Touchpoint.workshop_id == workshop_id)
        ).all()
        return [
            propose_fix(
                session,
                TEAM_ID,
                workshop_id,
                FACILITATOR,
                FixDraft(f"Fix {n + 1}", touchpoints[n % len(touchpoints)]),
            ).id
            for n in range(config.fixes)
        ]  # type: ignore[return-value]


class _Recorder(SimulatedSlack):
    """Builds the simulator's signed request and keeps it instead of sending it."""

    body: bytes = b""

    def post(self, body, content_type, headers=None, signed=True, timestamp=None):  # type: ignore[no-untyped-def, override]
        self.body = body
        return SimResponse(200, "", None, {}, 0.0)


def _record_clicks(
    sim: SimulatedSlack, standin: SlackStandIn, voter: str, fix_id: int
) -> tuple[bytes, bytes]:
    _open_modal(sim, voter, "vote", lambda: _button(standin, voter, ids.VOTE_ADD, f"{fix_id}|0|1"))
    vote = _click_recorded(sim, voter, ids.VOTE_ADD, f"{fix_id}|0|1")
    standin.wait_for(lambda: _button(standin, voter, ids.VOTE_REMOVE, f"{fix_id}|1|0"), timeout=30)
    take_back = _click_recorded(sim, voter, ids.VOTE_REMOVE, f"{fix_id}|1|0")
    standin.wait_for(lambda: _button(standin, voter, ids.VOTE_ADD, f"{fix_id}|0|1"), timeout=30)
    return vote, take_back


def _click_recorded(sim: SimulatedSlack, voter: str, action_id: str, value: str) -> bytes:
    """Record the click from the voter's modal as it is now and send it for real; return it for
    replaying, without the view's hash (see `without_view_hash`)."""
    recorder = _Recorder(sim.standin, sim.bot_url, sim.signing_secret)
    recorder.click(voter, action_id, value=value)
    _ok(sim.post(recorder.body, FORM))
    return without_view_hash(recorder.body)


def without_view_hash(body: bytes) -> bytes:
    """A person clicks the modal as the bot last rendered it, so Slack sends that render's hash.
    A replayed click's recorded hash is stale from the second replay on, and would send every
    click down the bot's hash-conflict path (render again, update without the hash), which real
    clicks take only when two of them race. Without a hash the bot takes its usual path: one
    render and one views.update per click."""
    payload = json.loads(parse_qs(body.decode("ascii"))["payload"][0])
    payload["view"].pop("hash", None)
    return urlencode({"payload": json.dumps(payload)}).encode("ascii")


def _button(standin: SlackStandIn, user: str, action_id: str, value: str) -> bool:
    view = standin.top_view(user)
    if view is None or view.get("callback_id") != ids.VOTE_MODAL:
        return False
    return any(
        e.get("action_id") == action_id and e.get("value") == value
        for _, e in iter_elements(view["blocks"])
    )


def _ok(response: SimResponse) -> SimResponse:
    if response.status != 200:
        raise RuntimeError(f"the bot answered {response.status}: {response.text[:300]}")
    return response


# the table -----------------------------------------------------------------------------------

FLOOR_NAME = "bare Bolt app"


def _latency_figures(bot: ServerRun, floor: ServerRun, load: str) -> list[Figure]:
    p99_ratio = (bot.p99_ms / floor.p99_ms) if bot.p99_ms and floor.p99_ms else None
    p99_met = (
        None
        if p99_ratio is None or bot.p99_ms is None
        else p99_ratio <= P99_GOAL_RATIO and bot.p99_ms < SLACK_ACK_LIMIT_S * 1000
    )
    return [
        Figure(
            f"median time to HTTP response, {load}",
            bot.median_ms,
            "ms",
            floor.median_ms,
            FLOOR_NAME,
        ),
        Figure(
            f"p99 time to HTTP response, {load}",
            bot.p99_ms,
            "ms",
            floor.p99_ms,
            FLOOR_NAME,
            goal=f"≤ {P99_GOAL_RATIO:g}× floor and < {SLACK_ACK_LIMIT_S:g} s",
            met=p99_met,
        ),
        Figure(
            f"throughput, {load}",
            bot.load.throughput,
            "clicks/s",
            floor.load.throughput,
            FLOOR_NAME,
        ),
    ]


def result(runs: VoteRuns) -> BenchmarkResult:
    config, bot, floor, raw = runs.config, runs.bot, runs.floor, runs.raw
    floor_name = FLOOR_NAME
    paced, floor_paced = runs.bot_paced, runs.floor_paced
    low, high = config.think_s
    figures = [
        *_latency_figures(
            paced, floor_paced, f"{config.users} people, a click every {low:g}–{high:g} s each"
        ),
        *_latency_figures(bot, floor, "closed loop, no pause"),
        Figure(
            "server CPU per click (incl. after-ack work)",
            bot.cpu_ms_per_request,
            "ms",
            floor.cpu_ms_per_request,
            floor_name,
        ),
        Figure("after-ack work done, after the last click", bot.drain_s, "s"),
    ]
    all_answered = all(
        set(r.load.statuses) == {200} and r.load.failures == 0
        for r in (bot, floor, raw, paced, floor_paced)
    )
    headroom = (
        raw.load.throughput >= 1.5 * floor.load.throughput
        and max(floor.load.client_cores, bot.load.client_cores) < 0.8
    )
    checks = {
        "every request answered 200 (bot, floor, raw HTTP)": all_answered,
        "no error logged by the bot": not runs.bot_errors,
        "load generator not the bottleneck (raw HTTP ≥ 1.5× the floor's rate, "
        "load generator < 0.8 core)": headroom,
    }
    notes = [
        f"Load generator: raw HTTP without Bolt answered {raw.load.throughput:.0f} clicks/s "
        f"(median {raw.median_ms or 0:.1f} ms); the load generator kept "
        f"{floor.load.client_cores:.2f} core busy against the floor and "
        f"{bot.load.client_cores:.2f} against the bot.",
        f"The Slack stand-in ran on the same cores and used {runs.standin_cpu_s:.1f} CPU-s "
        "during the bot's run (Slack's own servers would not).",
    ]
    if runs.bot_errors:
        notes.append(f"Bot errors: {runs.bot_errors[:3]}")
    setup = (
        f"{config.users} users clicking vote buttons for {config.duration_s:g} s (after "
        f"{config.warmup_s:g} s warm-up), each after the previous click was answered: first "
        f"with a pause of {config.think_s[0]:g}–{config.think_s[1]:g} s, then with none; "
        f"{config.fixes} fixes, on {runs.database}; "
        "signed block_actions payloads recorded from the bot's own vote modal, sent to the real "
        "`workshop-bot serve --http` and to a bare Bolt app served the same way."
    )
    return BenchmarkResult(
        "votes",
        "Vote click latency",
        setup,
        figures,
        checks,
        notes,
        details={
            "config": config.__dict__,
            "database": runs.database,
            "bot": bot.summary(),
            "floor": floor.summary(),
            "bot_paced": paced.summary(),
            "floor_paced": floor_paced.summary(),
            "raw_http": raw.summary(),
            "standin_cpu_s": runs.standin_cpu_s,
            "bot_web_api_calls": runs.bot_calls,
            "bot_rss_after_setup_mib": runs.bot_rss_after_setup_mib,
            "bot_errors": runs.bot_errors[:20],
        },
    )
