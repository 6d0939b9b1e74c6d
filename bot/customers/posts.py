"""Posting the customers' report (blind spots, side-by-side table, changes) and its chart in the
board's thread. The table is the text fallback: it goes out even when the chart cannot."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.customers.blocks import build_customer_report, no_answers_text, report_text
from bot.customers.chart import chart_alt_text, render_customer_chart
from bot.slack.blocks import truncate
from bot.workshop.board import post_in_thread
from flows.customers.reports import customer_report
from flows.workshops import get_workshop
from storage.db import Database

logger = logging.getLogger(__name__)
MAX_ALT_TEXT = 1000  # files.getUploadURLExternal refuses longer alt text


def post_customer_report(client: WebClient, db: Database, team_id: str, workshop_id: int) -> str:
    """Post the report in the board's thread; returns what to tell the person who asked."""
    with db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        report = customer_report(session, team_id, workshop_id)
    if not report.has_answers:
        return no_answers_text(workshop_id)
    post_in_thread(client, workshop, report_text(report), blocks=build_customer_report(report))
    try:
        client.files_upload_v2(
            channel=workshop.channel_id,
            thread_ts=workshop.board_ts,
            content=render_customer_chart(report),
            filename=f"team-vs-customers-{workshop_id}.png",
            title=f"Team against customers · {report.title}",
            alt_txt=truncate(chart_alt_text(report), MAX_ALT_TEXT),
        )
    except SlackClientError as error:
        detail = error.response.get("error") if isinstance(error, SlackApiError) else str(error)
        logger.warning(
            "customer chart of workshop %s (team %s) not uploaded: %s", workshop_id, team_id, detail
        )
        return (
            "I posted the customers' figures in the board's thread, but the chart could not be "
            f"uploaded ({detail}). The table has every figure."
        )
    return (
        "Posted the customers' figures and the team-against-customers chart in the board's thread."
    )
