"""`/workshop channels`: the form that sets each touchpoint's channel (facilitators)."""

from __future__ import annotations

from bot.channels.blocks import build_channels_modal
from bot.slack.command_call import CommandCall, Subcommand
from flows.channels import touchpoint_channels
from flows.workshops import require_facilitator


def channels_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        require_facilitator(session, workshop, call.user_id, "set the touchpoints' channels")
        items = touchpoint_channels(session, workshop)
        assert workshop.id is not None  # a stored workshop
        view = build_channels_modal(workshop.id, workshop.title, call.channel_id, items)
    call.open_modal(view)


SUBCOMMANDS: dict[str, Subcommand] = {
    "channels": Subcommand(
        "channels [#N]",
        "Set the channel of each touchpoint (web, app, store…) for results per channel "
        "(facilitators).",
        channels_command,
    ),
}
