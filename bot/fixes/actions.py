"""Buttons and menus for fixes: "Propose a fix" (board, list) and each fix's edit / remove /
merge menu in `/workshop fixes`."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.fixes.blocks.fixes import (
    FixFormMetadata,
    FixMenu,
    build_merge_modal,
    build_remove_modal,
    merge_option,
)
from bot.fixes.posts import fix_form, fix_list, fix_summary
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.list_pages import page_listener
from bot.slack.openers import modal_opener
from bot.slack.requests import ActionRequest, OptionsRequest
from bot.slack.values import WorkshopValue
from flows.errors import NotAllowed
from flows.fixes import (
    can_manage,
    get_fix,
    merge_candidates,
    require_active,
    require_editable,
    require_proposing_open,
)
from flows.workshops import get_workshop, require_facilitator
from storage.models import Workshop

STALE_BUTTON = "That button is out of date; run `/workshop fixes` for the current list."


def _proposal_form(session: Session, click: ActionRequest) -> View:
    workshop = get_workshop(session, click.team_id, click.value(WorkshopValue).workshop_id)
    require_proposing_open(workshop)
    return fix_form(session, workshop)


def _fix_menu_form(session: Session, click: ActionRequest) -> View:
    """Menu values look like "edit|12|3": what to do, to which fix, from which list page."""
    menu = click.value(FixMenu)
    what, page, response_url = menu.what, menu.page, click.response_url
    fix = get_fix(session, click.team_id, menu.fix_id)
    workshop = get_workshop(session, click.team_id, fix.workshop_id)
    require_editable(workshop)
    require_active(session, fix)
    summary = fix_summary(session, fix)
    if what == "merge":
        require_facilitator(session, workshop, click.user_id, "merge fixes")
        return build_merge_modal(summary, workshop.max_votes_per_fix, response_url, page)
    if not can_manage(session, fix, click.user_id):
        raise NotAllowed(f"Only the fix's author or a facilitator can {what} it.")
    if what == "edit":
        return fix_form(session, workshop, fix=summary, response_url=response_url, list_page=page)
    return build_remove_modal(summary, response_url, page)


handle_propose = modal_opener(_proposal_form, STALE_BUTTON)
handle_fix_menu = modal_opener(_fix_menu_form, STALE_BUTTON)


def _fix_list_page(
    session: Session, workshop: Workshop, user_id: str, page: int
) -> tuple[str, list[Block]]:
    return "Fixes", fix_list(session, workshop, user_id, page)


handle_list_page = page_listener(_fix_list_page, STALE_BUTTON)


@answers_refusals()
def suggest_merge_targets(request: OptionsRequest) -> None:
    """The merge form's search: the fixes of the source fix's workshop whose title or touchpoint
    contains what was typed (facilitators only, this workspace only; anything else gets none)."""
    source_id = request.metadata(FixFormMetadata).fix_id
    with request.db.read_session() as session:  # a refusal: no options (bot/slack/answers.py)
        fix = get_fix(session, request.team_id, source_id or 0)
        workshop = get_workshop(session, request.team_id, fix.workshop_id)
        require_facilitator(session, workshop, request.user_id, "merge fixes")
        found = merge_candidates(session, workshop, fix_summary(session, fix), request.query)
    request.ack(options=[merge_option(f) for f in found])


def register(app: App) -> None:
    app.action(ids.FIX_PROPOSE)(handle_propose)
    app.action(ids.FIX_MENU)(handle_fix_menu)
    app.action(ids.FIX_LIST_PREVIOUS)(handle_list_page)
    app.action(ids.FIX_LIST_NEXT)(handle_list_page)
    app.options(ids.FIX_MERGE_SEARCH)(suggest_merge_targets)
