"""*Post it again*: the button in a facilitator's notice that a phase's results (gap results,
stakeholder grid, ranked fixes) could not be posted in the board's thread."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.mrkdwn import md
from bot.slack.requests import ActionRequest
from bot.slack.values import BadValue
from bot.workshop.blocks.results_posts import PostAgain
from bot.workshop.phase_hooks import (
    ResultsPost,
    find_results_post,
    post_failed_notice,
    tell_post_failed,
)
from flows.events import claim_event
from flows.workshops import get_workshop, require_facilitator

logger = logging.getLogger(__name__)

STALE_BUTTON = (
    "That button is out of date; post the results with `/workshop gaps`, `grid` or `ranking`."
)
ALREADY_POSTED = (
    "I've already posted those again from this message; have a look at the board's thread."
)


@answers_refusals()
def handle_post_again(request: ActionRequest) -> None:
    """Acks first, then posts (a post is not saved state: if the bot dies meanwhile, the button
    is pressed again). Facilitators only; one notice posts once, however often it is clicked."""
    request.ack()
    try:
        value = request.value(PostAgain)
    except BadValue:
        value = None
    results = find_results_post(value.key) if value else None
    if value is None or results is None:
        request.tell(STALE_BUTTON)
        return
    with request.db.session() as session:
        workshop = get_workshop(session, request.team_id, value.workshop_id)
        require_facilitator(session, workshop, request.user_id, "post the results again")
        first = claim_event(session, request.team_id, f"post-again:{value.token}")
        channel_id = workshop.channel_id
    if not first:
        request.tell(ALREADY_POSTED)
        return
    _post_again(request, value.workshop_id, channel_id, results)


def _post_again(
    request: ActionRequest, workshop_id: int, channel_id: str, results: ResultsPost
) -> None:
    client, respond = request.client, request.respond
    try:
        results.post(client, request.db, request.team_id, workshop_id)
    except Exception as error:
        logger.exception(
            "%s of workshop %s (team %s) not posted again",
            results.what,
            workshop_id,
            request.team_id,
        )
        if respond.response_url:  # the notice itself now says it failed again
            text, blocks = post_failed_notice(workshop_id, results, error)
            respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")
        else:
            tell_post_failed(client, channel_id, request.user_id, workshop_id, results, error)
        return
    done = md(
        ":white_check_mark: Posted {} of workshop #{} again in the board's thread.",
        results.what,
        workshop_id,
    )
    if respond.response_url:
        respond(text=done, replace_original=True, response_type="ephemeral")
    else:
        client.chat_postEphemeral(channel=channel_id, user=request.user_id, text=done)


def register(app: App) -> None:
    app.action(ids.RESULTS_POST_AGAIN)(handle_post_again)
