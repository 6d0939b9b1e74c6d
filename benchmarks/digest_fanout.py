"""Benchmark 3: a thousand digests due in the same minute, through a rate-limited Slack.

Layout: 1,000 workshops spread round-robin over 50 channels, 20 per channel, each with a daily
digest schedule for the same minute posting to its workshop's channel. Each workshop is in the
gap-rating phase with a short phase history, so its digest carries the phase-timeline chart, as
a live workshop's does. The Slack stand-in lets one chat.postMessage per second through per
channel (a token bucket holding one: no burst) and answers 429 with Retry-After past it, so the
last of a channel's 20 digests cannot go out before 19 s: that is the minimum the rate limit
allows.

The delivery path is the real one: `bot.scheduler.DigestScheduler` with its APScheduler job
store in the database, started paused, its jobs stored, then resumed at once; each job runs
`run_digest_job` → `deliver_scheduled_digest`, which claims the (schedule, fire time) row, builds
the digest, draws its chart and posts through the bot's own Web API client (whose retry handler
sleeps out each 429's Retry-After), in APScheduler's pool of `bot.scheduler.WORKERS` threads.

Measured floor: the same number of bare chat.postMessage calls (no digest built), from a pool of
the same size through the same rate limit, in the same order, with the bot's client settings
except that 429s are retried until they pass (with the bot's 3 retries, such a pool loses
posts: it posts faster than the limit).
"""

from __future__ import annotations

import resource
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import func
from sqlmodel import col, select

from benchmarks.databases import fresh_postgres, fresh_sqlite
from benchmarks.report import BenchmarkResult, Figure
from benchmarks.seed import WorkshopSize, add_participants, new_workshop
from benchmarks.stats import median
from bot.app import WEB_API_TIMEOUT_S, create_web_client
from bot.charts.registry import render_chart
from bot.config import Settings
from bot.digests.posts import CHART_THREADS
from bot.scheduler import WORKERS, DigestScheduler
from flows.digest import build_digest
from flows.reports import register_reports
from flows.schedules import DigestRule, ScheduleSpec, create_schedule
from flows.workshops import get_workshop, set_board_ts
from standin import SlackStandIn
from storage.db import Database
from storage.models import Cadence, DeliveryStatus, DigestDelivery, DigestSchedule, Phase, utcnow

TEAM_ID = "T0BENCHFAN"
FACILITATOR = "U0BENCHFAC"
RATE_PER_CHANNEL_S = 1.0
SMALL_JOURNEY = WorkshopSize(stages=5, touchpoints_per_stage=4)
PARTICIPANTS = 5
CHANNEL_PREFIX = "C0FAN"
TITLE_PREFIX = "Fan-out workshop"


