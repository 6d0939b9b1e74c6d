"""Submissions of the stakeholder modals: add or edit, a page of ratings, removal.

Each validates and writes before acking, because a refusal (a duplicate name, a rating left
half done) must come back as an inline error in the still-open modal; the writes are single
short transactions. Board refreshes and messages follow the ack.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.slack import ids
from bot.slack.view_state import checked_values, input_value, selected_value, state_values
from bot.stakeholders.blocks import (
    LIST_PAGE_SIZE,
    RATING_PAGE_SIZE,
    RatingMetadata,
    StakeholderFormMetadata,
    build_notice_modal,
    build_rating_modal,
    build_stakeholder_list,
    ratings_gone,
)
from bot.stakeholders.posts import after_change
from bot.workshop.board import refresh_board
from flows.errors import FlowError, InvalidInput, NotFound
from flows.stakeholders import (
    add_stakeholder,
    list_stakeholders,
    rating_page,
    remove_stakeholder,
    save_ratings,
    update_stakeholder,
    validate_stakeholder,
)
from storage.db import Database

logger = logging.getLogger(__name__)

RATING_BLOCK = re.compile(r"^(influence|interest):(\d{1,9})$")
RATINGS_SAVED = (
    "Thanks, your ratings are saved. Change them any time with *Rate stakeholders*; "
    "`/workshop grid` shows where everyone stands."
)
GONE = NotFound("This workshop or stakeholder no longer exists in this workspace.")


def _known(value: int | None) -> int:
    """An id from the view's private_metadata; a missing or forged one reads as not found."""
    if value is None:
        raise GONE
    return value


def handle_stakeholder_submission(
    ack: Ack, view: dict, client: WebClient, context: BoltContext
) -> None:
    db: Database = context["db"]
    state = state_values(view)
    meta = StakeholderFormMetadata.read(view)
    editing = "stakeholder_id" in meta.model_fields_set
    try:
        spec = validate_stakeholder(
            input_value(state, ids.STAKEHOLDER_NAME),
            selected_value(state, ids.STAKEHOLDER_CATEGORY),
            selected_value(state, ids.STAKEHOLDER_ATTITUDE),
            input_value(state, ids.STAKEHOLDER_NOTE),
            checked_values(state, ids.STAKEHOLDER_TOUCHPOINTS),
        )
        with db.session() as session:
            if editing:
                stakeholder = update_stakeholder(
                    session,
                    context.team_id,
                    _known(meta.stakeholder_id),
                    context.user_id,
                    spec,
                )
            else:
                stakeholder = add_stakeholder(
                    session,
                    context.team_id,
                    _known(meta.workshop_id),
                    context.user_id,
                    spec,
                )
    except InvalidInput as error:
        ack(response_action="errors", errors=error.errors)
        return
    except FlowError as error:
        ack(response_action="errors", errors={ids.STAKEHOLDER_NAME: str(error)})
        return
    ack()
    name = stakeholder.name
    text = (
        f"Saved your changes to *{name}*."
        if editing
        else f"Added *{name}* to the stakeholders. Everyone can now rate them."
    )
    after_change(
        client,
        db,
        context.team_id,
        stakeholder.workshop_id,
        context.user_id,
        text,
        refresh=not editing,
    )
    _refresh_list(view, db, client, context, stakeholder.workshop_id)


def rating_answers(state: dict) -> dict[int, tuple[str | None, str | None]]:
    """{stakeholder id: (influence, interest)} from the blocks named "influence:12" etc."""
    answers: dict[int, list[str | None]] = {}
    for block_id in state:
        match = RATING_BLOCK.match(block_id)
        if match:
            axis, stakeholder_id = match.group(1), int(match.group(2))
            pair = answers.setdefault(stakeholder_id, [None, None])
            pair[0 if axis == "influence" else 1] = selected_value(state, block_id)
    return {stakeholder_id: (pair[0], pair[1]) for stakeholder_id, pair in answers.items()}


def handle_rating_submission(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    db: Database = context["db"]
    state = state_values(view)
    try:
        meta = RatingMetadata.read(view)
        workshop_id, last_id = _known(meta.workshop_id), meta.last_id or 0
        with db.session() as session:
            saved = save_ratings(
                session, context.team_id, workshop_id, context.user_id, rating_answers(state)
            )
            following = rating_page(
                session,
                context.team_id,
                workshop_id,
                context.user_id,
                after_id=last_id,
                size=RATING_PAGE_SIZE,
            )
    except InvalidInput as error:
        ack(response_action="errors", errors=error.errors)
        return
    except FlowError as error:
        ack(
            response_action="update",
            view=build_notice_modal("Ratings not saved", f"Nothing was saved: {error}"),
        )
        return
    if following.items:
        ack(response_action="update", view=build_rating_modal(following))
    else:
        ack()
    if not following.items:
        after_change(
            client,
            db,
            context.team_id,
            workshop_id,
            context.user_id,
            RATINGS_SAVED,
            saved.new_rater,
        )
    elif saved.new_rater:
        refresh_board(client, db, context.team_id, workshop_id)


def handle_remove_submission(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    db: Database = context["db"]
    try:
        with db.session() as session:
            removed = remove_stakeholder(
                session,
                context.team_id,
                _known(StakeholderFormMetadata.read(view).stakeholder_id),
                context.user_id,
            )
    except FlowError as error:
        ack(
            response_action="update",
            view=build_notice_modal("Nothing was removed", str(error)),
        )
        return
    ack()
    after_change(
        client,
        db,
        context.team_id,
        removed.workshop_id,
        context.user_id,
        f"Removed *{removed.name}*{ratings_gone(removed.ratings_removed)}.",
    )
    _refresh_list(view, db, client, context, removed.workshop_id)


def is_response_url(url: str, api_url: str) -> bool:
    """Whether `url` is one of Slack's response URLs (hooks.slack.com, or the host serving the
    Web API, as with a local stand-in): the bot never posts to anywhere else."""
    parsed, api = urlsplit(url), urlsplit(api_url)
    return parsed.scheme in ("https", "http") and (
        (parsed.scheme == "https" and parsed.hostname == "hooks.slack.com")
        or (parsed.scheme, parsed.netloc) == (api.scheme, api.netloc)
    )


def _refresh_list(
    view: dict, db: Database, client: WebClient, context: BoltContext, workshop_id: int
) -> None:
    """Redraw the list the edit or removal was started from, through its response_url."""
    reference = StakeholderFormMetadata.read(view)
    list_url, offset = reference.list_url, reference.list_offset or 0
    if list_url is None or not is_response_url(list_url, client.base_url):
        return
    with db.session() as session:
        listing = list_stakeholders(
            session,
            context.team_id,
            workshop_id,
            context.user_id,
            offset=offset,
            limit=LIST_PAGE_SIZE,
        )
    try:
        WebhookClient(list_url).send(
            text=f"Stakeholders of workshop #{workshop_id}",
            blocks=build_stakeholder_list(listing),
            response_type="ephemeral",
            replace_original=True,
        )
    except (SlackApiError, OSError) as error:
        # The list is a convenience; the change itself is saved and the user told.
        logger.info("could not refresh the stakeholder list: %s", error)


def register(app: App) -> None:
    app.view(ids.STAKEHOLDER_MODAL)(handle_stakeholder_submission)
    app.view(ids.RATING_MODAL)(handle_rating_submission)
    app.view(ids.REMOVE_STAKEHOLDER_MODAL)(handle_remove_submission)
