"""Buttons and menus for fixes: "Propose a fix" (board, list) and each fix's edit / remove /
merge menu in `/workshop fixes`."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot import ids
from bot.blocks.fixes import build_merge_modal, build_remove_modal
from bot.replies import open_modal, tell_user
from bot.voting import fix_form, fix_summary
from flows.errors import FlowError, NotAllowed
from flows.fixes import (
    can_manage,
    get_fix,
    list_fixes,
    require_active,
    require_editable,
    require_proposing_open,
)
from flows.workshops import get_workshop, require_facilitator
from storage.db import Database

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
    """Menu values look like "edit|12": what to do, and to which fix."""
    ack()
    db: Database = context["db"]
    what, _, raw_id = ((action.get("selected_option") or {}).get("value") or "").partition("|")
    response_url = body.get("response_url")
    try:
        fix_id = int(raw_id)
        with db.session() as session:
            fix = get_fix(session, context.team_id, fix_id)
            workshop = get_workshop(session, context.team_id, fix.workshop_id)
            require_editable(workshop)
            require_active(session, fix)
            summary = fix_summary(session, fix)
            if what == "merge":
                require_facilitator(session, workshop, context.user_id, "merge fixes")
                view = build_merge_modal(
                    summary,
                    list_fixes(session, workshop),
                    workshop.max_votes_per_fix,
                    response_url,
                )
            elif what in ("edit", "remove"):
                if not can_manage(session, fix, context.user_id):
                    raise NotAllowed(f"Only the fix's author or a facilitator can {what} it.")
                view = (
                    fix_form(session, workshop, fix=summary, response_url=response_url)
                    if what == "edit"
                    else build_remove_modal(summary, response_url)
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


def register(app: App) -> None:
    app.action(ids.FIX_PROPOSE)(handle_propose)
    app.action(ids.FIX_MENU)(handle_fix_menu)