@dataclass(frozen=True)
class FanoutConfig:
    workshops: int = 1000
    channels: int = 50

    @property
    def per_channel(self) -> int:
        return -(-self.workshops // self.channels)

    def minimum_s(self, posts_per_digest: int = 1) -> float:
        """The rate limit lets a channel's first post through at once, then one a second; each
        digest is its top message and its thread replies, all posts to the channel."""
        return (self.per_channel * posts_per_digest - 1) / RATE_PER_CHANNEL_S


FULL = FanoutConfig()
QUICK = FanoutConfig(workshops=100, channels=10)
TINY = FanoutConfig(workshops=6, channels=3)


@dataclass
class DeliveryRun:
    total_s: float  # from the first post allowed until the last digest was posted
    replies_s: float | None = None  # … until the last thread reply was posted
    replies_per_post: Counter = field(default_factory=Counter)  # (channel, ts) → replies
    cpu_s: float | None = None  # CPU of the posting threads (and of the chart processes)
    rate_limited: int = 0  # 429 answers to chat.postMessage
    posts_per_title: Counter = field(default_factory=Counter)
    charts_s: float | None = None  # until the last chart was in its digest's thread
    charts_per_post: Counter = field(default_factory=Counter)  # (channel, ts) → chart uploads


@dataclass
class FanoutRuns:
    config: FanoutConfig
    database: str
    seed_s: float
    store_jobs_s: float
    delivery: DeliveryRun
    floor: DeliveryRun
    claims: dict[str, int]  # delivery status → rows
    claims_per_schedule: Counter
    chart_ms: float | None
    chart_processes: int
    posts_per_digest: int = 1  # the top message and its thread replies
    failures: list[str] = field(default_factory=list)


def channel_ids(config: FanoutConfig) -> list[str]:
    return [f"{CHANNEL_PREFIX}{n:04d}" for n in range(config.channels)]


def title(n: int) -> str:
    return f"{TITLE_PREFIX} {n + 1:04d}"


def run(config: FanoutConfig, workdir: Path, database_url: str | None = None) -> FanoutRuns:
    database = (
        fresh_postgres(database_url, "fanout") if database_url else fresh_sqlite(workdir, "fanout")
    )
    standin = SlackStandIn(team_id=TEAM_ID, team_name="Fan-out Co").start()
    db = Database(database.url)
    try:
        standin.add_user(FACILITATOR, "facilitator", "Fran Facilitator")
        for channel in channel_ids(config):
            standin.add_channel(channel, channel.lower(), [FACILITATOR])
        settings = Settings(
            slack_bot_token=standin.bot_token,
            slack_api_url=standin.api_url,
            database_url=database.url,
        )
        client = create_web_client(settings)
        started = time.perf_counter()
        schedule_ids = seed(db, standin, config)
        seed_s = time.perf_counter() - started
        chart_ms = _chart_ms(db)
        posts_per_digest = _posts_per_digest(db)

        floor = post_bare(standin, patient_client(settings), config)
        delivery, store_jobs_s, chart_processes = deliver(standin, db, client, config)
        claims, per_schedule = _claims(db)
        missing = [s for s in schedule_ids if per_schedule[s] != 1]
        failures = [f"schedule {s}: {per_schedule[s]} claim rows" for s in missing[:10]]
    finally:
        db.dispose()
        standin.stop()
        database.drop()
    return FanoutRuns(
        config,
        database.label,
        seed_s,
        store_jobs_s,
        delivery,
        floor,
        claims,
        per_schedule,
        chart_ms,
        chart_processes,
        posts_per_digest,
        failures,
    )


# seeding -------------------------------------------------------------------------------------


def seed(db: Database, standin: SlackStandIn, config: FanoutConfig) -> list[int]:
    """The workshops, their boards (messages in the stand-in) and one digest schedule each, all
    due in the current minute."""
    channels = channel_ids(config)
    slot = utcnow().replace(second=0, microsecond=0)
    rule = DigestRule(Cadence.daily, "UTC", hour=slot.hour, minute=slot.minute)
    schedule_ids = []
    with db.session() as session:
        for n in range(config.workshops):
            channel = channels[n % len(channels)]
            workshop = new_workshop(
                session, TEAM_ID, channel, title(n), SMALL_JOURNEY, Phase.rating, FACILITATOR
            )
            add_participants(session, workshop, [f"U{n:05d}P{p}" for p in range(PARTICIPANTS)])
            set_board_ts(session, workshop, standin.add_message(channel, FACILITATOR, "board"))
            schedule = create_schedule(session, workshop, FACILITATOR, ScheduleSpec(rule, channel))
            schedule.active_since = slot - timedelta(minutes=1)
            schedule_ids.append(schedule.id)
    return schedule_ids  # type: ignore[return-value]


def _posts_per_digest(db: Database) -> int:
    """The top message and one reply in its thread per section (every workshop is alike)."""
    with db.session() as session:
        digest = build_digest(session, get_workshop(session, TEAM_ID, 1), None)
    return 1 + len(digest.thread_sections)


def _chart_ms(db: Database) -> float | None:
    """CPU time to draw one digest's chart (the phase timeline), median of a few."""
    register_reports()  # the digest as the bot builds it, every feature's section included
    with db.session() as session:
        workshop = get_workshop(session, TEAM_ID, 1)
        digest = build_digest(session, workshop, None)
    charts = [s.chart for s in digest.sections if s.chart is not None]
    if not charts:
        return None
    times = []
    for _ in range(5):
        started = time.process_time()
        render_chart(charts[0])
        times.append(time.process_time() - started)
    return median(times) * 1000  # type: ignore[operator]


# the floor and the real delivery -------------------------------------------------------------


def patient_client(settings: Settings) -> WebClient:
    """The bot's Web API client, but retrying 429s until they pass: the floor must post
    everything, and shows how fast a pool of this size can go through the limit."""
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),  # type: ignore[union-attr]
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_S,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1000)],
    )


