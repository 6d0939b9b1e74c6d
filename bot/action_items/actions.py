""" "Create action items" (results post, `/workshop actions`) and the status buttons in an
owner's DM."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.action_items.blocks import (
    STATUS_NAMES,
    ActionItemsMetadata,
    StatusValue,
    build_owner_dm,
    build_pick_modal,
    not_the_owner_text,
    owner_dm_text,
    pick_option,
)
from bot.fixes.posts import action_list
from bot.home.publish import refresh_homes
from bot.rounds.posts import post_due_loop_notes
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.list_pages import page_listener
from bot.slack.mrkdwn import md, mention
from bot.slack.openers import modal_opener
from bot.slack.requests import ActionRequest, OptionsRequest
from bot.slack.values import WorkshopValue
from bot.workshop.board import post_in_thread
from flows.actions import (
    DEFAULT_TOP_N,
    NotTheOwner,
    StatusChange,
    set_action_status,
    workshop_for_action_items,
)
from flows.follows import follower_ids
from flows.voting import ranked_matching
from flows.workshops import get_workshop
from storage.models import ActionStatus, Workshop, pk


def _pick_form(session: Session, click: ActionRequest) -> View:
    workshop_id = click.value(WorkshopValue).workshop_id
    workshop = workshop_for_action_items(session, click.team_id, workshop_id, click.user_id)
    top = ranked_matching(session, workshop, limit=DEFAULT_TOP_N)
    return build_pick_modal(pk(workshop), top)


handle_create = modal_opener(_pick_form)


@answers_refusals()
def suggest_fixes(request: OptionsRequest) -> None:
    """The pick form's search: the workshop's fixes whose title or touchpoint contains what was
    typed, best ranked first (facilitators of this workspace's workshop only; else none)."""
    workshop_id = request.metadata(ActionItemsMetadata).workshop_id
    with request.db.read_session() as session:  # a refusal: no options (bot/slack/answers.py)
        workshop = workshop_for_action_items(
            session, request.team_id, workshop_id or 0, request.user_id
        )
        found = ranked_matching(session, workshop, request.query)
    request.ack(options=[pick_option(r) for r in found])


@answers_refusals()
def handle_status(request: ActionRequest) -> None:
    """Acks once the status is saved (bot/slack/acks.py); the DM and the thread follow the ack."""
    value = request.value(StatusValue)
    team_id, user_id, client, db = request.team_id, request.user_id, request.client, request.db

    def save() -> tuple[StatusChange, Workshop]:
        with db.session() as session:
            change = set_action_status(session, team_id, value.item_id, user_id, value.status)
            return change, get_workshop(session, team_id, change.item.workshop_id)

    try:
        change, workshop = request.save_then_ack(save)
    except NotTheOwner as error:
        request.tell(not_the_owner_text(error.owner_id))
        return
    item = change.item
    container = request.body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if channel and ts:  # the owner's DM the buttons are in
        client.chat_update(
            channel=channel,
            ts=ts,
            text=owner_dm_text(item, workshop.title),
            blocks=build_owner_dm(item, workshop.title, workshop.channel_id, item.assigned_by),
        )
    if change.changed:
        post_in_thread(
            client,
            workshop,
            md(
                "{} set the action item *{}* to *{}*.",
                mention(user_id),
                item.title,
                STATUS_NAMES[item.status],
            ),
        )
    if item.status is ActionStatus.done:
        # A round already shown may bear it out: "you said, we did", once (claimed), also after
        # a repeated click whose first attempt was cut short.
        post_due_loop_notes(client, db, team_id, item.workshop_id)
    # The owner's Home lists their open items (and the buttons may have been pressed there);
    # followers see the workshop's open and overdue counts.
    with db.read_session() as session:
        followers = follower_ids(session, team_id, item.workshop_id)
    refresh_homes(client, db, team_id, {user_id, item.owner_id, *followers})


def _action_list_page(
    session: Session, workshop: Workshop, user_id: str, page: int
) -> tuple[str, list[Block]]:
    return f"Action items of workshop #{workshop.id}", action_list(session, workshop, user_id, page)


handle_list_page = page_listener(
    _action_list_page, "That button is out of date; run `/workshop actions`."
)


def register(app: App) -> None:
    app.action(ids.ACTION_ITEMS_CREATE)(handle_create)
    app.options(ids.ACTION_ITEMS_FIX_SEARCH)(suggest_fixes)
    app.action(ids.ACTION_LIST_PREVIOUS)(handle_list_page)
    app.action(ids.ACTION_LIST_NEXT)(handle_list_page)
    for action_id in ids.ACTION_ITEM_STATUSES:
        app.action(action_id)(handle_status)
