"""The voting view: open it (board, thread, list buttons), add or take back a vote, page.

Every click re-renders the same modal with `views.update`, using the view id and hash from the
payload; a refused vote shows why inside the view and changes nothing.
"""

from __future__ import annotations

import logging
import uuid

from slack_bolt import App
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.fixes.blocks.voting import VoteMetadata, VoteValue
from bot.fixes.posts import ranking_page, update_vote_view, vote_view
from bot.slack import ids
from bot.slack.answers import answers_refusals, takes_request
from bot.slack.list_pages import page_listener
from bot.slack.openers import modal_opener
from bot.slack.requests import ActionRequest
from bot.slack.values import BadValue, PageNumber, WorkshopValue
from bot.workshop.board import refresh_board
from flows.errors import Conflict, FlowError, NotAllowed
from flows.vote_clicks import Click, ClickOutcome, apply_clicks, click_key, record_click
from flows.voting import NOT_A_PARTICIPANT, is_participant
from flows.workshops import get_workshop
from storage.db import Database, lock_waits_limited
from storage.models import Phase

logger = logging.getLogger(__name__)

# Applying waits for the voter's locks after the ack; a click still waiting after this long is
# left to the sweeper (bot/vote_sweeper.py), so held locks cannot tie up the listener threads.
APPLY_LOCK_WAIT_S = 10.0
NOT_COUNTED_YET = (
    "Your vote is saved and will be counted in a moment: open the voting view again to see it."
)


def _voting_view(session: Session, click: ActionRequest) -> View:
    workshop = get_workshop(session, click.team_id, click.value(WorkshopValue).workshop_id)
    if workshop.phase not in (Phase.voting, Phase.closed):
        raise Conflict(
            "Voting opens when the facilitator moves the workshop on to the voting phase."
        )
    if not is_participant(session, workshop, click.user_id):
        raise NotAllowed(NOT_A_PARTICIPANT)
    return vote_view(session, workshop, click.user_id)


handle_open = modal_opener(_voting_view)


@takes_request
def handle_vote(request: ActionRequest) -> None:
    """Acks once the click is journaled (flows/vote_clicks.py), which no lock on the voter's
    ballot can delay, so an acknowledged vote is never lost, even if this process dies right
    after; then applies it, and the view and the board follow."""
    view = request.view
    state = VoteMetadata.read(view)
    workshop_id, page = state.workshop_id, state.page or 0
    try:
        vote = request.value(VoteValue)
    except BadValue:
        vote = None
    if workshop_id is None or vote is None:
        request.ack()
        logger.warning("malformed vote from %s: %r", request.user_id, request.action.get("value"))
        return
    client, db, team_id, user_id = request.client, request.db, request.team_id, request.user_id
    click = Click(team_id, workshop_id, user_id, vote.fix_id, vote.shown, vote.wanted)
    try:
        with db.session() as session:
            key = delivery_key(request.body, request.action, user_id)
            click_id = record_click(session, click, key)
    except FlowError as error:  # no button of ours sends such a click: nothing to save
        request.ack()
        outcome: ClickOutcome | None = ClickOutcome(changed=False, refusal=str(error))
    else:
        request.ack()  # the click is saved, or a copy of it was handled already
        outcome = (
            apply_click(db, click, click_id)
            if click_id is not None
            else ClickOutcome(changed=False, refusal=None)
        )

    def redraw_view() -> None:
        notice = outcome.refusal if outcome else NOT_COUNTED_YET
        update_vote_view(client, db, team_id, user_id, workshop_id, page, view, notice)

    view_key = ("vote view", team_id, user_id, view.get("id"))  # never another user's redraw
    request.after(redraw_view, view_key)
    if outcome and outcome.changed:
        # Coalesced by the board itself (bot/workshop/board.refresh_board).
        request.after_ack.run(None, lambda: refresh_board(client, db, team_id, workshop_id))


def delivery_key(body: dict, action: dict, user_id: str) -> str:
    """What names this delivery of the click: Slack's trigger id and action_ts (a copy of the
    request repeats both; another click never does)."""
    trigger, action_ts = body.get("trigger_id"), action.get("action_ts")
    if not trigger and not action_ts:
        return uuid.uuid4().hex  # nothing to recognise a copy by: compare-and-set still holds
    return click_key(trigger, action_ts, user_id)


def apply_click(db: Database, click: Click, click_id: int) -> ClickOutcome | None:
    """Apply the journaled click now; None if that failed (the sweeper applies it later)."""
    try:
        with lock_waits_limited(APPLY_LOCK_WAIT_S), db.session() as session:
            return apply_clicks(session, click.team_id, click.workshop_id, click.voter_id, click_id)
    except Exception:
        logger.exception(
            "vote click %s of %s not applied yet (team %s); the sweeper applies it",
            click_id,
            click.voter_id,
            click.team_id,
        )
        return None


@answers_refusals()
def handle_page(request: ActionRequest) -> None:
    request.ack()
    view = request.view
    workshop_id = VoteMetadata.read(view).workshop_id
    try:
        page = request.value(PageNumber).page
    except BadValue:
        return
    if workshop_id is None:
        return
    update_vote_view(
        request.client, request.db, request.team_id, request.user_id, workshop_id, page, view
    )


handle_ranking_page = page_listener(
    ranking_page, "That button is out of date; run `/workshop ranking`."
)


def register(app: App) -> None:
    app.action(ids.VOTE_OPEN)(handle_open)
    app.action(ids.VOTE_ADD)(handle_vote)
    app.action(ids.VOTE_REMOVE)(handle_vote)
    app.action(ids.VOTE_PAGE_PREVIOUS)(handle_page)
    app.action(ids.VOTE_PAGE_NEXT)(handle_page)
    app.action(ids.RANKING_PREVIOUS)(handle_ranking_page)
    app.action(ids.RANKING_NEXT)(handle_ranking_page)
