"""Stakeholder buttons: Add and Rate on the board, Edit / Remove and paging in the list."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.openers import modal_opener
from bot.slack.requests import ActionRequest
from bot.slack.values import WorkshopValue
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
from flows.errors import FlowError
from flows.stakeholders import (
    add_form,
    edit_form,
    list_stakeholders,
    rating_page,
    removal_preview,
)

OUT_OF_DATE = "That button is out of date; use the latest board or list."


def _add_form(session: Session, click: ActionRequest) -> View:
    form = add_form(session, click.team_id, click.value(WorkshopValue).workshop_id)
    return build_stakeholder_modal(form)


def _rating_form(session: Session, click: ActionRequest) -> View:
    workshop_id = click.value(WorkshopValue).workshop_id
    page = rating_page(session, click.team_id, workshop_id, click.user_id, size=RATING_PAGE_SIZE)
    if not page.items:
        raise FlowError(NOTHING_TO_RATE)
    return build_rating_modal(page)


def _menu_form(session: Session, click: ActionRequest) -> View:
    """Edit or Remove from a stakeholder's menu in the list (the list is redrawn after)."""
    menu = click.value(StakeholderMenu)
    team_id, stakeholder_id, user_id = click.team_id, menu.stakeholder_id, click.user_id
    if menu.what == "edit":
        return build_stakeholder_modal(
            edit_form(session, team_id, stakeholder_id, user_id),
            list_url=click.response_url,
            list_offset=menu.offset,
        )
    return build_remove_modal(
        removal_preview(session, team_id, stakeholder_id, user_id),
        list_url=click.response_url,
        list_offset=menu.offset,
    )


handle_add = modal_opener(_add_form, OUT_OF_DATE)
handle_rate = modal_opener(_rating_form, OUT_OF_DATE)
handle_menu = modal_opener(_menu_form, OUT_OF_DATE)


@answers_refusals(OUT_OF_DATE)
def handle_list_page(request: ActionRequest) -> None:
    request.ack()
    value = request.value(ListOffset)
    with request.db.session() as session:
        listing = list_stakeholders(
            session,
            request.team_id,
            value.workshop_id,
            request.user_id,
            offset=value.offset,
            limit=LIST_PAGE_SIZE,
        )
    request.respond(
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
