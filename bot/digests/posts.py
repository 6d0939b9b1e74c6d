"""Posting digests: build one from the database, send its outcome-first top message to its
channel and DMs, each section as a reply in that message's thread with the charts, and cope with
Slack failures. People are named as text (looked up with users.info), never @-mentioned.

Every post first claims its (schedule, fire time) slot (flows.schedules.claim_delivery), so a
retry, a double click or a second scheduler never posts the same digest twice. A 429 is retried
after Retry-After by the WebClient's RateLimitErrorRetryHandler (bot/app.py). A channel that is
gone marks the schedule failing and DMs its creator once; the other destinations and the other
schedules carry on. Posts to one channel go a second apart (bot/slack/pacing.py), so many
digests due at once for one channel do not run out of 429 retries. A token Slack refuses
(`token_revoked`, `account_inactive`, `invalid_auth`) suspends the schedule instead of failing
at every slot; a reinstall of the app resumes it (bot/departures.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.charts.pool import MAX_PROCESSES, draw_chart
from bot.charts.registry import renderer_for
from bot.digests.blocks.digest import (
    build_digest_blocks,
    build_thread_replies,
    digest_notification,
)
from bot.slack.mrkdwn import md
from bot.slack.pacing import ChannelPacer
from bot.slack.people import user_names
from bot.slack.permalinks import message_permalink
from flows.digest import Digest, DigestChart, build_digest, mentioned_user_ids, section_memos
from flows.errors import NotFound
from flows.reports import register_reports
from flows.schedules import (
    RUNNING_STATUSES,
    claim_delivery,
    finish_delivery,
    get_schedule,
    previous_digest_time,
    record_channel_failure,
    record_channel_success,
    rule_of,
    slot_time,
    suspend_schedule,
)
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import Workshop, utcnow

logger = logging.getLogger(__name__)

# The errors chat.postMessage gives for a channel the bot can no longer post in.
CHANNEL_GONE = {
    "channel_not_found": "the channel no longer exists, or it is private and I am not in it",
    "is_archived": "the channel was archived",
    "not_in_channel": "I was removed from the channel",
}
# The errors Slack gives for a token that no longer works in the workspace: every call fails
# alike, so the schedule is suspended (until the app is installed again) rather than retried.
TOKEN_GONE = {"token_revoked", "account_inactive", "invalid_auth"}
# A run claims the latest slot at or before "now + SLOT_TOLERANCE", so a run that starts a
# moment early by another machine's clock still claims its own slot. Slots are >= 1 min apart.
SLOT_TOLERANCE = timedelta(seconds=30)
CHART_THREADS = "digest-chart"
# Digest posts to one channel go a second apart (Slack's per-channel limit; bot/slack/pacing.py).
channel_pacer = ChannelPacer()
# Digests built (read from the database and rendered as Block Kit) at once in this process.
# Building is CPU under the interpreter lock: a minute's many digests built all at once would
# share one core and all be ready late, and their posts (short, but each needing the lock a few
# times) would queue behind them. Built a few at a time, they are ready one after another, the
# first channels get their first post at once, and posting threads find the lock free. The
# Slack calls (names, permalink, posts) and the chart (drawn in a worker process) are not held.
PREPARE_AT_ONCE = 2
preparing = threading.BoundedSemaphore(PREPARE_AT_ONCE)
# Threads that wait for digest charts (drawn by the chart workers, bot/charts/pool.py), so the
# digest's messages go out meanwhile: one more than the most workers there can be.
chart_drawing = ThreadPoolExecutor(MAX_PROCESSES + 1, thread_name_prefix=CHART_THREADS)


class Outcome(StrEnum):
    sent = "sent"  # at least one destination received it
    duplicate = "duplicate"  # the slot was already claimed: someone else posted it
    failed = "failed"  # no destination could be posted to
    skipped = "skipped"  # paused, deleted, or no slot due


@dataclass
class DeliveryReport:
    outcome: Outcome
    delivery_id: int | None = None
    posted: list[tuple[str, str]] = field(default_factory=list)  # (channel, ts)
    errors: dict[str, str] = field(default_factory=dict)  # destination → Slack error
    digest: Digest | None = None
    blocks: list[dict] = field(default_factory=list)  # the top message
    replies: list[list[dict]] = field(default_factory=list)  # the thread replies' blocks
    replies_posted: list[tuple[str, str]] = field(default_factory=list)  # (channel, ts)


def deliver_scheduled_digest(
    client: WebClient, db: Database, team_id: str, schedule_id: int, now: datetime | None = None
) -> DeliveryReport:
    """What a scheduler job runs: the digest for the schedule's latest slot, once."""
    now = now or utcnow()
    with db.session() as session:
        try:
            schedule = get_schedule(session, team_id, schedule_id)
        except NotFound:
            return DeliveryReport(Outcome.skipped)
        if schedule.status not in RUNNING_STATUSES:  # paused, or suspended meanwhile
            return DeliveryReport(Outcome.skipped)
        slot = rule_of(schedule).latest_fire_at_or_before(now + SLOT_TOLERANCE)
        active_since = slot_time(schedule.active_since)
    if slot is None or slot < active_since:
        return DeliveryReport(Outcome.skipped)
    return send_schedule_digest(client, db, team_id, schedule_id, slot)


