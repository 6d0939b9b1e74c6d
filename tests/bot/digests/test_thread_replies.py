"""The digest's thread replies go out with the top message, exactly once: a 429 on a reply is
retried after Retry-After, and a second run for the same slot posts neither the top message
nor any reply again."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.digests.posts import Outcome, deliver_scheduled_digest, send_schedule_digest
from demo.local import CHANNEL_ID, PEOPLE
from flows.schedules import DigestRule, ScheduleSpec, create_schedule
from flows.workshops import join_workshop
from storage.models import Cadence
from tests.factories import make_workshop
from tests.helpers import local_web_client

ANA, BEN = PEOPLE[0].user_id, PEOPLE[1].user_id


@pytest.fixture
def client(local):
    return local_web_client(local)


def add_schedule(local):
    moment = datetime.now(UTC)
    with local.db.session() as session:
        workshop = make_workshop(session, team=local.team_id, channel=CHANNEL_ID, facilitator=ANA)
        join_workshop(session, workshop, BEN)
        rule = DigestRule(Cadence.daily, "UTC", moment.hour, moment.minute)
        schedule = create_schedule(session, workshop, ANA, ScheduleSpec(rule, CHANNEL_ID, []))
        schedule.active_since = moment - timedelta(days=1)
        return schedule.id


def top_messages(local):
    return [m for m in local.standin.messages(CHANNEL_ID) if m["text"].startswith("Digest")]


def replies(local, ts):
    return [m for m in local.standin.thread(CHANNEL_ID, ts) if m.get("blocks")]


def test_replies_are_retried_after_a_429_and_never_posted_twice(local, client):
    schedule_id = add_schedule(local)
    local.standin.inject_fault("chat.postMessage", status=429, retry_after=1, times=1)
    report = deliver_scheduled_digest(client, local.db, local.team_id, schedule_id)
    assert report.outcome is Outcome.sent
    [top] = top_messages(local)
    titles = [r["text"].split(" · ")[0] for r in replies(local, top["ts"])]
    assert titles == ["Phase and progress", "Participation"]
    assert len(report.replies_posted) == 2
    statuses = [c.http_status for c in local.standin.calls_to("chat.postMessage")]
    assert statuses == [429, 200, 200, 200]  # the top message retried, then the two replies

    # The same slot again (a retry, a second scheduler): nothing more is posted.
    fire_time = report.digest.until.replace(second=0, microsecond=0)
    again = send_schedule_digest(client, local.db, local.team_id, schedule_id, fire_time)
    assert again.outcome is Outcome.duplicate
    assert len(top_messages(local)) == 1 and len(replies(local, top["ts"])) == 2
    assert len(local.standin.calls_to("chat.postMessage")) == 4


def test_a_429_on_a_reply_is_retried_and_the_reply_posted_once(local, client):
    schedule_id = add_schedule(local)
    calls = []
    original = client.chat_postMessage

    def post(**kwargs):
        if kwargs.get("thread_ts") and not calls:  # the first reply: Slack says slow down once
            calls.append(kwargs)
            local.standin.inject_fault("chat.postMessage", status=429, retry_after=1, times=1)
        return original(**kwargs)

    client.chat_postMessage = post
    report = deliver_scheduled_digest(client, local.db, local.team_id, schedule_id)
    [top] = top_messages(local)
    assert [r["text"].split(" · ")[0] for r in replies(local, top["ts"])] == [
        "Phase and progress",
        "Participation",
    ]
    statuses = [c.http_status for c in local.standin.calls_to("chat.postMessage")]
    assert statuses == [200, 429, 200, 200]
    assert report.outcome is Outcome.sent and len(report.replies_posted) == 2
