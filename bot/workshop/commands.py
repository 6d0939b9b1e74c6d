"""`/workshop <subcommand> [args] [#N]`: one slash command, dispatched by its first word.

Each feature keeps its subcommands in its own `commands.py` and names them in its Feature; the
dispatch and the help text both read bot/features.py's table, so every command that works is
listed and every listed command works.
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.features import subcommands
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.command_call import CommandCall, Subcommand, parse_command_text
from bot.slack.mrkdwn import md
from bot.slack.requests import CommandRequest
from bot.workshop.blocks.progress import build_personal_status, done_and_left
from bot.workshop.blocks.replies import build_help, build_now, build_workshop_list
from bot.workshop.blocks.setup import build_setup_modal
from bot.workshop.board import refresh_board
from flows.board import board_summary
from flows.journey_templates import template_choices
from flows.personal_progress import personal_progress
from flows.workshops import channel_workshops
from storage.models import Phase, pk

logger = logging.getLogger(__name__)


def bot_can_post_in(client: WebClient, channel_id: str) -> bool:
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        if error.response.get("error") == "channel_not_found":
            return False  # a private channel the bot was never invited to
        raise
    return bool(channel.get("is_member"))


NOT_A_CHANNEL = (
    "Workshops run in channels, where the whole team can see the board. "
    "Open the channel your team works in and run the command there."
)
NOT_IN_CHANNEL = (
    "I'm not a member of this channel yet, so I can't run a workshop here. "
    "Invite me with `/invite @Journey Workshop` (or mention me and pick *Invite*), "
    "then run the command again."
)


def is_dm(command: dict) -> bool:
    """A direct or group DM, where a workshop board would have no team to see it."""
    name = command.get("channel_name") or ""
    return (
        command["channel_id"].startswith("D") or name == "directmessage" or name.startswith("mpdm-")
    )


def new_workshop(call: CommandCall) -> None:
    title = " ".join(call.args)
    with call.db.read_session() as session:
        choices = template_choices(session, call.team_id)
    call.open_modal(build_setup_modal(call.channel_id, title, choices))


def help_command(call: CommandCall) -> None:
    call.reply("How to run a workshop", blocks=build_help(subcommands()))


def now_command(call: CommandCall) -> None:
    """`/workshop` alone: what you can do now in this channel."""
    with call.db.session() as session:
        workshops = channel_workshops(session, call.team_id, call.channel_id)
        open_ones = [w for w in workshops if w.phase != Phase.closed]
        if open_ones:
            workshop = open_ones[0]
            summary = board_summary(session, workshop)
            progress = personal_progress(session, workshop, call.user_id)
            text = md("Workshop #{}: {}", summary.workshop_id, done_and_left(progress))
        else:
            summary, progress, text = None, None, md("No open workshop in this channel yet.")
    call.reply(text, blocks=build_now(subcommands(), summary, progress))


def list_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshops = channel_workshops(session, call.team_id, call.channel_id)
    call.reply("Workshops in this channel", blocks=build_workshop_list(workshops))


def status_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        summary = board_summary(session, workshop)
        progress = personal_progress(session, workshop, call.user_id)
    call.reply(
        md("Workshop #{}: {}", summary.workshop_id, done_and_left(progress)),
        blocks=build_personal_status(summary, progress),
    )


def board_command(call: CommandCall) -> None:
    """Post the board if it was never posted (after looking for one Slack never confirmed), or
    redraw it."""
    with call.db.read_session() as session:
        workshop = call.workshop(session)
        workshop_id, channel_id = pk(workshop), workshop.channel_id
    refresh_board(call.client, call.db, call.team_id, workshop_id)
    call.reply(f"The board of workshop #{workshop_id} is in <#{channel_id}>.")


SUBCOMMANDS: dict[str, Subcommand] = {
    "new": Subcommand("new [title]", "Start a workshop in this channel.", new_workshop),
    "list": Subcommand("list", "The workshops in this channel and their phase.", list_command),
    "status": Subcommand(
        "status [#N]", "Your progress: what you've done, what's left, what's next.", status_command
    ),
    "board": Subcommand(
        "board [#N]", "Post the board if it is missing, or redraw it.", board_command
    ),
}
HELP = Subcommand("help", "This list.", help_command, needs_channel=False)  # listed last
NOW = Subcommand("", "What you can do now in this channel.", now_command)  # `/workshop` alone


@answers_refusals()
def handle_workshop_command(request: CommandRequest) -> None:
    request.ack()
    command = request.command
    name, args, number = parse_command_text(command.get("text", ""))
    table = subcommands()
    subcommand = table.get(name)
    if not (command.get("text") or "").strip() and not is_dm(command):
        subcommand = NOW  # in a channel, `/workshop` alone: what you can do here now
    if subcommand is None:
        request.respond(
            text=md("I don't know `/workshop {}`. Here is what I can do:", name),
            blocks=build_help(table, unknown=name),
            response_type="ephemeral",
        )
        return
    call = CommandCall(
        team_id=request.context.team_id or command["team_id"],
        channel_id=command["channel_id"],
        user_id=command["user_id"],
        trigger_id=command["trigger_id"],
        args=args,
        number=number,
        client=request.client,
        respond=request.respond,
        db=request.db,
    )
    if subcommand.needs_channel and is_dm(command):
        call.reply(NOT_A_CHANNEL)
        return
    if subcommand.needs_channel and not bot_can_post_in(request.client, call.channel_id):
        call.reply(NOT_IN_CHANNEL)
        return
    subcommand.handler(call)


def register(app: App) -> None:
    app.command(ids.COMMAND)(handle_workshop_command)
