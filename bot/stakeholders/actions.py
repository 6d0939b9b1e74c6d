"""Stakeholder buttons: Add and Rate on the board, Edit / Remove and paging in the list."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.replies import open_modal, tell_user
from bot.stakeholders.blocks import (
    LIST_PAGE_SIZE,
    RATING_PAGE_SIZE,
    build_rating_modal,
    build_remove_modal,
    build_stakeholder_list,
    build_stakeholder_modal,
)
from bot.stakeholders.commands import NOTHING_TO_RATE
from flows.errors import FlowError
from flows.stakeholders import (
    add_form,
    edit_form,
    list_stakeholders,
    rating_page,
    removal_preview,
)
from storage.db import Database

OUT_OF_DATE = "That button is out of date; use the latest board or list."


MAX_ID = 2**31 - 1  # ids are 32-bit integer columns
MAX_OFFSET = 1_000_000


def parse_id(raw: object, low: int = 1, high: int = MAX_ID) -> int:
    """A database id (or offset) from a payload; ValueError unless it is a whole number in range,
    so a forged "-1" or "99999999999999999999" never reaches a query."""
    if not isinstance(raw, (str, int)) or isinstance(raw, bool):
        raise ValueError(raw)
    value = int(raw)
    if not low <= value <= high:
        raise ValueError(raw)
    return value


def _value(action: dict) -> str:
    """The clicked element's value (a button's, or an overflow's chosen option); anything that
    is not a string, as only a forged payload would send, reads as empty."""
    option = action.get("selected_option")
    value = option.get("value") if isinstance(option, dict) else action.get("value")
    return value if isinstance(value, str) else ""


def handle_add(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    db: Database = context["db"]

    def build() -> View:
        with db.session() as session:
            form = add_form(session, context.team_id, parse_id(_value(action)))
        return build_stakeholder_modal(form)

    open_modal(client, body, respond, build, OUT_OF_DATE)


def handle_rate(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    db: Database = context["db"]
    try:
        with db.session() as session:
            page = rating_page(
                session,
                context.team_id,
                parse_id(_value(action)),
                context.user_id,
                size=RATING_PAGE_SIZE,
            )
    except ValueError:
        tell_user(client, body, OUT_OF_DATE, respond)
        return
    except FlowError as error:
        tell_user(client, body, str(error), respond)
        return
    if not page.items:
        tell_user(client, body, NOTHING_TO_RATE, respond)
        return
    client.views_open(trigger_id=body["trigger_id"], view=build_rating_modal(page))


def parse_menu_value(value: str) -> tuple[str, int, int]:
    """Overflow option values look like "edit|12|40": what, the stakeholder, the list's offset."""
    what, stakeholder_id, offset = value.split("|")
    if what not in ("edit", "remove"):
        raise ValueError(what)
    return what, parse_id(stakeholder_id), parse_id(offset, 0, MAX_OFFSET)


def handle_menu(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    db: Database = context["db"]

    def build() -> View:
        what, stakeholder_id, offset = parse_menu_value(_value(action))
        with db.session() as session:
            if what == "edit":
                return build_stakeholder_modal(
                    edit_form(session, context.team_id, stakeholder_id, context.user_id),
                    list_url=body.get("response_url"),
                    list_offset=offset,
                )
            return build_remove_modal(
                removal_preview(session, context.team_id, stakeholder_id, context.user_id),
                list_url=body.get("response_url"),
                list_offset=offset,
            )

    open_modal(client, body, respond, build, OUT_OF_DATE)


def handle_list_page(
    ack: Ack, action: dict, body: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    db: Database = context["db"]
    try:
        workshop_id, _, offset = _value(action).partition("|")
        with db.session() as session:
            listing = list_stakeholders(
                session,
                context.team_id,
                parse_id(workshop_id),
                context.user_id,
                offset=parse_id(offset, 0, MAX_OFFSET),
                limit=LIST_PAGE_SIZE,
            )
    except ValueError:
        tell_user(client, body, OUT_OF_DATE, respond)
        return
    except FlowError as error:
        tell_user(client, body, str(error), respond)
        return
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
