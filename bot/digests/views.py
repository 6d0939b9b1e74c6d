"""Submission of the digest schedule form: validate, check the channel, save, confirm."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.digests.blocks.schedules import (
    ScheduleFormMetadata,
    build_schedule_modal,
    destinations_text,
)
from bot.home.publish import refresh_homes
from bot.scheduler import schedules_changed
from bot.slack import ids
from bot.slack.answers import answers_refusals, takes_request
from bot.slack.blocks import slack_date
from bot.slack.mrkdwn import md
from bot.slack.requests import ActionRequest, SubmissionRequest
from bot.slack.values import WorkshopMetadata
from bot.slack.view_state import (
    input_value,
    selected_conversation,
    selected_time,
    selected_users,
    selected_value,
)
from bot.workshop.commands import bot_can_post_in
from flows.schedules import (
    DEFAULT_TIMEZONE,
    DigestRule,
    create_schedule,
    is_valid_timezone,
    rule_of,
    validate_schedule,
)
from storage.models import Workshop, utcnow

logger = logging.getLogger(__name__)


@answers_refusals(field=ids.DIGEST_CADENCE)
def handle_schedule_submission(request: SubmissionRequest) -> None:
    state = request.state
    meta = request.metadata(WorkshopMetadata)
    spec = validate_schedule(
        cadence=selected_value(state, ids.DIGEST_CADENCE),
        time_of_day=selected_time(state, ids.DIGEST_TIME),
        timezone=selected_value(state, ids.DIGEST_TIMEZONE),
        weekday=selected_value(state, ids.DIGEST_WEEKDAY),
        day_of_month=input_value(state, ids.DIGEST_DAY_OF_MONTH),
        cron=input_value(state, ids.DIGEST_CRON),
        channel_id=selected_conversation(state, ids.DIGEST_CHANNEL),
        dm_user_ids=selected_users(state, ids.DIGEST_RECIPIENTS),
    )
    if spec.channel_id and not bot_can_post_in(request.client, spec.channel_id):
        request.show_errors(
            {
                ids.DIGEST_CHANNEL: "I'm not in that channel: invite me with "
                "`/invite @Journey Workshop` there first, or pick another."
            }
        )
        return

    def save(session: Session, workshop: Workshop) -> tuple[DigestRule, str]:
        schedule = create_schedule(session, workshop, request.user_id, spec)
        return rule_of(schedule), workshop.title

    try:
        saved = request.save_once(save)
    except ValueError:
        request.show_errors({ids.DIGEST_CADENCE: "That workshop no longer exists."})
        return
    request.ack()
    if saved is None:  # the same submission again: its schedule exists and its creator was told
        return
    rule, title = saved
    schedules_changed(request.context)
    next_fire = rule.next_fire_after(utcnow())
    request.tell_in(
        meta.channel_id,
        md(
            ":calendar: Digest of “{}” scheduled: {} → {}.",
            title,
            rule.describe(),
            destinations_text(spec.channel_id, spec.dm_user_ids),
        )
        + (md(" The first one goes out {}.", slack_date(next_fire)) if next_fire else "")
        + " `/workshop digest list` to send one now, pause or delete it.",
    )
    refresh_homes(request.client, request.db, request.team_id, [request.user_id])


@takes_request
def handle_cadence_change(request: ActionRequest) -> None:
    """Another frequency was chosen in the form: redraw it with that frequency's fields only.
    Nothing is saved, so the ack comes first; the hash makes Slack refuse the update if the
    form changed meanwhile (a later choice's update wins)."""
    request.ack()
    view = request.view
    meta = ScheduleFormMetadata.read(view)
    state = request.state
    title, channel_id = meta.title, meta.channel_id
    zone = selected_value(state, ids.DIGEST_TIMEZONE)
    if title is None or channel_id is None or not meta.workshop_id or not view.get("id"):
        return  # not our form's metadata: nothing to redraw
    try:
        request.client.views_update(
            view_id=view["id"],
            hash=view.get("hash"),
            view=build_schedule_modal(
                meta.workshop_id,
                title,
                channel_id,
                zone if zone and is_valid_timezone(zone) else DEFAULT_TIMEZONE,
                selected_value(state, ids.DIGEST_CADENCE),
            ),
        )
    except SlackApiError as error:
        logger.info("digest form not redrawn: %s", error.response.get("error"))


def register(app: App) -> None:
    app.view(ids.DIGEST_MODAL)(handle_schedule_submission)
    app.action({"block_id": ids.DIGEST_CADENCE, "action_id": ids.INPUT})(handle_cadence_change)
