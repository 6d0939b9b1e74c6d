"""The digest scheduler on a real database (SQLite file, or PostgreSQL with TEST_DATABASE_URL)
against the Slack stand-in: restarts, missed slots, two schedulers, 429s and vanished channels.

No test waits for a wall-clock time: a slot "falls due while the bot is down" by storing the job
the way a scheduler that went down would have left it (created paused, so it never ran), and
each test waits for the scheduler to report what it did.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import text
from sqlmodel import select

from bot.digests import posts as digests
from bot.digests.posts import SLOT_TOLERANCE, deliver_scheduled_digest
from bot.scheduler import (
    DIGEST_JOBSTORE,
    HOUSEKEEPING_JOB_ID,
    JOB_PREFIX,
    DigestScheduler,
    DigestTrigger,
    job_id,
)
from bot.slack.pacing import ChannelPacer
from demo.local import CHANNEL_ID, OUTSIDER, PEOPLE
from flows.events import RECEIPT_RETENTION, claim_event
from flows.schedules import DigestRule, ScheduleSpec, create_schedule, runnable_schedules
from storage.models import (
    SCHEDULER_JOBS_TABLE,
    Cadence,
    DigestDelivery,
    DigestSchedule,
    EventReceipt,
    ScheduleStatus,
)
from tests.factories import make_workshop
from tests.helpers import local_web_client

ANA = PEOPLE[0].user_id
OMAR = OUTSIDER.user_id
WAIT = 30  # an upper bound for a busy machine, never an expected duration


@pytest.fixture
def client(local):
    return local_web_client(local)


@pytest.fixture
def schedulers(local, client):
    """Start DigestSchedulers on the test database; all are shut down at the end."""
    started = []

    def start(paused=False):
        scheduler = DigestScheduler(local.db, client).start(paused=paused)
        started.append(scheduler)
        return scheduler

    yield start
    for scheduler in started:
        scheduler.shutdown()


def now():
    return datetime.now(UTC)


def add_schedule(local, rule, active_since, channel_id=CHANNEL_ID, dms=()):
    with local.db.session() as session:
        workshop = make_workshop(session, team=local.team_id, channel=CHANNEL_ID, facilitator=ANA)
        schedule = create_schedule(
            session, workshop, ANA, ScheduleSpec(rule, channel_id, list(dms))
        )
        schedule.active_since = active_since
        return schedule.id


def digests_posted(local, channel=CHANNEL_ID):
    return [m for m in local.standin.messages(channel) if m["text"].startswith("Digest")]


def deliveries(local):
    with local.db.session() as session:
        return session.exec(select(DigestDelivery).order_by(DigestDelivery.id)).all()


def daily_at(moment, zone="UTC"):
    return DigestRule(Cadence.daily, zone, moment.hour, moment.minute)


def test_jobs_are_stored_in_the_database_with_the_schedules_rule(local, schedulers):
    rule = DigestRule(Cadence.weekdays, "America/New_York", 9, 0)
    schedule_id = add_schedule(local, rule, now())
    scheduler = schedulers(paused=True)
    job = scheduler.scheduler.get_job(job_id(schedule_id), jobstore=DIGEST_JOBSTORE)
    assert isinstance(job.trigger, DigestTrigger) and job.trigger.rule == rule
    assert job.args == (schedule_id, local.team_id)
    assert job.next_run_time == rule.next_fire_after(now())
    assert (job.coalesce, job.misfire_grace_time) == (True, 3600)


def test_a_schedule_made_before_a_restart_is_sent_after_it_and_missed_slots_once(local, schedulers):
    # Every 10 minutes since an hour ago: six slots fell due while no scheduler ran.
    rule = DigestRule(Cadence.cron, "UTC", cron="*/10 * * * *")
    schedule_id = add_schedule(local, rule, now() - timedelta(hours=1))
    before_restart = schedulers(paused=True)  # stores the job, then "goes down"
    stored = before_restart.next_run_time(schedule_id)
    assert stored <= now() - timedelta(minutes=50)
    before_restart.shutdown()

    started = now()
    after_restart = schedulers()
    local.standin.wait_for(lambda: after_restart.outcomes_of(schedule_id), timeout=WAIT)
    finished = now()
    assert after_restart.outcomes_of(schedule_id)[0] == "sent"  # one run for the six slots
    assert len(digests_posted(local)) == 1
    (delivery,) = deliveries(local)
    # The slot of the run: the latest one when it ran, allowing for the delivery's tolerance of
    # a slot just ahead (a 10-minute boundary may fall in between).
    slots = {
        rule.latest_fire_at_or_before(started),
        rule.latest_fire_at_or_before(finished + SLOT_TOLERANCE),
    }
    assert delivery.fire_time.replace(tzinfo=UTC) in slots
    assert after_restart.next_run_time(schedule_id) > now()  # back on schedule


def test_a_slot_missed_by_more_than_the_grace_time_is_skipped(local, schedulers):
    two_hours_ago = now() - timedelta(hours=2)
    schedule_id = add_schedule(local, daily_at(two_hours_ago), two_hours_ago - timedelta(hours=1))
    schedulers(paused=True).shutdown()
    scheduler = schedulers()
    local.standin.wait_for(lambda: scheduler.outcomes_of(schedule_id), timeout=WAIT)
    assert scheduler.outcomes_of(schedule_id) == ["missed"]
    assert digests_posted(local) == []
    assert scheduler.next_run_time(schedule_id) > now()


def test_two_schedulers_on_one_database_post_once(local, schedulers):
    ten_minutes_ago = now() - timedelta(minutes=10)
    schedule_id = add_schedule(local, daily_at(ten_minutes_ago), now() - timedelta(hours=1))
    first, second = schedulers(), schedulers()
    both = (first, second)
    local.standin.wait_for(
        lambda: any("sent" in s.outcomes_of(schedule_id) for s in both), timeout=WAIT
    )
    # Make each scheduler that has not run the job run it for the same slot: its claim fails.
    for scheduler in both:
        if not scheduler.outcomes_of(schedule_id):
            scheduler.scheduler.modify_job(
                job_id(schedule_id), DIGEST_JOBSTORE, next_run_time=ten_minutes_ago
            )
    local.standin.wait_for(lambda: all(s.outcomes_of(schedule_id) for s in both), timeout=WAIT)
    outcomes = sorted(o for s in both for o in s.outcomes_of(schedule_id))
    # Exactly one run posts; every other run for the slot (a scheduler may run it again when it
    # resyncs its jobs) finds the slot claimed.
    assert outcomes.count("sent") == 1
    assert set(outcomes) == {"duplicate", "sent"}
    assert len(digests_posted(local)) == 1
    assert len(deliveries(local)) == 1


def test_a_429_is_retried_after_retry_after(local, client):
    schedule_id = add_schedule(local, daily_at(now()), now() - timedelta(days=1))
    local.standin.inject_fault("chat.postMessage", status=429, retry_after=1)
    report = deliver_scheduled_digest(client, local.db, local.team_id, schedule_id)
    assert report.outcome == "sent"
    statuses = [c.http_status for c in local.standin.calls_to("chat.postMessage")]
    assert statuses == [429, 200, 200, 200]  # the top message retried, then its 2 replies
    assert len(digests_posted(local)) == 1


def test_a_removed_channel_marks_the_schedule_failing_and_tells_its_creator_once(local, client):
    local.standin.add_channel("C0MANAGERS", "managers", [ANA])
    schedule_id = add_schedule(
        local, daily_at(now()), now() - timedelta(days=3), "C0MANAGERS", [OMAR]
    )
    local.standin.remove_bot_from_channel("C0MANAGERS")
    for days_ago in (1, 0):  # two slots in a row fail
        report = deliver_scheduled_digest(
            client, local.db, local.team_id, schedule_id, now() - timedelta(days=days_ago)
        )
        assert report.errors == {"C0MANAGERS": "not_in_channel"}
        assert report.outcome == "sent"  # Omar's DM still went out
    with local.db.session() as session:
        schedule = session.get(DigestSchedule, schedule_id)
    assert (schedule.status, schedule.last_error) == (ScheduleStatus.failing, "not_in_channel")
    warnings = [m for m in local.standin.dms(ANA) if "could not post the digest" in m["text"]]
    assert len(warnings) == 1  # told once, not at every slot
    assert "I was removed from the channel" in warnings[0]["text"]
    assert "/invite @Journey Workshop" in warnings[0]["text"]
    assert len([m for m in local.standin.dms(OMAR) if m["text"].startswith("Digest")]) == 2


def test_a_failing_schedule_heals_when_the_bot_is_back(local, client):
    local.standin.add_channel("C0MANAGERS", "managers", [ANA], bot_is_member=False)
    schedule_id = add_schedule(local, daily_at(now()), now() - timedelta(days=3), "C0MANAGERS")
    report = deliver_scheduled_digest(
        client, local.db, local.team_id, schedule_id, now() - timedelta(days=1)
    )
    assert report.outcome == "failed"
    local.standin.add_channel("C0MANAGERS", "managers", [ANA])  # invited back
    assert deliver_scheduled_digest(client, local.db, local.team_id, schedule_id).outcome == "sent"
    with local.db.session() as session:
        schedule = session.get(DigestSchedule, schedule_id)
    assert (schedule.status, schedule.failure_notified) == (ScheduleStatus.active, False)


@pytest.mark.parametrize("error", ["token_revoked", "account_inactive", "invalid_auth"])
def test_a_refused_token_suspends_the_schedule_instead_of_failing_every_time(local, client, error):
    schedule_id = add_schedule(local, daily_at(now()), now() - timedelta(days=3), dms=[OMAR])
    local.standin.inject_fault("chat.postMessage", error=error)
    report = deliver_scheduled_digest(
        client, local.db, local.team_id, schedule_id, now() - timedelta(days=1)
    )
    assert (report.outcome, report.errors) == ("failed", {CHANNEL_ID: error})
    assert len(local.standin.calls_to("chat.postMessage")) == 1  # not tried again for Omar
    with local.db.session() as session:
        schedule = session.get(DigestSchedule, schedule_id)
    assert (schedule.status, schedule.last_error) == (ScheduleStatus.suspended, error)
    # The next slot is not even tried, and the scheduler keeps no job for it.
    assert deliver_scheduled_digest(client, local.db, local.team_id, schedule_id).outcome == (
        "skipped"
    )
    assert len(local.standin.calls_to("chat.postMessage")) == 1
    with local.db.session() as session:
        assert schedule_id not in [s.schedule_id for s in runnable_schedules(session)]


def test_an_archived_channel_does_not_stop_the_other_schedules(local, schedulers):
    local.standin.add_channel("C0OLD", "old-project", [ANA])
    local.standin.archive_channel("C0OLD")
    ten_minutes_ago = now() - timedelta(minutes=10)
    broken = add_schedule(local, daily_at(ten_minutes_ago), now() - timedelta(hours=1), "C0OLD")
    healthy = add_schedule(local, daily_at(ten_minutes_ago), now() - timedelta(hours=1))
    scheduler = schedulers()
    local.standin.wait_for(
        lambda: scheduler.outcomes_of(broken) and scheduler.outcomes_of(healthy), timeout=WAIT
    )
    assert scheduler.outcomes_of(broken) == ["failed"]
    assert scheduler.outcomes_of(healthy) == ["sent"]
    assert len(digests_posted(local)) == 1
    warning = local.standin.wait_for(lambda: local.standin.dms(ANA))[0]["text"]
    assert "the channel was archived" in warning


def test_pausing_removes_the_job_and_resuming_brings_it_back(local, schedulers):
    schedule_id = add_schedule(local, daily_at(now() + timedelta(hours=2)), now())
    scheduler = schedulers(paused=True)
    assert scheduler.next_run_time(schedule_id) is not None
    with local.db.session() as session:
        session.get(DigestSchedule, schedule_id).status = ScheduleStatus.paused
    scheduler.sync()
    assert scheduler.next_run_time(schedule_id) is None
    with local.db.session() as session:
        schedule = session.get(DigestSchedule, schedule_id)
        schedule.status, schedule.active_since = ScheduleStatus.active, now()
    scheduler.sync()
    assert scheduler.next_run_time(schedule_id) > now()
    with local.db.session() as session:
        session.delete(session.get(DigestSchedule, schedule_id))
    scheduler.sync()
    digest_jobs = [
        job
        for job in scheduler.scheduler.get_jobs(jobstore=DIGEST_JOBSTORE)
        if job.id.startswith(JOB_PREFIX)
    ]
    assert digest_jobs == []


# Housekeeping ---------------------------------------------------------------------------------


def stored_job_ids(local):
    with local.db.engine.connect() as connection:
        return sorted(
            connection.execute(text(f"SELECT id FROM {SCHEDULER_JOBS_TABLE}")).scalars().all()
        )


def test_two_schedulers_starting_at_once_store_one_daily_housekeeping_job(local, schedulers):
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: schedulers(paused=True), range(2))
    assert stored_job_ids(local).count(HOUSEKEEPING_JOB_ID) == 1
    for scheduler in (first, second):
        job = scheduler.scheduler.get_job(HOUSEKEEPING_JOB_ID, jobstore=DIGEST_JOBSTORE)
        assert isinstance(job.trigger, CronTrigger)
        # Daily: the next two runs are a day apart, and the next is within a day.
        after = job.trigger.get_next_fire_time(job.next_run_time, job.next_run_time)
        assert after - job.next_run_time == timedelta(days=1)
        assert now() < job.next_run_time <= now() + timedelta(days=1)
    # A restart replaces the job: still one, and its next run is not pushed on.
    next_run = first.scheduler.get_job(HOUSEKEEPING_JOB_ID, jobstore=DIGEST_JOBSTORE).next_run_time
    first.shutdown()
    restarted = schedulers(paused=True)
    assert stored_job_ids(local).count(HOUSEKEEPING_JOB_ID) == 1
    job = restarted.scheduler.get_job(HOUSEKEEPING_JOB_ID, jobstore=DIGEST_JOBSTORE)
    assert job.next_run_time == next_run


def test_the_housekeeping_job_forgets_only_claims_past_their_retention(local, schedulers):
    stale = now() - RECEIPT_RETENTION - timedelta(minutes=1)
    # Past Slack's last retry (about 5 minutes after the first delivery) and the 5 minutes a
    # signed request stays valid, but well inside the retention: still recognised.
    recent = now() - timedelta(minutes=15)
    with local.db.session() as session:
        for event_id, team, received_at in [
            ("Ev-stale-1", "T1", stale),
            ("Ev-stale-2", "T2", stale - timedelta(days=30)),
            ("Ev-recent", "T1", recent),
            ("Ev-fresh", "T2", now()),
        ]:
            session.add(EventReceipt(event_id=event_id, team_id=team, received_at=received_at))
    first, second = schedulers(), schedulers()
    both = (first, second)

    def removed():  # by every run so far, on either scheduler (each run reports its count)
        return sum(int(o) for s in both for o in s.outcomes_of(HOUSEKEEPING_JOB_ID))

    def left():
        with local.db.session() as session:
            return sorted(r.event_id for r in session.exec(select(EventReceipt)))

    def runs():  # on either scheduler
        return sum(len(s.outcomes_of(HOUSEKEEPING_JOB_ID)) for s in both)

    # Make it due through each scheduler in turn; either may run it (both read the job from the
    # same table), so wait for a run on either. The second run finds nothing more to delete.
    for scheduler in both:
        before = runs()
        scheduler.scheduler.modify_job(HOUSEKEEPING_JOB_ID, DIGEST_JOBSTORE, next_run_time=now())
        local.standin.wait_for(lambda n=before: runs() > n, timeout=WAIT)
        assert left() == ["Ev-fresh", "Ev-recent"]
    assert "error" not in str([s.outcomes_of(HOUSEKEEPING_JOB_ID) for s in both])
    assert removed() == 2
    # A late redelivery of a remembered event is still recognised.
    with local.db.session() as session:
        assert claim_event(session, "T1", "Ev-recent") is False
    # The job is still there, next due tomorrow at the latest.
    job = first.scheduler.get_job(HOUSEKEEPING_JOB_ID, jobstore=DIGEST_JOBSTORE)
    assert now() < job.next_run_time <= now() + timedelta(days=1)


def test_digests_for_one_channel_are_posted_a_second_apart(local, client, monkeypatch):
    waits = []
    monkeypatch.setattr(
        digests, "channel_pacer", ChannelPacer(1.0, clock=lambda: 0.0, sleep=waits.append)
    )
    first = add_schedule(local, daily_at(now()), now() - timedelta(days=1), dms=[OMAR])
    second = add_schedule(local, daily_at(now()), now() - timedelta(days=1))
    for schedule_id in (first, second):
        report = deliver_scheduled_digest(client, local.db, local.team_id, schedule_id)
        assert report.outcome == "sent"
    # Each digest is a top message and a reply in its thread per section (progress and
    # participation here): in the channel every post after the first waited its second (5 of
    # 6); in Omar's DM the first digest's two replies waited (2), its top message did not.
    assert waits == [1.0] * 7
    assert len(digests_posted(local)) == 2