def send_schedule_digest(
    client: WebClient,
    db: Database,
    team_id: str,
    schedule_id: int,
    fire_time: datetime,
    requested_by: str | None = None,
) -> DeliveryReport:
    """Send a schedule's digest to its destinations for `fire_time`, unless already sent."""
    with db.session() as session:
        schedule = get_schedule(session, team_id, schedule_id)
        workshop_id, channel_id = schedule.workshop_id, schedule.channel_id
        recipients, creator = list(schedule.dm_user_ids or []), schedule.created_by
        description = rule_of(schedule).describe()
    delivery_id = claim_delivery(db, team_id, workshop_id, fire_time, schedule_id, requested_by)
    if delivery_id is None:
        logger.info("digest of schedule %s for %s already claimed", schedule_id, fire_time)
        return DeliveryReport(Outcome.duplicate)
    report = post_digest(
        client, db, team_id, workshop_id, delivery_id, schedule_id, channel_id, recipients
    )
    token_gone = TOKEN_GONE.intersection(report.errors.values())
    if token_gone:
        _suspend(db, team_id, schedule_id, min(token_gone))
        return report
    if channel_id:
        _follow_up_channel(
            client, db, team_id, schedule_id, channel_id, creator, description, report
        )
    return report


def send_digest_now(
    client: WebClient, db: Database, team_id: str, workshop_id: int, channel_id: str, user_id: str
) -> DeliveryReport:
    """`/workshop digest now`: the workshop's digest in `channel_id`, at once."""
    delivery_id = claim_delivery(db, team_id, workshop_id, utcnow(), requested_by=user_id)
    assert delivery_id is not None  # no schedule: nothing to collide with
    return post_digest(client, db, team_id, workshop_id, delivery_id, None, channel_id, [])


