"""`/workshop kpi` (record a value), `/workshop kpi define` (a custom KPI) and `/workshop kpis`
(the KPI table and trend chart, posted in the board's thread)."""

from __future__ import annotations

from datetime import date

from slack_sdk import WebClient

from bot.kpis.blocks import (
    build_define_modal,
    build_kpi_table,
    build_record_modal,
    chart_alt_text,
    kpi_table_text,
)
from bot.kpis.chart import render_kpi_chart
from bot.slack.blocks import truncate
from bot.slack.command_call import CommandCall, Subcommand
from bot.workshop.board import upload_in_thread
from flows.kpis import kpi_choices, kpi_table
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import pk

MAX_FALLBACK_TEXT = 3000


def record_command(call: CommandCall) -> None:
    if call.args and call.args[0].lower() == "define":
        return define_command(call)
    if call.args:
        call.reply(
            f"I don't know `/workshop kpi {truncate(call.rest, 40)}`. Use `/workshop kpi` to "
            "record a value, `/workshop kpi define` to add your own KPI, `/workshop kpis` for "
            "the table and chart."
        )
        return None
    with call.db.session() as session:
        choices = kpi_choices(session, call.team_id, pk(call.workshop(session)))
    call.open_modal(build_record_modal(choices, call.channel_id, date.today()))
    return None


def define_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
    call.open_modal(build_define_modal(pk(workshop), workshop.title, call.channel_id))


def table_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop_id = pk(call.workshop(session))
    posted = post_kpi_report(call.client, call.db, call.team_id, workshop_id)
    call.reply(posted)


def post_kpi_report(client: WebClient, db: Database, team_id: str, workshop_id: int) -> str:
    """Post the KPI table in the board's thread, then the trend chart under it; returns what to
    tell the person who asked. The table is the text fallback: it is posted even when the
    chart cannot be uploaded."""
    with db.session() as session:
        table = kpi_table(session, team_id, workshop_id)
        workshop = get_workshop(session, team_id, workshop_id)
    if not table.rows:
        return (
            f"No KPI values recorded yet for workshop #{workshop_id}. Record one with "
            "`/workshop kpi`, or import a CSV file with `workshop-bot kpi import`."
        )
    client.chat_postMessage(
        channel=table.channel_id,
        thread_ts=table.board_ts,
        text=truncate(kpi_table_text(table), MAX_FALLBACK_TEXT),
        blocks=build_kpi_table(table),
    )
    failure = upload_in_thread(
        client,
        workshop,
        render_kpi_chart(table),
        f"kpis-workshop-{workshop_id}.png",
        f"KPI trends · {table.title}",
        chart_alt_text(table),
    )
    if failure is not None:
        return (
            "I posted the KPI table in the board's thread, but the chart could not be uploaded "
            f"({failure}). The table has every figure."
        )
    return "Posted the KPI table and trend chart in the board's thread."


SUBCOMMANDS: dict[str, Subcommand] = {
    "kpi": Subcommand(
        "kpi [define] [#N]",
        "Record a KPI value, typed in or computed from raw survey answers; "
        "`kpi define` adds a KPI of your own.",
        record_command,
    ),
    "kpis": Subcommand(
        "kpis [#N]",
        "Post the KPI table (latest, change, target, benchmark) and trend chart in the "
        "board's thread.",
        table_command,
    ),
}
