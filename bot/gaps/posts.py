"""Gap rating on Slack: opening the rating form, nudging, opening rounds, and posting the
results (chart and table) in the board's thread. Buttons and commands share these."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.posts import post_channel_results, read_channel_results
from bot.customers.blocks import build_blind_spots_section
from bot.emotions.posts import post_emotion_curve
from bot.gaps.blocks import (
    build_nudge_dm,
    build_rating_done,
    build_rating_modal,
    build_results_message,
    build_results_table,
    no_ratings_text,
    nudge_summary,
    results_text,
    round_opened_text,
)
from bot.gaps.chart import chart_alt_text, render_gap_chart
from bot.personas.posts import persona_picker, post_persona_results
from bot.slack.blocks import md
from bot.workshop.board import post_in_thread, refresh_board, upload_in_thread
from flows.customers.reports import customer_report
from flows.emotions import emotion_lines, with_curve
from flows.gaps.form import rating_sheet
from flows.gaps.nudges import plan_nudges
from flows.gaps.progress import rating_progress
from flows.gaps.results import GapResults, gap_results
from flows.gaps.rounds import RoundOpened, open_rating_round
from flows.personas import persona_results
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import Phase, Workshop, pk

logger = logging.getLogger(__name__)


def open_rating_form(
    client: WebClient, db: Database, team_id: str, user_id: str, workshop_id: int, trigger_id: str
) -> None:
    """Open the rating form on the rater's first page with something left to rate; once all is
    rated, on their progress (from where any page can be changed and details added). In a
    workshop with personas, the rater first picks the persona they rate for, once."""
    with db.session() as session:
        sheet = rating_sheet(session, team_id, workshop_id, user_id)
        picker = persona_picker(session, sheet.workshop_id, team_id, user_id)
    view = build_rating_modal(sheet) if sheet.first_unrated_page is not None else None
    client.views_open(trigger_id=trigger_id, view=picker or view or build_rating_done(sheet))


def send_nudges(
    client: WebClient, db: Database, team_id: str, user_id: str, workshop_id: int
) -> str:
    """DM every participant who has not rated this round; returns what to tell the facilitator."""
    with db.session() as session:
        plan = plan_nudges(session, team_id, workshop_id, user_id)
    workshop = plan.workshop
    blocks = build_nudge_dm(
        pk(workshop), workshop.title, workshop.channel_id, plan.round, facilitator_id=user_id
    )
    sent, failed = 0, []
    for participant in plan.to_nudge:
        try:
            client.chat_postMessage(
                channel=participant,
                text=md(
                    "Please rate the touchpoints of “{}” (round {}).", workshop.title, plan.round
                ),
                blocks=blocks,
            )
            sent += 1
        except SlackApiError as error:
            failed.append(participant)
            logger.warning(
                "nudge DM to %s failed (workshop %s, team %s): %s",
                participant,
                workshop.id,
                team_id,
                error.response.get("error"),
            )
    return nudge_summary(plan, sent, failed)


def open_next_round(
    client: WebClient,
    db: Database,
    team_id: str,
    user_id: str,
    workshop_id: int,
    expected_round: int | None = None,
) -> RoundOpened:
    with db.session() as session:
        opened = open_rating_round(session, team_id, workshop_id, user_id, expected_round)
        touchpoints = rating_progress(session, opened.workshop).touchpoints
    refresh_board(client, db, team_id, workshop_id)
    post_in_thread(client, opened.workshop, round_opened_text(opened, user_id, touchpoints))
    return opened


def post_gap_results(client: WebClient, db: Database, team_id: str, workshop_id: int) -> GapResults:
    """Post the journey gap chart (with its feeling panel while the emotion curve is in use), the
    results in words and then the full table in the board's thread.

    The results always go out, so a failed upload (a missing files:write scope, a Slack outage)
    still leaves the team with the results in text.
    """
    with db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        results = with_curve(session, workshop, gap_results(session, workshop))
        by_channel = read_channel_results(session, workshop)
        by_persona = persona_results(session, workshop)
        curve = results.curve  # None while the lane is off or without feelings this round
        lines = emotion_lines(session, workshop) if curve is not None else None
        blind_spots = build_blind_spots_section(customer_report(session, team_id, workshop_id))
    if not results.has_ratings:
        post_in_thread(client, workshop, no_ratings_text(results))
        return results
    _upload_chart(client, workshop, results)
    post_in_thread(
        client,
        workshop,
        results_text(results),
        blocks=build_results_message(
            results, can_open_round=workshop.phase != Phase.closed, blind_spots=blind_spots
        ),
    )
    post_in_thread(
        client,
        workshop,
        md("Full table of the journey gaps, round {}", results.round),
        blocks=build_results_table(results),
    )
    post_persona_results(client, workshop, by_persona)
    post_emotion_curve(client, workshop, curve, lines)
    post_channel_results(client, workshop, by_channel)
    return results


def _upload_chart(client: WebClient, workshop: Workshop, results: GapResults) -> None:
    upload_in_thread(
        client,
        workshop,
        render_gap_chart(results),
        f"journey-gaps-{workshop.id}-round-{results.round}.png",
        f"Journey gaps, round {results.round}",
        chart_alt_text(results),
        initial_comment=f":bar_chart: Journey gap chart, round {results.round}"
        + (f" against {results.previous_words}" if results.previous_words else ""),
    )
