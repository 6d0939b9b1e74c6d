"""Posting the "your turn" message in the channel once per phase change (flows/phase_calls.py)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.slack.retries import outcome_unknown
from bot.workshop.blocks.calls import build_your_turn
from flows.board import board_summary
from flows.phase_calls import (
    call_facts,
    claim_phase_call,
    phase_call_posted,
    release_phase_call,
)
from flows.workshops import PhaseChangeResult, get_workshop
from storage.db import Database

logger = logging.getLogger(__name__)


def post_your_turn(client: WebClient, db: Database, change: PhaseChangeResult) -> str | None:
    """Post the call for `change` in the workshop's channel, if it calls the team and nobody
    has claimed it yet. Returns the message's ts, or None when nothing was posted. Never
    raises for Slack's sake: the phase change stands without its call."""
    workshop = change.workshop
    team_id, workshop_id = workshop.team_id, workshop.id
    if change.change_id is None or workshop_id is None:
        return None
    with db.session() as session:
        call_id = claim_phase_call(session, team_id, change.change_id)
    if call_id is None:
        return None
    with db.read_session() as session:
        current = get_workshop(session, team_id, workshop_id)
        if current.phase != change.to_phase:  # moved on meanwhile: this call would mislead
            return None
        summary = board_summary(session, current)
        facts = call_facts(session, current, change.to_phase)
    text, blocks = build_your_turn(summary, facts)
    try:
        response = client.chat_postMessage(channel=summary.channel_id, text=text, blocks=blocks)
    except Exception as error:
        unknown = outcome_unknown(error)
        logger.warning(
            "your-turn call of workshop %s (team %s) %s: %r",
            workshop_id,
            team_id,
            "may or may not be posted" if unknown else "not posted",
            error,
        )
        if not unknown:
            with db.session() as session:
                release_phase_call(session, team_id, call_id)
        return None
    with db.session() as session:
        phase_call_posted(session, team_id, call_id, response["ts"])
    return response["ts"]
