"""*Post it again*: the button in a facilitator's notice that a phase's results (gap results,
stakeholder grid, ranked fixes) could not be posted in the board's thread."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.mrkdwn import md
from bot.slack.replies import tell_user
from bot.slack.values import BadValue
from bot.slack.who import team_id_of, user_id_of
from bot.workshop.blocks.results_posts import PostAgain
from bot.workshop.phase_hooks import (
    ResultsPost,
    find_results_post,
    post_failed_notice,
    tell_post_failed,
)
from flows.events import claim_event
from flows.workshops import get_workshop, require_facilitator
from storage.db import Database

logger = logging.getLogger(__name__)

STALE_BUTTON = (
    "That button is out of date; post the results with `/workshop gaps`, `grid` or `ranking`."
)
ALREADY_POSTED = (
    "I've already posted those again from this message; have a look at the board's thread."
)


@answers_refusals()
def handle_post_again(
    ack: Ack,
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    db: Database,
) -> None:
    """Acks first, then posts (a post is not saved state: if the bot dies meanwhile, the button
    is pressed again). Facilitators only; one notice posts once, however often it is clicked."""
    ack()
    try:
        value = PostAgain.of(action)
    except BadValue:
        value = None
    results = find_results_post(value.key) if value else None
    if value is None or results is None:
        tell_user(client, body, STALE_BUTTON, respond)
        return
    with db.session() as session:
        workshop = get_workshop(session, team_id_of(context), value.workshop_id)
        require_facilitator(session, workshop, user_id_of(context), "post the results again")
        first = claim_event(session, team_id_of(context), f"post-again:{value.token}")
        channel_id = workshop.channel_id
    if not first:
        tell_user(client, body, ALREADY_POSTED, respond)
        return
    _post_again(client, db, context, respond, value.workshop_id, channel_id, results)


def _post_again(
    client: WebClient,
    db: Database,
    context: BoltContext,
    respond: Respond,
    workshop_id: int,
    channel_id: str,
    results: ResultsPost,
) -> None:
    try:
        results.post(client, db, team_id_of(context), workshop_id)
    except Exception as error:
        logger.exception(
            "%s of workshop %s (team %s) not posted again",
            results.what,
            workshop_id,
            team_id_of(context),
        )
        if respond.response_url:  # the notice itself now says it failed again
            text, blocks = post_failed_notice(workshop_id, results, error)
            respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")
        else:
            tell_post_failed(client, channel_id, user_id_of(context), workshop_id, results, error)
        return
    done = md(
        ":white_check_mark: Posted {} of workshop #{} again in the board's thread.",
        results.what,
        workshop_id,
    )
    if respond.response_url:
        respond(text=done, replace_original=True, response_type="ephemeral")
    else:
        client.chat_postEphemeral(channel=channel_id, user=user_id_of(context), text=done)


def register(app: App) -> None:
    app.action(ids.RESULTS_POST_AGAIN)(handle_post_again)