def post_digest(
    client: WebClient,
    db: Database,
    team_id: str,
    workshop_id: int,
    delivery_id: int,
    schedule_id: int | None,
    channel_id: str | None,
    recipients: list[str],
) -> DeliveryReport:
    """Build the digest and post it to each destination; record the delivery's result."""
    generated_at = utcnow()
    register_reports()
    with preparing, db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        since = previous_digest_time(session, team_id, workshop_id, schedule_id, delivery_id)
        digest = build_digest(session, workshop, since, generated_at)
    # The charts are drawn while the messages go out: they are only needed for the upload into
    # the thread, after the replies, and a minute's many digests queue for the chart workers.
    charts = _DrawnLater(
        [
            (section.chart, chart_drawing.submit(draw_chart, section.chart))
            for section in digest.sections
            if section.chart is not None and renderer_for(section.chart.key) is not None
        ]
    )
    names = user_names(client, mentioned_user_ids(digest), full=True)
    permalink = board_permalink(client, workshop)
    with preparing:
        blocks = build_digest_blocks(digest, permalink, charts.due, names)
        replies = [
            (text, [b.to_dict() for b in reply])
            for text, reply in build_thread_replies(digest, names)
        ]
        report = DeliveryReport(
            Outcome.failed,
            delivery_id,
            digest=digest,
            blocks=[b.to_dict() for b in blocks],
            replies=[reply for _, reply in replies],
        )
    for destination in [d for d in [channel_id, *recipients] if d]:
        try:
            with channel_pacer.turn(destination):
                response = client.chat_postMessage(
                    channel=destination,
                    text=digest_notification(digest),
                    blocks=report.blocks,  # already dicts: not converted again per destination
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except SlackApiError as error:
            report.errors[destination] = str(error.response.get("error"))
            logger.warning(
                "digest of workshop %s (team %s) not posted to %s: %s",
                workshop_id,
                team_id,
                destination,
                report.errors[destination],
            )
            if report.errors[destination] in TOKEN_GONE:
                break  # the other destinations would fail alike
            continue
        report.posted.append((response["channel"], response["ts"]))
        _post_replies(client, response["channel"], response["ts"], replies, report, destination)
        _attach_charts(client, response["channel"], response["ts"], charts.drawn())
    if report.posted:
        report.outcome = Outcome.sent
    with db.session() as session:
        failure = None if report.posted else ", ".join(sorted(set(report.errors.values())))
        finish_delivery(
            session, team_id, delivery_id, generated_at, failure or None, section_memos(digest)
        )
    return report


class _DrawnLater:
    """A digest's charts being drawn (futures of PNGs), waited for when first needed."""

    def __init__(self, pending: list[tuple[DigestChart, Future[bytes | None]]]) -> None:
        self._pending = pending
        self._drawn: list[tuple[DigestChart, bytes]] | None = None

    @property
    def due(self) -> bool:
        """Whether the digest has charts to attach (the top message says "with charts"; one
        whose renderer then fails is logged and left out, as when drawn before posting)."""
        return bool(self._pending)

    def drawn(self) -> list[tuple[DigestChart, bytes]]:
        if self._drawn is None:
            self._drawn = [
                (chart, png) for chart, future in self._pending if (png := future.result())
            ]
        return self._drawn


def _post_replies(
    client: WebClient,
    channel: str,
    ts: str,
    replies: Sequence[tuple[str, list[dict]]],
    report: DeliveryReport,
    paced_as: str | None = None,
) -> None:
    """Each section as its own reply in the top message's thread. They go out within the
    delivery that claimed the slot, so a retried or doubled run never posts them again; a
    reply Slack refuses (after the client's 429 retries) is logged and the others carry on:
    the top message already says the outcome."""
    for text, blocks in replies:
        try:
            # Paced as the top message was (a DM's user id, not its D… channel id).
            with channel_pacer.turn(paced_as or channel):
                response = client.chat_postMessage(
                    channel=channel,
                    thread_ts=ts,
                    text=text,
                    blocks=blocks,
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except SlackApiError as error:
            logger.warning(
                "digest reply not posted in %s: %s", channel, error.response.get("error")
            )
            if error.response.get("error") in TOKEN_GONE | set(CHANNEL_GONE):
                return
            continue
        report.replies_posted.append((response["channel"], response["ts"]))


def _suspend(db: Database, team_id: str, schedule_id: int, error: str) -> None:
    """Stop a schedule whose workspace token Slack refuses, rather than fail at every slot;
    nobody can be told in Slack. A reinstall of the app resumes it (bot/departures.py)."""
    with db.session() as session:
        suspended = suspend_schedule(session, team_id, schedule_id, error)
    if suspended:
        logger.warning(
            "digest schedule %s (team %s) suspended: Slack refused the token (%s)",
            schedule_id,
            team_id,
            error,
        )


def _attach_charts(client: WebClient, channel: str, ts: str, charts: list) -> None:
    if not charts:
        return
    try:
        client.files_upload_v2(
            channel=channel,
            thread_ts=ts,
            file_uploads=[
                {
                    "content": png,
                    "filename": f"{chart.key}.png",
                    "title": chart.title or chart.alt_text,
                    "alt_txt": chart.alt_text,
                }
                for chart, png in charts
            ],
        )
    except SlackApiError as error:
        # The digest itself is posted and says everything in words; the pictures are extra.
        logger.warning("digest charts not uploaded to %s: %s", channel, error.response.get("error"))


def board_permalink(client: WebClient, workshop: Workshop) -> str | None:
    if not workshop.board_ts:
        return None
    return message_permalink(client, workshop.channel_id, workshop.board_ts)


def _follow_up_channel(
    client: WebClient,
    db: Database,
    team_id: str,
    schedule_id: int,
    channel_id: str,
    creator: str,
    description: str,
    report: DeliveryReport,
) -> None:
    """Mark the schedule failing (and tell its creator, once) or healthy again."""
    error = report.errors.get(channel_id)
    if error is None:
        with db.session() as session:
            record_channel_success(session, team_id, schedule_id)
        return
    if error not in CHANNEL_GONE:
        return  # a transient failure (Slack down, retries exhausted): try again next time
    with db.session() as session:
        first_time = record_channel_failure(session, team_id, schedule_id, error)
    if first_time:
        tell_creator_about_failure(client, creator, channel_id, description, error, report)


def tell_creator_about_failure(
    client: WebClient,
    creator: str,
    channel_id: str,
    description: str,
    error: str,
    report: DeliveryReport,
) -> None:
    title = report.digest.title if report.digest else "your workshop"
    text = md(
        ":warning: I could not post the digest for “{}” ({}) in <#{}>: {}.\n",
        title,
        description,
        channel_id,
        CHANNEL_GONE[error],
    ) + (
        "To fix it, invite me back with `/invite @Journey Workshop` in that channel (unarchive "
        "it first if it was archived), then press *Resume* on the schedule in "
        "`/workshop digest list`. Or delete the schedule there and set up a new one for another "
        "channel with `/workshop digest`.\n"
        "I'll keep trying at each scheduled time, and won't message you about it again until "
        "it works or you resume it."
    )
    try:
        client.chat_postMessage(channel=creator, text=text)
    except SlackApiError as error_sending:
        logger.warning(
            "could not tell %s that schedule failed: %s",
            creator,
            error_sending.response.get("error"),
        )
