"""Submission of the setup modal: validate, create the workshop, post its board."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.home.publish import refresh_workshop_homes
from bot.slack import ids
from bot.slack.mrkdwn import Mrkdwn, md
from bot.slack.replies import failure_reason
from bot.slack.retries import outcome_unknown
from bot.slack.values import WorkshopMetadata
from bot.slack.view_state import (
    checked_values,
    input_value,
    selected_users,
    state_values,
)
from bot.slack.who import team_id_of, user_id_of
from bot.workshop.board import post_board
from flows.errors import InvalidInput
from flows.events import claim_submission
from flows.workshops import create_workshop, validate_spec
from storage.db import Database

logger = logging.getLogger(__name__)


def handle_setup_submission(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext, db: Database
) -> None:
    state = state_values(view)
    try:
        spec = validate_spec(
            title=input_value(state, ids.SETUP_TITLE),
            journey_text=input_value(state, ids.SETUP_JOURNEY),
            vote_budget=input_value(state, ids.SETUP_VOTE_BUDGET),
            max_votes_per_fix=input_value(state, ids.SETUP_MAX_VOTES_PER_FIX),
            live_tallies=ids.OPTION_LIVE_TALLIES in checked_values(state, ids.SETUP_OPTIONS),
            co_facilitators=selected_users(state, ids.SETUP_CO_FACILITATORS),
        )
    except InvalidInput as error:
        ack(response_action="errors", errors=error.errors)
        return
    channel_id = WorkshopMetadata.read(view).channel_id or ""
    # Saved before the ack (one short transaction), so a workshop Slack saw created exists.
    with db.session() as session:
        first = claim_submission(session, team_id_of(context), view.get("id"))
        if first:
            workshop = create_workshop(
                session, team_id_of(context), channel_id, user_id_of(context), spec
            )
    ack()  # closes the modal; the board is posted after Slack has its answer
    if not first:
        return  # the same submission again: its workshop exists and its board is posted
    try:
        post_board(client, db, team_id_of(context), workshop.id)
    except (SlackClientError, OSError) as error:  # a bug of ours goes to the error handler
        logger.warning(
            "board of workshop %s not posted in %s (team %s): %r",
            workshop.id,
            channel_id,
            team_id_of(context),
            error,
        )
        client.chat_postMessage(
            channel=user_id_of(context),
            text=board_missing_text(workshop.id, workshop.title, channel_id, error),
        )
        return
    refresh_workshop_homes(client, db, team_id_of(context), workshop.id)


def board_missing_text(workshop_id: int, title: str, channel_id: str, error: Exception) -> Mrkdwn:
    """What the facilitator is told when Slack did not confirm the board's post."""
    again = md("run `/workshop board #{}` in <#{}>", workshop_id, channel_id)
    reason = failure_reason(error) or "Slack failed"
    if outcome_unknown(error):
        return md(
            "Slack didn't confirm that it posted the board of workshop #{} “{}” in <#{}> ({}). "
            "It is probably there: I'll find it before posting anything. If it isn't, {} and "
            "I'll post it once.",
            workshop_id,
            title,
            channel_id,
            reason,
            again,
        )
    return md(
        "I created workshop #{} “{}” but could not post its board in <#{}> ({}). Invite me to "
        "the channel, then {}.",
        workshop_id,
        title,
        channel_id,
        reason,
        again,
    )


def register(app: App) -> None:
    app.view(ids.SETUP_MODAL)(handle_setup_submission)