def post_bare(standin: SlackStandIn, client: WebClient, config: FanoutConfig) -> DeliveryRun:
    """As many bare chat.postMessage calls as digests, in the same order, pool size and limit."""
    channels = channel_ids(config)
    standin.reset_calls()
    standin.set_rate_limit("chat.postMessage", RATE_PER_CHANNEL_S, burst=1)

    def post(n: int) -> None:
        client.chat_postMessage(channel=channels[n % len(channels)], text=f"Floor {title(n)}")

    started = time.time()
    pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="floor-post")
    try:
        list(pool.map(post, range(config.workshops)))
        cpu = _threads_cpu_s("floor-post")
    finally:
        pool.shutdown()
        standin.set_rate_limit("chat.postMessage", None)
    run = _posted(standin, started, "Floor ")
    run.cpu_s = cpu
    return run


def deliver(
    standin: SlackStandIn,
    db: Database,
    client,  # type: ignore[no-untyped-def]
    config: FanoutConfig,
) -> tuple[DeliveryRun, float, int]:
    """The digests posted by the real scheduler; also how long storing its jobs took, and how
    many chart worker processes it had."""
    standin.reset_calls()
    scheduler = DigestScheduler(db, client, sync_every_s=3600)
    started = time.perf_counter()
    scheduler.start(paused=True)  # stores one job per schedule, due now
    store_jobs_s = time.perf_counter() - started
    standin.set_rate_limit("chat.postMessage", RATE_PER_CHANNEL_S, burst=1)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    charts_before = _threads_cpu_s(CHART_THREADS)  # they outlive a scheduler: count the change
    try:
        started_at = time.time()
        scheduler.scheduler.resume()
        _wait_for_deliveries(db, config.workshops)
        jobs = _threads_cpu_s("ThreadPoolExecutor-")  # APScheduler's pool, so named
        charts = _threads_cpu_s(CHART_THREADS)  # the threads that wait for charts
        cpu = (
            None
            if jobs is None or charts is None or charts_before is None
            else jobs + charts - charts_before
        )
    finally:
        scheduler.shutdown()  # stops the chart worker processes too, so their CPU is counted
        standin.set_rate_limit("chat.postMessage", None)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )
    run = _posted(standin, started_at, TITLE_PREFIX)
    run.cpu_s = None if cpu is None else cpu + workers_cpu
    _add_charts(standin, started_at, run)
    return run, store_jobs_s, scheduler.charts.processes


def _wait_for_deliveries(db: Database, count: int, limit_s: float = 1800) -> None:
    """Until every schedule's delivery is finished (sent or failed)."""
    deadline = time.monotonic() + limit_s
    done = {DeliveryStatus.sent, DeliveryStatus.failed}
    while time.monotonic() < deadline:
        with db.session() as session:
            finished = session.exec(
                select(func.count()).where(col(DigestDelivery.status).in_(done))
            ).one()
        if finished >= count:
            return
        time.sleep(0.2)
    raise TimeoutError(f"only {finished} of {count} digests were delivered in {limit_s} s")


