"""Posting and refreshing a workshop's board message, and announcing in its thread."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse

from bot.slack.after_ack import Coalescer
from bot.slack.blocks import truncate
from bot.slack.mrkdwn import escape
from bot.slack.retries import outcome_unknown
from bot.workshop.blocks.board import board_text, build_board
from flows.board import BoardSummary, board_summary
from flows.board_posts import (
    board_post_sending,
    board_posted,
    claim_board_post,
    release_board_claim,
)
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import Workshop
from storage.models.base import utcnow

logger = logging.getLogger(__name__)


# Every board carries this marker in its message metadata, so the bot can find its own board in
# the channel's history when Slack never answered the post.
BOARD_EVENT_TYPE = "workshop_board"
# A post is stamped by Slack while the request is handled; the history search looks this far
# either side of when the bot sent it (clock skew and a slow answer are well inside).
HISTORY_MARGIN_S = 300
HISTORY_PAGES = 10
HISTORY_PAGE_SIZE = 200
MAX_ALT_TEXT = 1000  # files.getUploadURLExternal refuses longer alt text


class BoardSearchInconclusive(Exception):
    """The channel's history was too long to tell whether an unanswered board post landed."""


def board_metadata(team_id: str, workshop_id: int) -> dict:
    return {
        "event_type": BOARD_EVENT_TYPE,
        "event_payload": {"team_id": team_id, "workshop_id": workshop_id},
    }


def post_board(
    client: WebClient, db: Database, team_id: str, workshop_id: int
) -> BoardSummary | None:
    """Post the board in the workshop's channel and remember its ts (it is edited from then on).

    Returns what it drew, or None when the board is posted already or another replica is
    posting it. A post that Slack never answered is looked for in the channel's history first
    and adopted if it is there: the board is posted again only when Slack shows it is not.
    """
    with db.session() as session:
        claim = claim_board_post(session, team_id, workshop_id)
    if claim is None:
        return None
    try:
        if claim.unanswered_since is not None:
            found = _look_for_board(
                client, claim.channel_id, claim.unanswered_since, team_id, workshop_id
            )
            if found is not None:
                logger.info("board of workshop %s (team %s) found: %s", workshop_id, team_id, found)
                with db.session() as session:
                    board_posted(session, team_id, workshop_id, found)
                return _render_board(client, db, team_id, workshop_id)
        with db.read_session() as session:
            summary = board_summary(session, get_workshop(session, team_id, workshop_id))
        with db.session() as session:  # before sending: if no answer comes, the next claim looks
            board_post_sending(session, team_id, workshop_id, utcnow())
    except BaseException:
        with db.session() as session:  # whatever was unknown stays so: the next claim looks
            release_board_claim(session, team_id, workshop_id, nothing_posted=False)
        raise
    return _send_board(client, db, team_id, workshop_id, summary)


def _look_for_board(
    client: WebClient, channel_id: str, sent_at: datetime, team_id: str, workshop_id: int
) -> str | None:
    """find_board_message, except that an installation made before the bot asked for the
    history scopes cannot look: there the board is posted again (a second board is better than
    none), and the operator is told what to grant."""
    try:
        return find_board_message(client, channel_id, team_id, workshop_id, sent_at)
    except SlackApiError as error:
        if error.response.get("error") != "missing_scope":
            raise
        logger.warning(
            "cannot look for the unanswered board of workshop %s in %s (team %s): the install "
            "lacks channels:history / groups:history (reinstall the app); posting it again",
            workshop_id,
            channel_id,
            team_id,
        )
        return None


def _send_board(
    client: WebClient, db: Database, team_id: str, workshop_id: int, summary: BoardSummary
) -> BoardSummary:
    try:
        response = client.chat_postMessage(
            channel=summary.channel_id,
            text=board_text(summary),
            blocks=build_board(summary),
            metadata=board_metadata(team_id, workshop_id),
        )
    except BaseException as error:
        unknown = outcome_unknown(error)
        logger.warning(
            "board of workshop %s (team %s) %s: %r",
            workshop_id,
            team_id,
            "may or may not be posted" if unknown else "not posted",
            error,
        )
        with db.session() as session:
            release_board_claim(session, team_id, workshop_id, nothing_posted=not unknown)
        raise
    with db.session() as session:
        board_posted(session, team_id, workshop_id, response["ts"])
    return summary


def find_board_message(
    client: WebClient, channel_id: str, team_id: str, workshop_id: int, sent_at: datetime
) -> str | None:
    """The ts of the workshop's board in the channel, looking around when it was sent; None
    when Slack's history shows it is not there."""
    cursor = None
    for _ in range(HISTORY_PAGES):
        page = client.conversations_history(
            channel=channel_id,
            oldest=f"{sent_at.timestamp() - HISTORY_MARGIN_S:.6f}",
            latest=f"{sent_at.timestamp() + HISTORY_MARGIN_S:.6f}",
            inclusive=True,
            include_all_metadata=True,
            limit=HISTORY_PAGE_SIZE,
            cursor=cursor,
        )
        for message in page.get("messages") or []:
            if _is_board_of(message, team_id, workshop_id):
                return message.get("ts")
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    raise BoardSearchInconclusive(
        f"more than {HISTORY_PAGES * HISTORY_PAGE_SIZE} messages around the board post"
    )


