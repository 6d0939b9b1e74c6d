"""Submission of the setup modal: validate, create the workshop, post its board."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.common import read_metadata
from bot.blocks.mrkdwn import md
from bot.board import post_board
from bot.home import refresh_workshop_homes
from bot.listeners.views.state import (
    checked_values,
    input_value,
    selected_users,
    state_values,
)
from flows.errors import InvalidInput
from flows.events import claim_submission
from flows.workshops import create_workshop, validate_spec
from storage.db import Database

logger = logging.getLogger(__name__)


def handle_setup_submission(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
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
    db: Database = context["db"]
    channel_id = read_metadata(view.get("private_metadata")).get("channel_id", "")
    # Saved before the ack (one short transaction), so a workshop Slack saw created exists.
    with db.session() as session:
        first = claim_submission(session, context.team_id, view.get("id"))
        if first:
            workshop = create_workshop(session, context.team_id, channel_id, context.user_id, spec)
    ack()  # closes the modal; the board is posted after Slack has its answer
    if not first:
        return  # the same submission again: its workshop exists and its board is posted
    try:
        post_board(client, db, context.team_id, workshop.id)
        refresh_workshop_homes(client, db, context.team_id, workshop.id)
    except SlackApiError as error:
        logger.warning(
            "board of workshop %s not posted in %s (team %s): %s",
            workshop.id,
            channel_id,
            context.team_id,
            error.response.get("error"),
        )
        client.chat_postMessage(
            channel=context.user_id,
            text=md(
                "I created workshop #{} “{}” but could not post its board in <#{}> ({}). Invite "
                "me to the channel, then press *Next* in `/workshop status #{}`.",
                workshop.id,
                workshop.title,
                channel_id,
                error.response.get("error"),
                workshop.id,
            ),
        )


def register(app: App) -> None:
    app.view(ids.SETUP_MODAL)(handle_setup_submission)