def _threads_cpu_s(name_prefix: str) -> float | None:
    """CPU used so far by the live threads whose names start with `name_prefix`."""
    total = 0.0
    for thread in threading.enumerate():
        if thread.name.startswith(name_prefix) and thread.ident is not None:
            try:
                total += time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
            except (OSError, AttributeError):
                return None
    return total


def _posted(standin: SlackStandIn, started_at: float, prefix: str) -> DeliveryRun:
    posts = [c for c in standin.calls_to("chat.postMessage")]
    answered = [c for c in posts if c.http_status == 200 and c.response.get("ok")]
    ok = [c for c in answered if not c.params.get("thread_ts")]  # the top messages
    replies = [c for c in answered if c.params.get("thread_ts")]
    per_post = Counter({(c.response["channel"], c.response["ts"]): 0 for c in ok})
    per_post.update((c.response["channel"], str(c.params.get("thread_ts"))) for c in replies)
    per_title = Counter(
        str(c.params.get("text", "")).split("“")[-1].split("”")[0]
        if prefix == TITLE_PREFIX
        else str(c.params.get("text", "")).removeprefix(prefix)
        for c in ok
    )
    last = max((c.at for c in ok), default=started_at)
    return DeliveryRun(
        total_s=last - started_at,
        replies_s=max((c.at for c in replies), default=started_at) - started_at,
        replies_per_post=per_post,
        cpu_s=None,
        rate_limited=sum(1 for c in posts if c.http_status == 429),
        posts_per_title=per_title,
    )


def _add_charts(standin: SlackStandIn, started_at: float, run: DeliveryRun) -> None:
    """Which digest each chart upload went under (its thread), and when the last one did."""
    posts = [
        (c.response["channel"], c.response["ts"])
        for c in standin.calls_to("chat.postMessage")
        if c.http_status == 200 and c.response.get("ok") and not c.params.get("thread_ts")
    ]
    uploads = [
        c
        for c in standin.calls_to("files.completeUploadExternal")
        if c.http_status == 200 and c.response.get("ok")
    ]
    run.charts_per_post = Counter({post: 0 for post in posts})
    run.charts_per_post.update(
        (str(c.params.get("channel_id")), str(c.params.get("thread_ts"))) for c in uploads
    )
    run.charts_s = max((c.at for c in uploads), default=started_at) - started_at


def _claims(db: Database) -> tuple[dict[str, int], Counter]:
    with db.session() as session:
        by_status = dict(
            session.exec(
                select(DigestDelivery.status, func.count()).group_by(col(DigestDelivery.status))
            ).all()
        )
        per_schedule = Counter(
            dict(
                session.exec(
                    select(DigestDelivery.schedule_id, func.count()).group_by(
                        col(DigestDelivery.schedule_id)
                    )
                ).all()
            )
        )
        schedules = session.exec(select(DigestSchedule.id)).all()
    for schedule in schedules:
        per_schedule.setdefault(schedule, 0)
    return {str(k): v for k, v in by_status.items()}, per_schedule


# the table -----------------------------------------------------------------------------------


def _chart_workers(processes: int) -> str:
    if processes <= 0:
        return f"the scheduler's {WORKERS} threads, which share one interpreter lock"
    return f"{processes} worker process{'es' * (processes != 1)} beside the scheduler's threads"


def _per_item_ms(cpu_s: float | None, count: int) -> float | None:
    return None if cpu_s is None or not count else cpu_s / count * 1000


