"""Facilitator controls on the board (advance, back, skip, close, reopen) and Join."""

from __future__ import annotations

from slack_bolt import App

from bot.home.publish import refresh_homes, refresh_workshop_homes
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.mrkdwn import Mrkdwn, md, mention
from bot.slack.requests import ActionRequest
from bot.slack.values import BadValue, WorkshopValue
from bot.workshop.blocks.board import PHASE_GUIDANCE, PHASE_NAMES, PhaseValue
from bot.workshop.blocks.calls import build_join_reply
from bot.workshop.board import post_in_thread, refresh_board
from bot.workshop.calls import post_your_turn
from bot.workshop.phase_hooks import run_phase_end_hooks
from flows.board import board_summary
from flows.errors import NotFound
from flows.phase_calls import call_facts
from flows.vote_clicks import apply_workshop_clicks
from flows.workshops import (
    PhaseAction,
    PhaseChangeResult,
    change_phase,
    get_workshop,
    join_workshop,
)
from storage.models import Phase, Workshop, pk

ACTION_BY_ID = {
    ids.PHASE_ADVANCE: PhaseAction.advance,
    ids.PHASE_BACK: PhaseAction.back,
    ids.PHASE_SKIP: PhaseAction.skip,
    ids.PHASE_CLOSE: PhaseAction.close,
    ids.PHASE_REOPEN: PhaseAction.reopen,
}

VERBS = {
    PhaseAction.advance: "moved the workshop on to",
    PhaseAction.back: "took the workshop back to",
    PhaseAction.skip: "skipped ahead to",
    PhaseAction.close: "closed the workshop",
    PhaseAction.reopen: "reopened the workshop in",
}


def announcement(user_id: str, action: PhaseAction, to_phase: Phase) -> Mrkdwn:
    if action is PhaseAction.close:
        return md(":checkered_flag: {} {}.", mention(user_id), VERBS[action])
    return md(
        ":arrow_forward: {} {} *{}*.\n{}",
        mention(user_id),
        VERBS[action],
        PHASE_NAMES[to_phase],
        PHASE_GUIDANCE[to_phase],
    )


@answers_refusals("That button is out of date; use the latest board.")
def handle_phase_button(request: ActionRequest) -> None:
    """Acks once the phase change is saved (bot/slack/acks.py); the board, the announcement and the
    phase's results follow the ack."""
    value = request.value(PhaseValue)

    workshop_id, drawn_in = value.workshop_id, value.phase
    team_id, user_id, client, db = request.team_id, request.user_id, request.client, request.db

    def save() -> PhaseChangeResult:
        if drawn_in == Phase.voting:  # vote clicks answered while voting was open count
            with db.session() as session:
                apply_workshop_clicks(session, team_id, workshop_id)
        with db.session() as session:
            return change_phase(
                session,
                team_id,
                workshop_id,
                user_id,
                ACTION_BY_ID[request.action_id],
                expected_phase=drawn_in,
            )

    change = request.save_then_ack(save)

    def follow() -> None:
        refresh_board(client, db, team_id, workshop_id)
        workshop = change.workshop
        if workshop.board_ts is None:  # the refresh may just have posted or found the board
            with db.session() as session:
                workshop = get_workshop(session, team_id, workshop_id)
        post_in_thread(client, workshop, announcement(user_id, change.action, change.to_phase))
        post_your_turn(client, db, change)  # in the channel, once: the team has something to do
        run_phase_end_hooks(client, db, change, user_id)
        refresh_workshop_homes(client, db, team_id, workshop_id)

    request.after(follow)


@answers_refusals()
def handle_join(request: ActionRequest) -> None:
    """Acks once the Join is saved, like a vote (bot/slack/acks.py)."""
    try:
        workshop_id = request.value(WorkshopValue).workshop_id
    except BadValue:
        workshop_id = 0  # not found below, like any id of another workspace
    db = request.db

    def save() -> tuple[Workshop, bool, bool]:
        with db.session() as session:
            workshop = get_workshop(session, request.team_id, workshop_id)
            if workshop.phase == Phase.closed:
                return workshop, True, False
            return workshop, False, join_workshop(session, workshop, request.user_id)

    try:
        workshop, closed, joined = request.save_then_ack(save)
    except NotFound:
        request.tell("That workshop no longer exists in this workspace.")
        return
    if closed:
        request.tell("This workshop is closed.")
    elif joined:
        team_id, user_id, client = request.team_id, request.user_id, request.client
        with db.read_session() as session:  # what to do next, with its button
            current = get_workshop(session, team_id, pk(workshop))
            summary = board_summary(session, current)
            facts = call_facts(session, current, summary.phase)
        text, blocks = build_join_reply(summary, facts)
        request.tell(text, blocks=blocks)

        def follow() -> None:
            refresh_board(client, db, team_id, pk(workshop))
            refresh_homes(client, db, team_id, [user_id])

        request.after(follow)
    else:
        request.tell("You're already in this workshop.")


def register(app: App) -> None:
    for action_id in ids.PHASE_ACTIONS:
        app.action(action_id)(handle_phase_button)
    app.action(ids.JOIN_WORKSHOP)(handle_join)
