"""Posting and refreshing a workshop's board message, and announcing in its thread."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.board import board_text, build_board
from bot.blocks.mrkdwn import escape
from flows.board import BoardSummary, board_summary
from flows.workshops import get_workshop, set_board_ts
from storage.db import Database
from storage.models import Workshop

logger = logging.getLogger(__name__)


def post_board(client: WebClient, db: Database, team_id: str, workshop_id: int) -> str:
    """Post the board in the workshop's channel and remember its ts (it is edited from then on)."""
    with db.read_session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        summary = board_summary(session, workshop)
    response = client.chat_postMessage(
        channel=summary.channel_id, text=board_text(summary), blocks=build_board(summary)
    )
    with db.session() as session:
        set_board_ts(session, get_workshop(session, team_id, workshop_id), response["ts"])
    return response["ts"]


BOARD_EDIT_INTERVAL_S = 1.0
_refresh_lock = threading.Lock()
_refresh_again: dict[tuple[str, int], bool] = {}


def refresh_board(client: WebClient, db: Database, team_id: str, workshop_id: int) -> None:
    """Re-render the board from the database and edit it in place.

    Two renders racing could leave the older one on the board, and a burst of clicks would spend
    Slack's chat.update budget. So while one refresh of a board runs in this process, further
    calls only ask it to run once more; that run reads the database afresh. Another replica may
    still have edited the board with a newer state just before this edit landed, so after each
    edit the board's state is read again, and drawn again if it changed meanwhile: whichever
    edit comes last, it shows the latest state. Edits of one board are at least
    BOARD_EDIT_INTERVAL_S apart: under a burst of votes the board catches up once a second
    rather than being redrawn for every click.
    """
    key = (team_id, workshop_id)
    with _refresh_lock:
        if key in _refresh_again:
            _refresh_again[key] = True
            return
        _refresh_again[key] = False
    try:
        while True:
            edited_at = time.monotonic()
            drawn = _render_board(client, db, team_id, workshop_id)
            asked_again = _refresh_again[key]  # a hint; decided under the lock below
            fresh = drawn is None or (
                not asked_again and _current_summary(db, team_id, workshop_id) == drawn
            )
            # Deciding to stop and letting go of the board happen under one lock, so a request
            # made meanwhile is either seen here or starts a refresh of its own: never lost.
            with _refresh_lock:
                if fresh and not _refresh_again[key]:
                    del _refresh_again[key]
                    return
                _refresh_again[key] = False
            time.sleep(max(0.0, edited_at + BOARD_EDIT_INTERVAL_S - time.monotonic()))
    except BaseException:
        with _refresh_lock:
            _refresh_again.pop(key, None)
        raise


def _current_summary(db: Database, team_id: str, workshop_id: int) -> BoardSummary:
    with db.read_session() as session:
        return board_summary(session, get_workshop(session, team_id, workshop_id))


def _render_board(
    client: WebClient, db: Database, team_id: str, workshop_id: int
) -> BoardSummary | None:
    """Edit the board; returns the state it drew (None: it was never posted, so post it)."""
    with db.read_session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        summary = board_summary(session, workshop)
        board_ts = workshop.board_ts
    if board_ts is None:
        post_board(client, db, team_id, workshop_id)
        return None
    client.chat_update(
        channel=summary.channel_id,
        ts=board_ts,
        text=board_text(summary),
        blocks=build_board(summary),
    )
    return summary


def post_in_thread(client: WebClient, workshop: Workshop, text: str, **kwargs) -> dict | None:
    """Reply in the board's thread (or the channel, if the board was never posted)."""
    try:
        return client.chat_postMessage(
            channel=workshop.channel_id, thread_ts=workshop.board_ts, text=escape(text), **kwargs
        ).data
    except SlackApiError as error:
        logger.warning(
            "could not post in workshop %s thread (team %s): %s",
            workshop.id,
            workshop.team_id,
            error.response.get("error"),
        )
        raise
