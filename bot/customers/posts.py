"""Posting the customers' report (blind spots, side-by-side table, changes) and its chart in the
board's thread. The table is the text fallback: it goes out even when the chart cannot."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.customers.blocks import build_customer_report, no_answers_text, report_text
from bot.customers.chart import chart_alt_text, render_customer_chart
from bot.workshop.board import post_in_thread, upload_in_thread
from flows.customers.reports import customer_report
from flows.workshops import get_workshop
from storage.db import Database


def post_customer_report(client: WebClient, db: Database, team_id: str, workshop_id: int) -> str:
    """Post the report in the board's thread; returns what to tell the person who asked."""
    with db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        report = customer_report(session, team_id, workshop_id)
    if not report.has_answers:
        return no_answers_text(workshop_id)
    post_in_thread(client, workshop, report_text(report), blocks=build_customer_report(report))
    failure = upload_in_thread(
        client,
        workshop,
        render_customer_chart(report),
        f"team-vs-customers-{workshop_id}.png",
        f"Team against customers · {report.title}",
        chart_alt_text(report),
    )
    if failure is not None:
        return (
            "I posted the customers' figures in the board's thread, but the chart could not be "
            f"uploaded ({failure}). The table has every figure."
        )
    return (
        "Posted the customers' figures and the team-against-customers chart in the board's thread."
    )
