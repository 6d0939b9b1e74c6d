"""`/workshop stakeholder add | rate | list` and `/workshop stakeholders` (or `grid`)."""

from __future__ import annotations

from bot.slack.command_call import CommandCall, Subcommand
from bot.slack.mrkdwn import link as link_to
from bot.slack.mrkdwn import md
from bot.slack.permalinks import message_permalink
from bot.stakeholders.blocks import (
    LIST_PAGE_SIZE,
    RATING_PAGE_SIZE,
    build_rating_modal,
    build_stakeholder_list,
    build_stakeholder_modal,
)
from bot.stakeholders.posts import post_stakeholder_grid
from flows.stakeholders import add_form, list_stakeholders, rating_page
from storage.models import pk

STAKEHOLDER_USAGE = (
    "Try `/workshop stakeholder add` (add one), `/workshop stakeholder rate` (rate them all) "
    "or `/workshop stakeholder list` (see them, edit or remove yours)."
)
NOTHING_TO_RATE = (
    "There are no stakeholders to rate yet. Add the first with `/workshop stakeholder add` "
    "or the board's *Add stakeholder* button."
)


def stakeholder_command(call: CommandCall) -> None:
    action = call.args[0].lower() if call.args else ""
    handler = {"add": open_add_form, "rate": open_rating_form, "list": show_list}.get(action)
    if handler is None:
        call.reply(STAKEHOLDER_USAGE)
        return
    handler(call)


def open_add_form(call: CommandCall) -> None:
    with call.db.session() as session:
        form = add_form(session, call.team_id, pk(call.workshop(session)))
    call.open_modal(build_stakeholder_modal(form))


def open_rating_form(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop_id = pk(call.workshop(session))
        page = rating_page(session, call.team_id, workshop_id, call.user_id, size=RATING_PAGE_SIZE)
    if not page.items:
        call.reply(NOTHING_TO_RATE)
        return
    call.open_modal(build_rating_modal(page))


def show_list(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop_id = pk(call.workshop(session))
        listing = list_stakeholders(
            session, call.team_id, workshop_id, call.user_id, limit=LIST_PAGE_SIZE
        )
    call.reply(f"Stakeholders of workshop #{workshop_id}", blocks=build_stakeholder_list(listing))


def grid_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop_id = pk(call.workshop(session))
    posted = post_stakeholder_grid(call.client, call.db, call.team_id, workshop_id)
    link = message_permalink(call.client, posted.channel_id, posted.message_ts)
    what = "the stakeholder grid" if posted.stakeholders else "that there are no stakeholders yet"
    # Without a link (Slack gave none), the words alone say where to look.
    where = md(": {}.", link_to(link, "have a look")) if link else "."
    call.reply(md("I posted {} in the thread of workshop #{}'s board{}", what, workshop_id, where))


SUBCOMMANDS: dict[str, Subcommand] = {
    "stakeholder": Subcommand(
        "stakeholder add | rate | list [#N]",
        "Add a stakeholder, rate them all, or list them to edit or remove yours.",
        stakeholder_command,
    ),
    "stakeholders": Subcommand(
        "stakeholders [#N]",
        "Post the stakeholder grid (chart and list) in the board's thread.",
        grid_command,
    ),
    "grid": Subcommand("grid [#N]", "The same as `stakeholders`.", grid_command),
}
