"""Stakeholder mapping on the Slack side: posting the grid (chart and text) in the board's
thread, on demand and when the facilitator moves on from the stakeholders phase, and the
follow-up after a change (refresh the board, tell the user privately)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.slack.blocks import md
from bot.slack.replies import tell_privately
from bot.stakeholders.blocks import build_grid_message, grid_message_text
from bot.stakeholders.chart import grid_alt_text, render_stakeholder_grid
from bot.workshop.board import post_in_thread, refresh_board, upload_in_thread
from flows.stakeholders import stakeholder_grid
from flows.workshops import get_workshop
from storage.db import Database


@dataclass(frozen=True)
class PostedGrid:
    channel_id: str
    message_ts: str  # the text version, in the board's thread
    chart_uploaded: bool
    stakeholders: int


def post_stakeholder_grid(
    client: WebClient, db: Database, team_id: str, workshop_id: int
) -> PostedGrid:
    """Upload the chart (when anyone has been rated) and post the text version, both in the
    board's thread. A failed upload is logged and noted under the text, which always goes out."""
    with db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        result = stakeholder_grid(session, team_id, workshop_id)
    png = render_stakeholder_grid(result)
    note = None
    if png is not None:
        failure = upload_in_thread(
            client,
            workshop,
            png,
            f"stakeholder-grid-workshop-{workshop.id}.png",
            f"Stakeholder grid: {result.title}",
            grid_alt_text(result),
            initial_comment=md("Stakeholder grid for “{}”", result.title),
        )
        if failure is not None:
            note = f":warning: I couldn't upload the chart ({failure}); the list above has it all."
    posted = post_in_thread(
        client, workshop, grid_message_text(result), blocks=build_grid_message(result, note)
    )
    return PostedGrid(
        workshop.channel_id,
        posted["ts"],
        png is not None and note is None,
        len(result.stakeholders),
    )


def after_change(
    client: WebClient,
    db: Database,
    team_id: str,
    workshop_id: int,
    user_id: str,
    text: str,
    refresh: bool = True,
) -> None:
    """Refresh the board (its figures changed) and tell the user, privately in the workshop's
    channel, what happened: a modal that just closed says nothing by itself."""
    if refresh:
        refresh_board(client, db, team_id, workshop_id)
    with db.session() as session:
        channel_id = get_workshop(session, team_id, workshop_id).channel_id
    tell_privately(client, user_id, channel_id, text)