def _is_board_of(message: dict, team_id: str, workshop_id: int) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return (
        bool(message.get("bot_id"))
        and metadata.get("event_type") == BOARD_EVENT_TYPE
        and payload.get("workshop_id") == workshop_id
        and payload.get("team_id") == team_id
    )


BOARD_EDIT_INTERVAL_S = 1.0
# Refreshes of one board, coalesced (bot/slack/after_ack.Coalescer), on this module's clock.
_BOARDS = Coalescer(
    spacing=lambda: BOARD_EDIT_INTERVAL_S,
    monotonic=lambda: time.monotonic(),
    sleep=lambda seconds: time.sleep(seconds),
)


def refresh_board(client: WebClient, db: Database, team_id: str, workshop_id: int) -> None:
    """Re-render the board from the database and edit it in place.

    Two renders racing could leave the older one on the board, and a burst of clicks would spend
    Slack's chat.update budget. So while one refresh of a board runs in this process, further
    calls only ask it to run once more (they return at once); that run reads the database
    afresh. Another replica may still have edited the board with a newer state just before this
    edit landed, so after each edit the board's state is read again, and drawn again if it
    changed meanwhile: whichever edit comes last, it shows the latest state. Edits of one board
    are at least BOARD_EDIT_INTERVAL_S apart: under a burst of votes the board catches up once a
    second rather than being redrawn for every click. A failure is raised to the caller whose
    call drew it.
    """
    key = (team_id, workshop_id)
    if _BOARDS.offer(key, lambda: _draw_until_fresh(client, db, team_id, workshop_id)):
        _BOARDS.drain(key, raise_errors=True)


def _draw_until_fresh(client: WebClient, db: Database, team_id: str, workshop_id: int) -> None:
    key = (team_id, workshop_id)
    while True:
        edited_at = time.monotonic()
        drawn = _render_board(client, db, team_id, workshop_id)
        if drawn is None or _BOARDS.waiting(key):
            return  # another replica draws it, or the refresh asked for meanwhile does
        if _current_summary(db, team_id, workshop_id) == drawn:
            return
        time.sleep(max(0.0, edited_at + BOARD_EDIT_INTERVAL_S - time.monotonic()))


def _current_summary(db: Database, team_id: str, workshop_id: int) -> BoardSummary:
    with db.read_session() as session:
        return board_summary(session, get_workshop(session, team_id, workshop_id))


def _render_board(
    client: WebClient, db: Database, team_id: str, workshop_id: int
) -> BoardSummary | None:
    """Edit the board, or post it if it was never posted; returns the state it drew (None:
    another replica is posting it, and draws it)."""
    with db.read_session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        summary = board_summary(session, workshop)
        board_ts = workshop.board_ts
    if board_ts is None:
        return post_board(client, db, team_id, workshop_id)
    client.chat_update(
        channel=summary.channel_id,
        ts=board_ts,
        text=board_text(summary),
        blocks=build_board(summary),
    )
    return summary


def post_in_thread(client: WebClient, workshop: Workshop, text: str, **kwargs) -> SlackResponse:
    """Reply in the board's thread (or the channel, if the board was never posted)."""
    try:
        return client.chat_postMessage(
            channel=workshop.channel_id, thread_ts=workshop.board_ts, text=escape(text), **kwargs
        )
    except SlackApiError as error:
        logger.warning(
            "could not post in workshop %s thread (team %s): %s",
            workshop.id,
            workshop.team_id,
            error.response.get("error"),
        )
        raise


def upload_in_thread(
    client: WebClient,
    workshop: Workshop,
    png: bytes,
    filename: str,
    title: str,
    alt_text: str,
    initial_comment: str | None = None,
) -> str | None:
    """Upload a chart into the board's thread (or the channel, if the board was never posted).

    A chart is extra to a text that says it all, so a failed upload is logged with the
    workshop, the team and the file, and does not raise: returns None when the chart is
    uploaded, otherwise what went wrong (Slack's error code, or the client error).
    """
    try:
        client.files_upload_v2(
            channel=workshop.channel_id,
            thread_ts=workshop.board_ts,
            content=png,
            filename=filename,
            title=title,
            alt_txt=truncate(alt_text, MAX_ALT_TEXT),
            initial_comment=initial_comment,
        )
    except SlackClientError as error:
        detail = error.response.get("error") if isinstance(error, SlackApiError) else str(error)
        logger.warning(
            "chart %s of workshop %s (team %s) not uploaded: %s",
            filename,
            workshop.id,
            workshop.team_id,
            detail,
        )
        return str(detail)
    return None