def result(runs: FanoutRuns) -> BenchmarkResult:
    config, delivery, floor = runs.config, runs.delivery, runs.floor
    replies = runs.posts_per_digest - 1
    minimum = config.minimum_s(runs.posts_per_digest)
    floor_name = f"rate-limit minimum, {runs.posts_per_digest} posts a digest"
    bare_minimum = config.minimum_s()
    titles = {title(n) for n in range(config.workshops)}
    delivered_once = set(delivery.posts_per_title) == titles and set(
        delivery.posts_per_title.values()
    ) == {1}
    claims_once = runs.claims == {DeliveryStatus.sent.value: config.workshops} and set(
        runs.claims_per_schedule.values()
    ) == {1}
    figures = [
        Figure(
            f"all {config.workshops:,} digests posted, each with its {replies} thread replies",
            delivery.replies_s,
            "s",
            minimum,
            floor_name,
        ),
        Figure(
            f"… their {config.workshops:,} top messages",
            delivery.total_s,
            "s",
            minimum,
            floor_name,
        ),
        Figure(
            "… and the last chart in its digest's thread",
            delivery.charts_s,
            "s",
            minimum,
            floor_name,
        ),
        Figure(
            f"{config.workshops:,} bare posts, same pool and limit",
            floor.total_s,
            "s",
            bare_minimum,
            "rate-limit minimum, 1 post each",
        ),
        Figure(
            "CPU per digest (posting threads and chart processes)",
            _per_item_ms(delivery.cpu_s, config.workshops),
            "ms",
            _per_item_ms(floor.cpu_s, config.workshops),
            "bare post",
        ),
        Figure(
            f"chat.postMessage answered 429 (bare posts: {floor.rate_limited:,})",
            delivery.rate_limited,
            "",
        ),
    ]
    checks = {
        "every digest posted exactly once (one chat.postMessage success per workshop)": (
            delivered_once
        ),
        "one claim row per schedule, every one sent": claims_once,
        "every digest's chart uploaded once, in its thread": bool(delivery.charts_per_post)
        and set(delivery.charts_per_post.values()) == {1},
        f"every digest's {replies} thread replies posted once each": bool(delivery.replies_per_post)
        and set(delivery.replies_per_post.values()) == {replies},
        "every bare post went through once": set(floor.posts_per_title.values()) == {1}
        and len(floor.posts_per_title) == config.workshops,
    }
    notes = [
        f"Seeding {config.workshops:,} workshops with boards and schedules took "
        f"{runs.seed_s:.1f} s; storing their {config.workshops:,} APScheduler jobs took "
        f"{runs.store_jobs_s:.1f} s (before the clock starts).",
    ]
    if runs.chart_ms is not None:
        notes.append(
            f"Drawing one digest's phase-timeline chart takes {runs.chart_ms:.0f} ms of CPU, "
            f"in {_chart_workers(runs.chart_processes)}."
        )
    notes += runs.failures
    setup = (
        f"{config.workshops:,} workshops over {config.channels} channels "
        f"({config.per_channel} per channel), daily digests due the same minute, each a top "
        f"message and {replies} replies in its thread, posted by the "
        f"real DigestScheduler ({WORKERS} threads) through the stand-in limiting chat.postMessage "
        f"to {RATE_PER_CHANNEL_S:g}/s per channel (no burst), on {runs.database}."
    )
    return BenchmarkResult(
        "fanout",
        "Digest fan-out",
        setup,
        figures,
        checks,
        notes,
        details={
            "config": {**config.__dict__, "per_channel": config.per_channel},
            "database": runs.database,
            "minimum_s": minimum,
            "posts_per_digest": runs.posts_per_digest,
            "replies_s": delivery.replies_s,
            "delivery_s": delivery.total_s,
            "bare_posts_s": floor.total_s,
            "delivery_cpu_s": delivery.cpu_s,
            "rate_limited": {"digests": delivery.rate_limited, "bare": floor.rate_limited},
            "claims": runs.claims,
            "seed_s": runs.seed_s,
            "store_jobs_s": runs.store_jobs_s,
            "chart_ms": runs.chart_ms,
            "chart_processes": runs.chart_processes,
            "charts_s": delivery.charts_s,
        },
    )
