"""`/workshop fix`, `fixes`, `vote`, `ranking` and `actions`."""

from __future__ import annotations

from bot.fixes.posts import action_list, fix_form, fix_list, ranking_page, vote_view
from bot.slack.command_call import CommandCall, Subcommand
from flows.errors import Conflict, NotAllowed
from flows.fixes import require_proposing_open
from flows.voting import (
    NOT_A_PARTICIPANT,
    is_participant,
)
from storage.models import Phase


def fix_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        require_proposing_open(workshop)
        view = fix_form(session, workshop, title=call.rest)
    call.open_modal(view)


def fixes_command(call: CommandCall) -> None:
    with call.db.session() as session:
        blocks = fix_list(session, call.workshop(session), call.user_id)
    call.reply("Fixes", blocks=blocks)


def vote_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        if workshop.phase not in (Phase.voting, Phase.closed):
            raise Conflict(
                "Voting opens when the facilitator moves the workshop on to the voting phase; "
                f"it is in the {workshop.phase} phase."
            )
        if not is_participant(session, workshop, call.user_id):
            raise NotAllowed(NOT_A_PARTICIPANT)
        view = vote_view(session, workshop, call.user_id)
    call.open_modal(view)


def ranking_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        text, blocks = ranking_page(session, workshop, call.user_id)
    call.reply(text, blocks=blocks)


def actions_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        blocks = action_list(session, workshop, call.user_id)
    call.reply(f"Action items of workshop #{workshop.id}", blocks=blocks)


SUBCOMMANDS: dict[str, Subcommand] = {
    "fix": Subcommand("fix [title]", "Propose a fix for a gap (fixes phase).", fix_command),
    "fixes": Subcommand(
        "fixes [#N]", "The proposed fixes; edit or remove yours, merge duplicates.", fixes_command
    ),
    "vote": Subcommand("vote [#N]", "Spend your votes on the fixes (voting phase).", vote_command),
    "ranking": Subcommand(
        "ranking [#N]", "The fixes ranked by votes, once voting has closed.", ranking_command
    ),
    "actions": Subcommand(
        "actions [#N]",
        "Action items with owners and due dates; overdue ones marked.",
        actions_command,
    ),
}
