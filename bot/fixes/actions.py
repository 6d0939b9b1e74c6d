"""Buttons and menus for fixes: "Propose a fix" (board, list) and each fix's edit / remove /
merge menu in `/workshop fixes`."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.fixes.blocks.fixes import build_merge_modal, build_remove_modal, merge_option
from bot.fixes.posts import fix_form, fix_list, fix_summary
from bot.slack import ids
from bot.slack.blocks import read_metadata
from bot.slack.replies import open_modal, tell_user
from bot.stakeholders.actions import parse_id
from flows.errors import FlowError, NotAllowed
from flows.fixes import (
    can_manage,
    get_fix,
    merge_candidates,
    require_active,
    require_editable,
    require_proposing_open,
)
from flows.workshops import get_workshop, require_facilitator
from storage.db import Database

MAX_PAGE = 100_000
STALE_BUTTON = "That button is out of date; run `/workshop fixes` for the current list."


def handle_propose(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    db: Database = context["db"]

    def build() -> View:
        with db.session() as session:
            workshop = get_workshop(session, context.team_id, int(action.get("value", "")))
            require_proposing_open(workshop)
            return fix_form(session, workshop)

    open_modal(client, body, respond, build, STALE_BUTTON)


def handle_fix_menu(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    """Menu values look like "edit|12|3": what to do, to which fix, from which list page."""
    ack()
    db: Database = context["db"]
    response_url = body.get("response_url")
    try:
        what, fix_id, page = parse_menu_value(_value(action))
        with db.session() as session:
            fix = get_fix(session, context.team_id, fix_id)
            workshop = get_workshop(session, context.team_id, fix.workshop_id)
            require_editable(workshop)
            require_active(session, fix)
            summary = fix_summary(session, fix)
            if what == "merge":
                require_facilitator(session, workshop, context.user_id, "merge fixes")
                view = build_merge_modal(summary, workshop.max_votes_per_fix, response_url, page)
            elif what in ("edit", "remove"):
                if not can_manage(session, fix, context.user_id):
                    raise NotAllowed(f"Only the fix's author or a facilitator can {what} it.")
                view = (
                    fix_form(
                        session, workshop, fix=summary, response_url=response_url, list_page=page
                    )
                    if what == "edit"
                    else build_remove_modal(summary, response_url, page)
                )
            else:
                raise ValueError(what)
    except ValueError:
        tell_user(client, body, STALE_BUTTON, respond)
        return
    except FlowError as error:
        tell_user(client, body, str(error), respond)
        return
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _value(action: dict) -> str:
    """A button's value or an overflow's chosen option's; "" for anything not a string."""
    option = action.get("selected_option")
    value = option.get("value") if isinstance(option, dict) else action.get("value")
    return value if isinstance(value, str) else ""


def parse_menu_value(value: str) -> tuple[str, int, int]:
    """ "edit|12|3" (or "edit|12" from a list drawn before it had pages): what, fix, page."""
    what, raw_id, *rest = value.split("|")
    if len(rest) > 1:
        raise ValueError(value)
    return what, parse_id(raw_id), parse_id(rest[0] if rest else 0, 0, MAX_PAGE)


def handle_list_page(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    """Previous / Next under `/workshop fixes`: the list is replaced by the page asked for."""
    ack()
    db: Database = context["db"]
    try:
        raw_workshop, _, raw_page = _value(action).partition("|")
        with db.read_session() as session:
            workshop = get_workshop(session, context.team_id, parse_id(raw_workshop))
            blocks = fix_list(session, workshop, context.user_id, parse_id(raw_page, 0, MAX_PAGE))
    except ValueError:
        tell_user(client, body, STALE_BUTTON, respond)
        return
    except FlowError as error:
        tell_user(client, body, str(error), respond)
        return
    respond(text="Fixes", blocks=blocks, response_type="ephemeral", replace_original=True)


def suggest_merge_targets(ack: Ack, body: dict, context: BoltContext) -> None:
    """The merge form's search: the fixes of the source fix's workshop whose title or touchpoint
    contains what was typed (facilitators only, this workspace only; anything else gets none)."""
    db: Database = context["db"]
    source_id = read_metadata((body.get("view") or {}).get("private_metadata")).get("fix_id")
    query = body.get("value") if isinstance(body.get("value"), str) else ""
    try:
        with db.read_session() as session:
            fix = get_fix(session, context.team_id, parse_id(source_id))
            workshop = get_workshop(session, context.team_id, fix.workshop_id)
            require_facilitator(session, workshop, context.user_id, "merge fixes")
            found = merge_candidates(session, workshop, fix_summary(session, fix), query)
    except (ValueError, FlowError):
        found = []
    ack(options=[merge_option(f) for f in found])


def register(app: App) -> None:
    app.action(ids.FIX_PROPOSE)(handle_propose)
    app.action(ids.FIX_MENU)(handle_fix_menu)
    app.action(ids.FIX_LIST_PREVIOUS)(handle_list_page)
    app.action(ids.FIX_LIST_NEXT)(handle_list_page)
    app.options(ids.FIX_MERGE_SEARCH)(suggest_merge_targets)
