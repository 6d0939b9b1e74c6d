"""The voting view: open it (board, thread, list buttons), add or take back a vote, page.

Every click re-renders the same modal with `views.update`, using the view id and hash from the
payload; a refused vote shows why inside the view and changes nothing.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot import ids
from bot.acks import save_then_ack
from bot.after_ack import AfterAck
from bot.blocks.common import read_metadata
from bot.board import refresh_board
from bot.listeners.actions.fixes import MAX_PAGE
from bot.listeners.actions.stakeholders import parse_id
from bot.replies import open_modal, report_failure, tell_user
from bot.voting import ranking_page, update_vote_view, vote_view
from flows.errors import Conflict, FlowError, NotAllowed
from flows.voting import NOT_A_PARTICIPANT, change_vote, is_participant
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import Phase

logger = logging.getLogger(__name__)


def parse_vote_value(value: str) -> tuple[int, int, int]:
    """ "12|0|1": fix 12, from the count shown (0) to the count wanted (1)."""
    fix_id, shown, wanted = (int(part) for part in value.split("|"))
    return fix_id, shown, wanted


def handle_open(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    db: Database = context["db"]

    def build() -> View:
        with db.session() as session:
            workshop = get_workshop(session, context.team_id, int(action.get("value", "")))
            if workshop.phase not in (Phase.voting, Phase.closed):
                raise Conflict(
                    "Voting opens when the facilitator moves the workshop on to the voting phase."
                )
            if not is_participant(session, workshop, context.user_id):
                raise NotAllowed(NOT_A_PARTICIPANT)
            return vote_view(session, workshop, context.user_id)

    open_modal(client, body, respond, build)


def handle_vote(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    """Acks once the vote is saved (bot/acks.py), so an acknowledged vote is never lost, even if
    this process dies right after; the view and the board follow the ack."""
    db: Database = context["db"]
    view = body.get("view") or {}
    state = read_metadata(view.get("private_metadata"))
    try:
        workshop_id, page = int(state["workshop_id"]), int(state.get("page", 0))
        fix_id, shown, wanted = parse_vote_value(action.get("value", ""))
    except (KeyError, TypeError, ValueError):
        ack()
        logger.warning("malformed vote from %s: %r", context.user_id, action.get("value"))
        return

    def save() -> bool:
        with db.session() as session:
            return change_vote(
                session, context.team_id, workshop_id, context.user_id, fix_id, shown, wanted
            ).changed

    notice = None
    changed = False
    try:
        changed = save_then_ack(ack, context, save)
    except FlowError as error:
        notice = str(error)
    team_id, user_id = context.team_id, context.user_id

    def redraw_view() -> None:
        update_vote_view(client, db, team_id, user_id, workshop_id, page, view, notice)

    after_ack: AfterAck = context["after_ack"]
    view_key = ("vote view", team_id, user_id, view.get("id"))  # never another user's redraw
    after_ack.run(view_key, redraw_view, report_failure(client, body))
    if changed:
        after_ack.run(
            ("board", team_id, workshop_id),
            lambda: refresh_board(client, db, team_id, workshop_id),
        )


def handle_page(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    ack()
    view = body.get("view") or {}
    try:
        workshop_id = int(read_metadata(view.get("private_metadata"))["workshop_id"])
        page = int(action.get("value", ""))
    except (KeyError, TypeError, ValueError):
        return
    try:
        update_vote_view(
            client, context["db"], context.team_id, context.user_id, workshop_id, page, view
        )
    except FlowError as error:
        tell_user(client, body, str(error))


def handle_ranking_page(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    """Previous / Next under `/workshop ranking`: the ranking is replaced by the page asked for."""
    ack()
    db: Database = context["db"]
    value = action.get("value")
    try:
        raw_workshop, _, raw_page = (value if isinstance(value, str) else "").partition("|")
        with db.read_session() as session:
            workshop = get_workshop(session, context.team_id, parse_id(raw_workshop))
            text, blocks = ranking_page(
                session, workshop, context.user_id, parse_id(raw_page, 0, MAX_PAGE)
            )
    except ValueError:
        tell_user(client, body, "That button is out of date; run `/workshop ranking`.", respond)
        return
    except FlowError as error:
        tell_user(client, body, str(error), respond)
        return
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)


def register(app: App) -> None:
    app.action(ids.VOTE_OPEN)(handle_open)
    app.action(ids.VOTE_ADD)(handle_vote)
    app.action(ids.VOTE_REMOVE)(handle_vote)
    app.action(ids.VOTE_PAGE_PREVIOUS)(handle_page)
    app.action(ids.VOTE_PAGE_NEXT)(handle_page)
    app.action(ids.RANKING_PREVIOUS)(handle_ranking_page)
    app.action(ids.RANKING_NEXT)(handle_ranking_page)
