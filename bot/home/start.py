"""Starting a workshop from the Home tab: a one-question form (which channel?), then the setup
form `/workshop new` opens, in place."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.home.blocks import build_start_channel_modal
from bot.slack import ids
from bot.slack.view_state import state_values
from bot.workshop.blocks.setup import build_setup_modal
from bot.workshop.commands import bot_can_post_in

NOT_A_MEMBER = (
    "I'm not in that channel yet: invite me there with /invite @Journey Workshop, "
    "then pick it again."
)


def handle_start(ack: Ack, body: dict, client: WebClient) -> None:
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=build_start_channel_modal())


def picked_channel(view: dict) -> str | None:
    value = state_values(view).get(ids.START_CHANNEL, {}).get(ids.INPUT, {})
    return value.get("selected_conversation") or None


def handle_channel_picked(ack: Ack, view: dict, client: WebClient) -> None:
    """Checks the bot can post there (inline error if not), then shows the setup form."""
    channel_id = picked_channel(view)
    if not channel_id or channel_id.startswith("D"):
        ack(
            response_action="errors",
            errors={
                ids.START_CHANNEL: "Pick a channel: workshops run where the team can see them."
            },
        )
        return
    if not bot_can_post_in(client, channel_id):
        ack(response_action="errors", errors={ids.START_CHANNEL: NOT_A_MEMBER})
        return
    ack(response_action="update", view=build_setup_modal(channel_id))


def register(app: App) -> None:
    app.action(ids.HOME_START_WORKSHOP)(handle_start)
    app.view(ids.START_CHANNEL_MODAL)(handle_channel_picked)
