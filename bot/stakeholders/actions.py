"""Stakeholder buttons: Add and Rate on the board, Edit / Remove and paging in the list."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.replies import tell_user
from bot.slack.values import WorkshopValue
from bot.slack.who import team_id_of, user_id_of
from bot.stakeholders.blocks import (
    LIST_PAGE_SIZE,
    RATING_PAGE_SIZE,
    ListOffset,
    StakeholderMenu,
    build_rating_modal,
    build_remove_modal,
    build_stakeholder_list,
    build_stakeholder_modal,
)
from bot.stakeholders.commands import NOTHING_TO_RATE
from flows.stakeholders import (
    add_form,
    edit_form,
    list_stakeholders,
    rating_page,
    removal_preview,
)
from storage.db import Database

OUT_OF_DATE = "That button is out of date; use the latest board or list."


@answers_refusals(OUT_OF_DATE)
def handle_add(
    ack: Ack,
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    db: Database,
) -> None:
    ack()

    def build() -> View:
        with db.session() as session:
            form = add_form(session, team_id_of(context), WorkshopValue.of(action).workshop_id)
        return build_stakeholder_modal(form)

    client.views_open(trigger_id=body["trigger_id"], view=build())


@answers_refusals(OUT_OF_DATE)
def handle_rate(
    ack: Ack,
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    db: Database,
) -> None:
    ack()
    with db.session() as session:
        page = rating_page(
            session,
            team_id_of(context),
            WorkshopValue.of(action).workshop_id,
            user_id_of(context),
            size=RATING_PAGE_SIZE,
        )
    if not page.items:
        tell_user(client, body, NOTHING_TO_RATE, respond)
        return
    client.views_open(trigger_id=body["trigger_id"], view=build_rating_modal(page))


@answers_refusals(OUT_OF_DATE)
def handle_menu(
    ack: Ack,
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    db: Database,
) -> None:
    ack()

    def build() -> View:
        menu = StakeholderMenu.of(action)
        stakeholder_id, offset = menu.stakeholder_id, menu.offset
        with db.session() as session:
            if menu.what == "edit":
                return build_stakeholder_modal(
                    edit_form(session, team_id_of(context), stakeholder_id, user_id_of(context)),
                    list_url=body.get("response_url"),
                    list_offset=offset,
                )
            return build_remove_modal(
                removal_preview(session, team_id_of(context), stakeholder_id, user_id_of(context)),
                list_url=body.get("response_url"),
                list_offset=offset,
            )

    client.views_open(trigger_id=body["trigger_id"], view=build())


@answers_refusals(OUT_OF_DATE)
def handle_list_page(
    ack: Ack,
    action: dict,
    context: BoltContext,
    respond: Respond,
    db: Database,
) -> None:
    ack()
    value = ListOffset.of(action)
    with db.session() as session:
        listing = list_stakeholders(
            session,
            team_id_of(context),
            value.workshop_id,
            user_id_of(context),
            offset=value.offset,
            limit=LIST_PAGE_SIZE,
        )
    respond(
        text=f"Stakeholders of workshop #{listing.workshop_id}",
        blocks=build_stakeholder_list(listing),
        response_type="ephemeral",
        replace_original=True,
    )


def register(app: App) -> None:
    app.action(ids.ADD_STAKEHOLDER)(handle_add)
    app.action(ids.RATE_STAKEHOLDERS)(handle_rate)
    app.action(ids.STAKEHOLDER_MENU)(handle_menu)
    app.action(ids.STAKEHOLDER_LIST_PREVIOUS)(handle_list_page)
    app.action(ids.STAKEHOLDER_LIST_NEXT)(handle_list_page)
