"""Submissions of the stakeholder modals: add or edit, a page of ratings, removal.

Each validates and writes before acking, because a refusal (a duplicate name, a rating left
half done) must come back as an inline error in the still-open modal; the writes are single
short transactions. Board refreshes and messages follow the ack.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from slack_bolt import App
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.replies import report_failure
from bot.slack.requests import SubmissionRequest
from bot.slack.view_state import checked_values, input_value, selected_value
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
from flows.errors import NotFound
from flows.stakeholders import (
    add_stakeholder,
    list_stakeholders,
    rating_page,
    remove_stakeholder,
    save_ratings,
    update_stakeholder,
    validate_stakeholder,
)

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


@answers_refusals(field=ids.STAKEHOLDER_NAME)
def handle_stakeholder_submission(request: SubmissionRequest) -> None:
    state = request.state
    meta = request.metadata(StakeholderFormMetadata)
    editing = "stakeholder_id" in meta.model_fields_set
    spec = validate_stakeholder(
        input_value(state, ids.STAKEHOLDER_NAME),
        selected_value(state, ids.STAKEHOLDER_CATEGORY),
        selected_value(state, ids.STAKEHOLDER_ATTITUDE),
        input_value(state, ids.STAKEHOLDER_NOTE),
        checked_values(state, ids.STAKEHOLDER_TOUCHPOINTS),
    )
    with request.db.session() as session:
        if editing:
            stakeholder = update_stakeholder(
                session,
                request.team_id,
                _known(meta.stakeholder_id),
                request.user_id,
                spec,
            )
        else:
            stakeholder = add_stakeholder(
                session,
                request.team_id,
                _known(meta.workshop_id),
                request.user_id,
                spec,
            )
    request.ack()
    name = stakeholder.name
    text = (
        f"Saved your changes to *{name}*."
        if editing
        else f"Added *{name}* to the stakeholders. Everyone can now rate them."
    )
    team_id, user_id, workshop_id = request.team_id, request.user_id, stakeholder.workshop_id

    def follow() -> None:
        after_change(
            request.client, request.db, team_id, workshop_id, user_id, text, refresh=not editing
        )
        _refresh_list(request, workshop_id)

    request.after_ack.run(None, follow, report_failure(request.client, {"user": {"id": user_id}}))


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


@answers_refusals(
    notice=lambda text: build_notice_modal("Ratings not saved", f"Nothing was saved: {text}")
)
def handle_rating_submission(request: SubmissionRequest) -> None:
    state = request.state
    meta = request.metadata(RatingMetadata)
    workshop_id, last_id = _known(meta.workshop_id), meta.last_id or 0
    with request.db.session() as session:
        saved = save_ratings(
            session, request.team_id, workshop_id, request.user_id, rating_answers(state)
        )
        following = rating_page(
            session,
            request.team_id,
            workshop_id,
            request.user_id,
            after_id=last_id,
            size=RATING_PAGE_SIZE,
        )
    request.show_or_close(build_rating_modal(following) if following.items else None)
    team_id, user_id = request.team_id, request.user_id
    if not following.items:
        request.after_ack.run(
            None,
            lambda: after_change(
                request.client,
                request.db,
                team_id,
                workshop_id,
                user_id,
                RATINGS_SAVED,
                saved.new_rater,
            ),
            report_failure(request.client, {"user": {"id": user_id}}),
        )
    elif saved.new_rater:
        request.after_ack.run(
            None, lambda: refresh_board(request.client, request.db, team_id, workshop_id)
        )


@answers_refusals(notice=lambda text: build_notice_modal("Nothing was removed", text))
def handle_remove_submission(request: SubmissionRequest) -> None:
    with request.db.session() as session:
        removed = remove_stakeholder(
            session,
            request.team_id,
            _known(request.metadata(StakeholderFormMetadata).stakeholder_id),
            request.user_id,
        )
    request.ack()
    team_id, user_id, workshop_id = request.team_id, request.user_id, removed.workshop_id
    text = f"Removed *{removed.name}*{ratings_gone(removed.ratings_removed)}."

    def follow() -> None:
        after_change(request.client, request.db, team_id, workshop_id, user_id, text)
        _refresh_list(request, workshop_id)

    request.after_ack.run(None, follow, report_failure(request.client, {"user": {"id": user_id}}))


def is_response_url(url: str, api_url: str) -> bool:
    """Whether `url` is one of Slack's response URLs (hooks.slack.com, or the host serving the
    Web API, as with a local stand-in): the bot never posts to anywhere else."""
    parsed, api = urlsplit(url), urlsplit(api_url)
    return parsed.scheme in ("https", "http") and (
        (parsed.scheme == "https" and parsed.hostname == "hooks.slack.com")
        or (parsed.scheme, parsed.netloc) == (api.scheme, api.netloc)
    )


def _refresh_list(request: SubmissionRequest, workshop_id: int) -> None:
    """Redraw the list the edit or removal was started from, through its response_url."""
    reference = request.metadata(StakeholderFormMetadata)
    list_url, offset = reference.list_url, reference.list_offset or 0
    if list_url is None or not is_response_url(list_url, request.client.base_url):
        return
    with request.db.session() as session:
        listing = list_stakeholders(
            session,
            request.team_id,
            workshop_id,
            request.user_id,
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
