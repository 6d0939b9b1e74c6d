"""The digest scheduler: APScheduler 3 with its SQLAlchemy job store on the bot's own database.

- `digest_schedule` rows are the truth; `DigestScheduler.sync()` mirrors them into one job per
  schedule (at start-up, every SYNC_EVERY_S seconds, and at once when this process changed a
  schedule), so schedules made by another process (`serve --no-scheduler` replicas) are picked up
  within a minute.
- Jobs live in the `apscheduler_jobs` table (created by migration 0006), so they survive a
  restart, with the next run time they had. Each job calls the module-level `run_digest_job`
  with plain ids (schedule id, team id), which pickle.
- A run that fell due while the scheduler was down is made when it comes back, if it is less than
  MISFIRE_GRACE_S (1 hour) late; several missed runs of one schedule are coalesced into one.
  Older ones are skipped (logged); the schedule carries on at its next time.
- Run exactly one scheduler per database. A second one started by mistake still never posts a
  digest twice: every post first claims its (schedule, fire time) row (bot/digests/posts.py).
- Housekeeping: one daily job (HOUSEKEEPING_JOB_ID, in the same job store) forgets the Events
  API and form-submission claims older than flows.events.RECEIPT_RETENTION. Every scheduler
  adds it under that fixed id with replace_existing, so the database holds one such job however
  many schedulers start; it fires at a fixed time of day, so replacing it at a restart keeps
  its next run. Two schedulers running it at once is harmless (a DELETE of old rows).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import ConflictingIdError, JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from slack_sdk import WebClient

from bot.charts.pool import ChartPool, activate, deactivate
from bot.digests.posts import DeliveryReport, Outcome, deliver_scheduled_digest
from bot.rounds.posts import TickReport, TimezoneCache, run_rounds_tick
from flows.events import forget_old_events
from flows.schedules import DigestRule, RunnableSchedule, runnable_schedules
from storage.db import Database
from storage.models import SCHEDULER_JOBS_TABLE, Cadence

logger = logging.getLogger(__name__)

MISFIRE_GRACE_S = 3600
SYNC_EVERY_S = 60
DIGEST_JOBSTORE = "digests"
JOB_PREFIX = "digest-schedule:"
SYNC_JOB_ID = "digest-schedules-sync"
# Threads that run digest jobs. A digest is a top message and a reply per section in its
# thread, posts to one channel go a second apart (bot/slack/pacing.py), so a job spends most of
# its time waiting for its channel's turn: enough threads that every channel with digests due
# has one waiting keeps each channel at Slack's 1 post a second (benchmarks/digest_fanout.py).
# Waiting threads hold no database connection (the sessions close before posting).
WORKERS = 64
HOUSEKEEPING_JOB_ID = "housekeeping:forget-old-receipts"
# Daily, at a fixed quiet time (UTC): a fixed time rather than an interval, so that replacing
# the job at every start keeps its next run instead of pushing it a day on.
HOUSEKEEPING_AT = {"hour": 3, "minute": 17}
# Scheduled rounds, reminders and deadlines (bot/rounds/posts.py): every scheduler checks each
# minute; the claim rows make each step happen once.
ROUNDS_JOB_ID = "rounds-tick"
ROUNDS_EVERY_S = 60


class DigestTrigger(BaseTrigger):
    """An APScheduler trigger that asks the schedule's DigestRule (flows.schedules), so the
    times APScheduler fires and the slots runs claim are computed by the same code."""

    __slots__ = ("rule",)

    def __init__(self, rule: DigestRule) -> None:
        self.rule = rule

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is None:
            return self.rule.first_fire_at_or_after(now)
        return self.rule.next_fire_after(previous_fire_time)

    # Pickled as plain values, so a change to DigestRule's class cannot strand stored jobs.
    def __getstate__(self) -> dict[str, Any]:
        rule = self.rule
        return {
            "version": 1,
            "cadence": rule.cadence.value,
            "timezone": rule.timezone,
            "hour": rule.hour,
            "minute": rule.minute,
            "weekday": rule.weekday,
            "day_of_month": rule.day_of_month,
            "cron": rule.cron,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        values = {k: v for k, v in state.items() if k != "version"}
        self.rule = DigestRule(**{**values, "cadence": Cadence(values["cadence"])})

    def __repr__(self) -> str:
        return f"<DigestTrigger {self.rule.describe()}>"


# The running schedulers of this process, newest last. Jobs are stored as a function reference
# and pickled arguments, so they cannot carry the database or the Web API client: they take them
# from here.
_running: list[DigestScheduler] = []


def run_digest_job(schedule_id: int, team_id: str) -> str:
    """The job every schedule runs: post the digest for its current slot, once."""
    if not _running:
        raise RuntimeError("no digest scheduler is running in this process")
    scheduler = _running[-1]
    client = scheduler.client_for(team_id)
    if client is None:  # the workspace uninstalled the app: nothing can be posted
        return Outcome.skipped.value
    report: DeliveryReport = deliver_scheduled_digest(client, scheduler.db, team_id, schedule_id)
    logger.info("digest schedule %s (team %s): %s", schedule_id, team_id, report.outcome)
    return report.outcome.value


def run_housekeeping_job() -> int:
    """The daily housekeeping job: forget old Events API and form-submission claims."""
    if not _running:
        raise RuntimeError("no digest scheduler is running in this process")
    with _running[-1].db.session() as session:
        removed = forget_old_events(session)
    logger.info("housekeeping: forgot %s old event and submission claims", removed)
    return removed


def job_id(schedule_id: int) -> str:
    return f"{JOB_PREFIX}{schedule_id}"


class DigestScheduler:
    """Owns a BackgroundScheduler whose digest jobs are stored in the bot's database."""

    def __init__(
        self,
        db: Database,
        clients: WebClient | Callable[[str], WebClient | None],
        *,
        sync_every_s: int = SYNC_EVERY_S,
        chart_processes: int | None = None,
    ):
        """`clients`: one WebClient, or a function giving each workspace's (bot/slack/clients.py).
        `chart_processes`: worker processes drawing digest charts (bot/charts/pool.py); None
        for one per core but one, 0 to draw them in the job threads."""
        self.db = db
        self.charts = ChartPool(chart_processes)
        self.client_for = (lambda team_id: clients) if isinstance(clients, WebClient) else clients
        self.sync_every_s = sync_every_s
        self.outcomes: deque[tuple[str, str]] = deque(maxlen=200)  # (job id, outcome), newest last
        self._sync_lock = threading.Lock()
        self.timezones = TimezoneCache()
        self.scheduler = BackgroundScheduler(
            jobstores={
                DIGEST_JOBSTORE: SQLAlchemyJobStore(
                    engine=db.engine, tablename=SCHEDULER_JOBS_TABLE
                ),
                "default": MemoryJobStore(),  # this process's own housekeeping job
            },
            executors={"default": ThreadPoolExecutor(WORKERS)},
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": MISFIRE_GRACE_S,
                "max_instances": 1,
            },
            timezone=UTC,
        )
        self.scheduler.add_listener(
            self._on_job_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
        )

    # lifecycle -------------------------------------------------------------------------------

    def start(self, paused: bool = False) -> DigestScheduler:
        """Start; `paused` keeps jobs from running (they are still stored), as in tests."""
        _running.append(self)
        activate(self.charts)
        self.scheduler.start(paused=paused)
        self.sync()
        self._add_housekeeping()
        self.scheduler.add_job(
            self.sync,
            "interval",
            seconds=self.sync_every_s,
            id=SYNC_JOB_ID,
            replace_existing=True,
            jobstore="default",
        )
        self.scheduler.add_job(
            self.rounds_tick,
            "interval",
            seconds=ROUNDS_EVERY_S,
            id=ROUNDS_JOB_ID,
            replace_existing=True,
            jobstore="default",
        )
        logger.info("digest scheduler started")
        return self

    def shutdown(self, wait: bool = True) -> None:
        if self.scheduler.running:
            # APScheduler 3 wakes its loop once more after shutdown and, the state being
            # "stopped" rather than "paused", processes due jobs: it cannot run them (the pool is
            # gone) but still moves their next run time on, so a slot due at that moment would
            # be lost. Detaching the job store first leaves those jobs for the next start.
            self.scheduler.pause()
            self.scheduler.remove_jobstore(DIGEST_JOBSTORE)
            self.scheduler.shutdown(wait=wait)
        deactivate(self.charts)
        self.charts.stop()
        if self in _running:
            _running.remove(self)

    def rounds_tick(self, now: datetime | None = None) -> TickReport:
        """Open scheduled rounds, remind non-raters, close phases at their deadlines."""
        report = run_rounds_tick(self.db, self.client_for, now, self.timezones)
        self.outcomes.append((ROUNDS_JOB_ID, str(report)))
        return report

    # keeping jobs in step with digest_schedule ------------------------------------------------

    def sync(self) -> None:
        """Make the stored jobs match the runnable schedules: add, re-time and remove."""
        with self._sync_lock:
            with self.db.session() as session:
                wanted = {job_id(s.schedule_id): s for s in runnable_schedules(session)}
            existing = {
                job.id: job
                for job in self.scheduler.get_jobs(jobstore=DIGEST_JOBSTORE)
                if job.id.startswith(JOB_PREFIX)
            }
            for identifier in existing.keys() - wanted.keys():
                self._remove(identifier)
            for identifier, schedule in wanted.items():
                job = existing.get(identifier)
                if job is None:
                    self._add(schedule)
                elif (
                    not isinstance(job.trigger, DigestTrigger)
                    or job.trigger.rule != schedule.rule
                    or job.next_run_time is None
                ):
                    self._remove(identifier)
                    self._add(schedule)

    def _add(self, schedule: RunnableSchedule) -> None:
        # The first run is the first slot after the schedule became active, so a slot that fell
        # due while no scheduler was running is still sent (within the misfire grace time).
        first = schedule.rule.first_fire_at_or_after(schedule.active_since)
        if first is None:
            return
        # ConflictingIdError: another scheduler on this database added it first.
        with contextlib.suppress(ConflictingIdError):
            self.scheduler.add_job(
                run_digest_job,
                trigger=DigestTrigger(schedule.rule),
                args=(schedule.schedule_id, schedule.team_id),
                id=job_id(schedule.schedule_id),
                name=f"digest schedule {schedule.schedule_id}",
                jobstore=DIGEST_JOBSTORE,
                next_run_time=first,
            )

    def _add_housekeeping(self) -> None:
        # A fixed id in the shared job store, replaced rather than added: one job in the
        # database however many schedulers start (a concurrent insert that loses turns into
        # an update of the winner's row).
        self.scheduler.add_job(
            run_housekeeping_job,
            trigger=CronTrigger(**HOUSEKEEPING_AT, timezone=UTC),
            id=HOUSEKEEPING_JOB_ID,
            name="forget old event and submission claims",
            jobstore=DIGEST_JOBSTORE,
            replace_existing=True,
        )

    def _remove(self, identifier: str) -> None:
        with contextlib.suppress(JobLookupError):
            self.scheduler.remove_job(identifier, jobstore=DIGEST_JOBSTORE)

    # observing -------------------------------------------------------------------------------

    def next_run_time(self, schedule_id: int) -> datetime | None:
        job = self.scheduler.get_job(job_id(schedule_id), jobstore=DIGEST_JOBSTORE)
        return job.next_run_time if job else None

    def _on_job_event(self, event: JobEvent) -> None:
        if not (event.job_id.startswith(JOB_PREFIX) or event.job_id == HOUSEKEEPING_JOB_ID):
            return
        if event.code == EVENT_JOB_MISSED:
            logger.warning(
                "job %s missed its %s run by more than %s s; it runs next time",
                event.job_id,
                event.scheduled_run_time,
                MISFIRE_GRACE_S,
            )
            self.outcomes.append((event.job_id, "missed"))
        elif event.code == EVENT_JOB_ERROR:
            self.outcomes.append((event.job_id, "error"))
        else:
            self.outcomes.append((event.job_id, str(getattr(event, "retval", ""))))

    def outcomes_of(self, schedule_id: int | str) -> list[str]:
        """The outcomes of a schedule's job (or of the job with this id), oldest first."""
        wanted = job_id(schedule_id) if isinstance(schedule_id, int) else schedule_id
        return [outcome for identifier, outcome in self.outcomes if identifier == wanted]


def schedules_changed(context: Any) -> None:
    """A listener changed digest_schedule: sync this process's scheduler now, if it runs one.
    (A separate `workshop-bot scheduler` process picks the change up within SYNC_EVERY_S.)"""
    scheduler = context.get("digest_scheduler") if context is not None else None
    if scheduler is not None:
        scheduler.sync()
