""" "Create action items" (results post, `/workshop actions`) and the status buttons in an
owner's DM."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot import ids
from bot.acks import save_then_ack
from bot.blocks.action_items import (
    STATUS_NAMES,
    build_owner_dm,
    build_pick_modal,
    not_the_owner_text,
    owner_dm_text,
)
from bot.blocks.mrkdwn import md, mention
from bot.board import post_in_thread
from bot.home import refresh_homes
from bot.replies import open_modal, tell_user
from flows.actions import (
    DEFAULT_TOP_N,
    NotTheOwner,
    StatusChange,
    set_action_status,
    workshop_for_action_items,
)
from flows.errors import FlowError
from flows.voting import ranked_fixes
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import ActionStatus, Workshop


def handle_create(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    db: Database = context["db"]

    def build() -> View:
        with db.session() as session:
            workshop = workshop_for_action_items(
                session, context.team_id, int(action.get("value", "")), context.user_id
            )
            return build_pick_modal(workshop.id, ranked_fixes(session, workshop), DEFAULT_TOP_N)

    open_modal(client, body, respond, build)


def parse_status_value(value: str) -> tuple[int, ActionStatus]:
    """ "7|in_progress": the item and the status to set (setting it twice changes nothing)."""
    item_id, _, status = value.partition("|")
    return int(item_id), ActionStatus(status)


def handle_status(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    """Acks once the status is saved (bot/acks.py); the DM and the thread follow the ack."""
    db: Database = context["db"]
    try:
        item_id, status = parse_status_value(action.get("value", ""))
    except ValueError:
        ack()
        tell_user(client, body, "That button is out of date.", respond)
        return

    def save() -> tuple[StatusChange, Workshop]:
        with db.session() as session:
            change = set_action_status(session, context.team_id, item_id, context.user_id, status)
            return change, get_workshop(session, context.team_id, change.item.workshop_id)

    try:
        change, workshop = save_then_ack(ack, context, save)
    except NotTheOwner as error:
        tell_user(client, body, not_the_owner_text(error.owner_id), respond)
        return
    except FlowError as error:
        tell_user(client, body, str(error), respond)
        return
    item = change.item
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if channel and ts:  # the owner's DM the buttons are in
        client.chat_update(
            channel=channel,
            ts=ts,
            text=owner_dm_text(item, workshop.title),
            blocks=build_owner_dm(item, workshop.title, workshop.channel_id, item.assigned_by),
        )
    # The owner's Home lists their open items (and the buttons may have been pressed there).
    refresh_homes(client, db, context.team_id, {context.user_id, item.owner_id})
    if change.changed:
        post_in_thread(
            client,
            workshop,
            md(
                "{} set the action item *{}* to *{}*.",
                mention(context.user_id),
                item.title,
                STATUS_NAMES[item.status],
            ),
        )


def register(app: App) -> None:
    app.action(ids.ACTION_ITEMS_CREATE)(handle_create)
    for action_id in ids.ACTION_ITEM_STATUSES:
        app.action(action_id)(handle_status)
