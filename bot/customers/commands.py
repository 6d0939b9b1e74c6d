"""`/workshop customers` (paste customers' answers: facilitators) and `/workshop customers show`
(the blind spots, the side-by-side table and the chart, in the board's thread)."""

from __future__ import annotations

from bot.customers.blocks import (
    build_fixes_by_customer_gap,
    build_import_modal,
    fixes_by_customer_gap_text,
)
from bot.customers.posts import post_customer_report
from bot.slack.blocks import truncate
from bot.slack.command_call import CommandCall, Subcommand
from bot.workshop.board import post_in_thread
from flows.customers.fixes import fixes_by_customer_gap
from flows.errors import FlowError
from flows.workshops import require_facilitator
from storage.models import pk


def customers_command(call: CommandCall) -> None:
    if call.args and call.args[0].lower() == "fixes":
        call.reply(post_fixes_by_customer_gap(call))
        return
    if call.args and call.args[0].lower() == "show":
        with call.db.session() as session:
            workshop_id = pk(call.workshop(session))
        call.reply(post_customer_report(call.client, call.db, call.team_id, workshop_id))
        return
    if call.args:
        call.reply(
            f"I don't know `/workshop customers {truncate(call.rest, 40)}`. Use "
            "`/workshop customers` to paste customers' survey answers, `/workshop customers "
            "show` for the blind spots and the team-against-customers chart, `/workshop "
            "customers fixes` for the fixes ranked by the customers' gap."
        )
        return
    try:
        with call.db.session() as session:
            workshop = call.workshop(session)
            require_facilitator(session, workshop, call.user_id, "import customers' answers")
    except FlowError as error:
        call.reply(str(error))
        return
    call.open_modal(build_import_modal(pk(workshop), workshop.title, call.channel_id))


def post_fixes_by_customer_gap(call: CommandCall) -> str:
    """Facilitators choose to show the team the fixes ranked by the customers' gap, in the
    board's thread; returns what to tell them."""
    try:
        with call.db.session() as session:
            workshop = call.workshop(session)
            require_facilitator(
                session, workshop, call.user_id, "rank the fixes by the customers' gap"
            )
            ranked = fixes_by_customer_gap(session, workshop)
    except FlowError as error:
        return str(error)
    post_in_thread(
        call.client,
        workshop,
        fixes_by_customer_gap_text(workshop.title, ranked),
        blocks=build_fixes_by_customer_gap(workshop.title, ranked),
    )
    return "Posted the fixes ranked by the customers' gap in the board's thread."


SUBCOMMANDS: dict[str, Subcommand] = {
    "customers": Subcommand(
        "customers [show|fixes] [#N]",
        "Paste customers' survey answers (facilitators); `customers show` posts where the "
        "team's view of customers is wrong (blind spots) and the team-against-customers chart; "
        "`customers fixes` (facilitators) posts the fixes ranked by the customers' gap.",
        customers_command,
    ),
}
